"""The enrolment rules (报名条件), in one place: the service applies them when someone enrols, and the
participant's page shows the same sentence instead of the button."""

import datetime

from django.utils.translation import gettext as _

from suzhi.campaigns.gating import Decision, person_eligibility, window
from suzhi.campaigns.models import Phase
from suzhi.people.models import Person
from suzhi.training.models import TrainingSession

EligibilityCache = dict[tuple[int, tuple[str, ...]], Decision]


def enrolment_refusal(session: TrainingSession, person: Person, taken: int, *, now: datetime.datetime,
                      recording: bool = False, phases: list[Phase] | None = None,
                      cache: EligibilityCache | None = None) -> str | None:
    """Why `person` cannot be enrolled in `session` (None: they can). `taken`: places already taken.

    `recording`: the organiser records who came to a session that has started (a paper sign-in sheet, a
    remote platform's list), so the enrolment window and the capacity, about booking places ahead, do not
    apply. `phases` and `cache` let a page ask for many sessions without a query per session."""
    if session.is_cancelled:
        return _("The session is cancelled.")
    if not recording and session.ends_at < now:
        return _("The session is over.")
    if not person.is_active:
        return _("%(name)s has left the roster.") % {"name": person.name}
    if not recording:
        decision = window("enroll", session.activity, at=now, phases=phases)
        if not decision:
            return decision.message
    key = (session.activity_id, tuple(session.person_categories or ()))
    eligible = cache.get(key) if cache is not None else None
    if eligible is None:
        eligible = person_eligibility(person.organisation, person, session.activity,
                                      categories=session.person_categories or None)
        if cache is not None:
            cache[key] = eligible
    if not eligible:
        return eligible.message
    if not recording and session.capacity is not None and taken >= session.capacity:
        return _("The session is full (%(n)d places).") % {"n": session.capacity}
    return None
