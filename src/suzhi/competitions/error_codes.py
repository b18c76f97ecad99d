"""The competition kind's error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class CompetitionErrors(ErrorCodes):
    UNKNOWN_EVENT = "unknown_event", "The plan has no such event or round for the competition."
    REGISTERED = "already_registered", "The person is already registered in the event and round."
    UNIT_LIMIT = "unit_limit", "The unit has registered as many contestants in the event as the plan allows."
    NOT_ELIGIBLE = "not_eligible", "The person may not take part (phases, organisation type, category, age …)."
    DRAWN = "already_drawn", "The numbers of the event and round are already drawn."
    NOT_DRAWN = "not_drawn", "Draw the numbers first: judges see numbers, not names."
    NO_CONTESTANTS = "no_contestants", "No contestant is registered in the event and round."
    NOT_MEASURED = "not_measured", "The component is not entered here (it comes from a contest or from judging)."
    BAD_VALUE = "bad_value", "The value is not a number in the allowed range."
    RANKING_STATE = "ranking_state", "The ranking's state does not allow this step (competitions.states)."
    LOCKED = "ranking_locked", "The ranking is signed or published: results change only through an appeal."
    APPEAL_STATE = "appeal_state", "The appeal's state does not allow this step (competitions.states)."
    APPEAL_CLOSED = "appeal_closed", "Appeals are filed within the plan's days after the ranking is published."
    APPEAL_REASON = "appeal_reason", "An appeal, a dismissal or a correction needs a reason of at most 2000 characters."
    APPEAL_OPEN = "appeal_open", "The contestant already has an appeal open on this component."
