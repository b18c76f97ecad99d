"""Enrolment (报名): people enrol themselves on their phones, or their unit enrols them from the roster.
Capacity and eligibility are enforced, each refusal with its reason."""

import dataclasses
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import User
from suzhi.core.scope import self_and_ancestor_paths
from suzhi.core.web import ensure_perm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_for_user
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.models import Enrolment, TrainingSession
from suzhi.training.rules import enrolment_refusal
from suzhi.training.selectors.sessions import MANAGE


@dataclasses.dataclass
class EnrolResult:
    enrolled: list[Person] = dataclasses.field(default_factory=list)
    refused: list[tuple[Person, str]] = dataclasses.field(default_factory=list)


def _locked(session_id: Any) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().select_related("activity__organiser", "organiser").filter(
        pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


@transaction.atomic
def enrol_self(*, actor: User, session_id: Any) -> Enrolment:
    """A participant enrols in a session open to them (报名)."""
    person = person_for_user(actor)
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a person on a roster."))
    # Sessions organised at or above the person's organisation exist for them; others answer 404.
    if not TrainingSession.objects.filter(pk=session_id,
                                          organiser__path__in=self_and_ancestor_paths(person.organisation.path)).exists():
        raise NotFound()
    session = _locked(session_id)
    if Enrolment.objects.filter(session=session, person=person).exists():
        raise Conflict(_("You are already enrolled."), code=TrainingErrors.ALREADY_ENROLLED)
    decision = enrolment_refusal(session, person, session.enrolments.count(), now=timezone.now())
    if not decision:
        raise ValidationFailed(decision.message, code=decision.code)
    enrolment = Enrolment.objects.create(session=session, person=person, source=Enrolment.Source.SELF,
                                         enrolled_by=actor)
    oplog.record(actor=actor, action="training.enrol", obj=session, organisation=person.organisation,
                 after={"person": person.pk}, summary=_("%(name)s enrolled") % {"name": person.name})
    return enrolment


@transaction.atomic
def enrol_people(*, actor: User, session_id: Any, person_ids: list[Any],
                 source: str = Enrolment.Source.UNIT, recording: bool = False) -> EnrolResult:
    """A unit enrols people from its roster: each is enrolled or refused with a reason; the others go on.
    `recording=True` records who attended a session that has started (see `_refusal`)."""
    ensure_perm(actor, MANAGE)
    session = _locked(session_id)
    if recording and session.starts_at > timezone.now():
        raise ValidationFailed(_("Attendance can be recorded once the session has started."),
                               code=TrainingErrors.TOO_EARLY)
    people = scope.filter_queryset(Person.objects.select_related("organisation"), actor, "person.view")
    wanted = list(people.filter(pk__in=[p for p in person_ids if str(p).isdigit()]))
    if len(wanted) != len(set(person_ids)):
        raise NotFound()
    now = timezone.now()
    already = set(Enrolment.objects.filter(session=session, person__in=wanted).values_list("person_id", flat=True))
    taken = session.enrolments.count()
    result = EnrolResult()
    created = []
    for person in wanted:
        if person.pk in already:
            result.refused.append((person, _("Already enrolled.")))
            continue
        decision = enrolment_refusal(session, person, taken, now=now, recording=recording)
        if not decision:
            result.refused.append((person, decision.message))
            continue
        created.append(Enrolment(session=session, person=person, source=source, enrolled_by=actor))
        result.enrolled.append(person)
        taken += 1
    Enrolment.objects.bulk_create(created)
    if created:
        oplog.record(actor=actor, action="training.enrol_bulk", obj=session, organisation=session.organiser,
                     after={"enrolled": len(created), "refused": len(result.refused)}, summary=session.title)
    return result


@transaction.atomic
def enrolment_cancel(*, actor: User, session_id: Any, person_id: Any | None = None) -> None:
    """Withdraw an enrolment: one's own (no person_id) or, for a manager, a person's. Attended: refused."""
    session = _locked(session_id)
    if person_id is None:
        person = person_for_user(actor)
        if person is None:
            raise NotFound()
    else:
        ensure_perm(actor, MANAGE)
        person = scope.get_in_scope(Person.objects.select_related("organisation"), actor, "person.view",
                                    pk=person_id)
    enrolment = Enrolment.objects.filter(session=session, person=person).first()
    if enrolment is None:
        raise NotFound()
    if session.attendances.filter(person=person).exists():
        raise Conflict(_("%(name)s has attended; the enrolment stays.") % {"name": person.name},
                       code=TrainingErrors.ATTENDED)
    enrolment.delete()
    oplog.record(actor=actor, action="training.enrol_cancel", obj=session, organisation=person.organisation,
                 before={"person": person.pk}, summary=_("%(name)s withdrew") % {"name": person.name})
