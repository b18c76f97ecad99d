"""Judging's error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class JudgingErrors(ErrorCodes):
    NOT_JUDGED = "not_judged", "The activity's settings have no judging block (rubric)."
    NOT_A_JUDGE = "not_a_judge", "The account does not hold the judge role (评委) or is not on the panel."
    CONFLICT_OF_INTEREST = "conflict_of_interest", "The judge may not score the entry; `detail` gives the reasons."
    ASSIGNMENT_SCORED = "assignment_scored", "The assignment has scores and cannot be removed."
    ASSIGNMENT_INFEASIBLE = "assignment_infeasible", "No balanced conflict-free assignment exists; `detail` says why."
    UNKNOWN_CRITERION = "unknown_criterion", "The rubric has no such criterion."
    SCORE_OUT_OF_RANGE = "score_out_of_range", "A score is below 0 or above the criterion's maximum."
    SHEET_SUBMITTED = "sheet_submitted", "The sheet is submitted; an admin must reopen it first."
    SHEET_INCOMPLETE = "sheet_incomplete", "Some criteria are not scored; `detail` lists them."
    SHEET_NOT_SUBMITTED = "sheet_not_submitted", "Only a submitted sheet can be reopened."
    ENTRY_WITHDRAWN = "entry_withdrawn", "The entry was withdrawn from judging."
    RESULTS_STATE = "results_state", "The results are not in a state that allows this step."
    SAME_PERSON = "same_person", "Results are verified by someone other than who computed them."
    RESULTS_PUBLISHED = "results_published", "Published results cannot be recomputed."
    NO_RESULTS = "no_results", "The results have not been computed."
