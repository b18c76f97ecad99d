"""An honour's states and the one table of what may happen to it (建议 → 确认 / 撤销)."""

from django.db import models
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from suzhi.core.errors import Conflict
from suzhi.honours.error_codes import HonourErrors


class State(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REMOVED = "removed", _("Removed")


class Action(models.TextChoices):
    PROPOSE = "propose", _("Proposed by the rule")
    ADD = "add", _("Added by hand")
    CONFIRM = "confirm", _("Confirmed")
    REMOVE = "remove", _("Removed")


# (state, action) -> the state after. A confirmed honour can still be withdrawn (with a reason): a mistake found
# after the roll was published is corrected, not hidden; a removed one stays removed (add the recipient again).
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.PROPOSED, Action.CONFIRM): State.CONFIRMED,
    (State.PROPOSED, Action.REMOVE): State.REMOVED,
    (State.CONFIRMED, Action.REMOVE): State.REMOVED,
}
# Actions an organiser takes against the rule's outcome say why.
NEEDS_REASON = frozenset({Action.ADD, Action.REMOVE})


def next_state(state: str, action: str) -> str:
    """The state after `action`, or the domain's 409 when the table has no such move."""
    after = TRANSITIONS.get((state, action))
    if after is None:
        raise Conflict(_now("This honour is %(state)s: it cannot be %(action)s.")
                       % {"state": State(state).label, "action": Action(action).label},
                       code=HonourErrors.NOT_NOW)
    return after
