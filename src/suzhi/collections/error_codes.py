"""The collection kind's error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class CollectionErrors(ErrorCodes):
    NOT_NOW = "submission_state", "The submission's state does not allow this action (collections.review)."
    NOT_AUTHOR = "not_submitter", "Only whoever submitted the item may change, submit or withdraw it."
    PER_PERSON = "per_person_limit", "An author already has the plan's number of submissions per person."
    SHARES = "author_shares", "The authors' shares do not add up to 100, or an author is named twice."
    NO_AUTHOR = "no_author", "A submission needs at least one author on the roster."
    SUBMITTER = "submitter_not_allowed", "The plan does not let this kind of submitter (a person, a unit) submit."
    NO_REVIEWER = "no_reviewer", "No organisation above the submitting unit reviews at any of the plan's levels."
    NOT_REVIEWER = "not_reviewer", "The submission is not waiting at an organisation the reviewer acts for."
    QUOTA_FULL = "quota_full", "The reviewing organisation has recommended as many items as its quota allows."
    CATEGORY_UNKNOWN = "category_unknown", "The category is not among the plan's categories for the activity."
    CATEGORY_NEEDED = "category_needed", "A quota per category needs the submission classified first."
    REASON_NEEDED = "reason_needed", "Returning or rejecting a submission needs a comment or a reason."
    TITLE_NEEDED = "title_needed", "A submission needs a title of at most 200 characters."
    ATTACHMENT_FIELD = "attachment_field", "No attachment field of that key, or the field holds its most files."
    ATTACHMENT_UNKNOWN = "attachment_unknown", "An attachment entry names no file stored for this submission's field."
    RESULTS_UNPUBLISHED = "results_not_published", "Decisions are applied only once the judging results are published."
    NO_AWARDS = "no_awards", "The plan gives the activity no awards or adoption rules to decide by."
    EXPORT_TOO_LARGE = "export_too_large", "More submissions match than one export may hold; narrow the filters."
    NOT_ADOPTED = "not_adopted", "Only an adopted suggestion has an implementation to report or confirm."
    IMPLEMENTATION_STATUS = "implementation_status", (
        "The implementation's status does not allow this change (collections.implementation).")
    BENEFIT_INVALID = "benefit_invalid", "The measured benefit is not a number of 万元 from 0, or not for this status."
    CONFIRM_NOT_NOW = "confirm_not_now", (
        "Only an implemented suggestion with a measured benefit, not yet confirmed, can be confirmed.")
    CONFIRM_BY_AUTHOR = "confirm_by_author", "An author of the suggestion cannot confirm its measured benefit."
    CONFIRM_BY_REPORTER = "confirm_by_reporter", "Whoever reported the measured benefit cannot confirm it."
