"""The enrolment rules (报名条件), in one place: the service applies them when someone enrols, and the
participant's page shows the same sentence instead of the button. Who may take part is the campaign engine's
decision (`may_take_part`); a session adds being cancelled, over or full."""

import datetime

from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.eligibility import ALLOWED, Decision, Memo, may_take_part, reason
from suzhi.campaigns.models import Phase
from suzhi.people.models import Person
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.manifest import TrainingSettings
from suzhi.training.models import TrainingSession

CANCELLED = reason(TrainingErrors.CANCELLED, _("The session is cancelled."))
OVER = reason(TrainingErrors.OVER, _("The session is over."))
FULL = reason(TrainingErrors.FULL, _("The session is full (%(n)d places)."))


def enrolment_refusal(session: TrainingSession, person: Person, taken: int, *, now: datetime.datetime,
                      recording: bool = False, phases: list[Phase] | None = None,
                      memo: Memo | None = None) -> Decision:
    """Whether `person` can be enrolled in `session` (the decision allows it) or why not, with a reason code.
    `taken`: places already taken.

    `recording`: the organiser records who came to a session that has started (a paper sign-in sheet, a
    remote platform's list), so the enrolment window and the capacity, about booking places ahead, do not
    apply. `phases` and `memo` let a page ask for many sessions without a query per session."""
    if session.is_cancelled:
        return CANCELLED.refuse()
    if not recording and session.ends_at < now:
        return OVER.refuse()
    decision = may_take_part(person, "enroll", session.activity, at=now, phases=phases, phased=not recording,
                             categories=session.person_categories or None, memo=memo)
    if not decision:
        return decision
    if not recording and session.capacity is not None and taken >= session.capacity:
        return FULL.refuse(n=session.capacity)
    return ALLOWED


def check_in_window(session: TrainingSession) -> tuple[datetime.datetime, datetime.datetime]:
    """When check-in (签到) is open: from the plan's `check_in_minutes` before the start to the end."""
    settings = TrainingSettings.model_validate(session.activity.settings or {})
    return session.starts_at - datetime.timedelta(minutes=settings.check_in_minutes), session.ends_at
