"""The training kind's error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class TrainingErrors(ErrorCodes):
    HAS_ATTENDANCE = "has_attendance", "A session with attendance recorded cannot be cancelled."
    ALREADY_ENROLLED = "already_enrolled", "The person is already enrolled."
    TOO_EARLY = "too_early", "Check-in or attendance before the session opens for it."
    ATTENDED = "attended", "The person has attended; the enrolment stays."
    CODE_REPLACED = "code_replaced", "The check-in code was replaced by a newer one."
    CODE_INVALID = "code_invalid", "Not a valid check-in code."
    CANCELLED = "cancelled", "The session is cancelled."
    OVER = "over", "The session is over."
    FULL = "full", "The session has no places left."
    EXPIRED = "expired", "Check-in has closed."
    ALREADY_CHECKED_IN = "already_checked_in", "The person has checked in already."
    NOT_ENROLLED = "not_enrolled", "The person is not enrolled in the session."
    BAD_HOURS = "bad_hours", "Credit hours are not a number within the session's hours."
    NO_HOURS = "no_hours", "The person has no credit hours in that year."
    CERTIFICATE_NOT_ISSUED = "certificate_not_issued", "No certificate of hours has been issued for that year."
    BAD_KIND = "bad_kind", "Unknown kind of imported list."
    NOT_REMOTE = "not_remote", "Remote completions can be imported only for a remote session."
