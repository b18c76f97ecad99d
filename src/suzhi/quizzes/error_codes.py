"""The knowledge-contest kind's error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class QuizErrors(ErrorCodes):
    NOT_PUBLISHED = "not_published", "The contest is not open yet."
    ATTEMPTS_USED = "attempts_used", "The person has used all their attempts."
    DAILY_LIMIT = "daily_limit", "The person has used today's attempts."
    PAPER = "paper", "A paper could not be drawn from the bank with the contest's rules."
    BAD_ANSWER = "bad_answer", "The answer is not of the right form for the question."
    BAD_SLOT = "bad_slot", "There is no such question on the paper."
    FINISHED = "finished", "The attempt has been submitted; answers can no longer change."
    TIME_UP = "time_up", "Time is up: the attempt was submitted with the answers saved before the end."
    TOO_LARGE = "too_large", "The question file is too large."
    NOT_UTF8 = "not_utf8", "A text question file is not UTF-8 (nor GBK)."
    NOT_MANUAL = "not_manual", "Only short answers are marked by hand."
    NOT_FINISHED = "not_finished", "The attempt has not been submitted yet."
    MARK_RANGE = "mark_range", "A mark outside 0 to the question's points."
