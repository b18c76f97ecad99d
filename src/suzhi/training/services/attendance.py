"""Attendance (签到) and credit hours (学时认定): a participant scans the session's code, or the organiser
marks the list. Hours are credited on attendance and never exceed the session's; every change recomputes
the metric records the campaign's targets count."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.eligibility import window
from suzhi.campaigns.services.records import metric_record_put, metric_record_remove
from suzhi.core import oplog
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import User
from suzhi.core.web import ensure_perm
from suzhi.people.selectors.persons import person_for_user
from suzhi.training.codes import InvalidCode, read_token
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from suzhi.training.rules import check_in_window
from suzhi.training.selectors.sessions import MANAGE, access_session_for_update

METRICS = ("training.people", "training.participations", "training.hours")


def _source(attendance: Attendance) -> str:
    return f"training.attendance:{attendance.pk}"


def _credit(attendance: Attendance) -> None:
    """The three facts of one attendance for the targets: a person trained, a participation, its hours."""
    day = timezone.localdate(attendance.session.starts_at)
    for metric in METRICS:
        quantity = float(attendance.hours) if metric == "training.hours" else 1
        metric_record_put(activity=attendance.session.activity, metric=metric, person=attendance.person,
                          occurred_on=day, quantity=quantity, source=_source(attendance))


def _uncredit(attendance: Attendance) -> None:
    for metric in METRICS:
        metric_record_remove(activity=attendance.session.activity, metric=metric, source=_source(attendance))


def _time(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@transaction.atomic
def check_in(*, actor: User, session_id: Any, token: str) -> Attendance:
    """A participant checks in by the session's code, within the window, once (扫码签到)."""
    session = TrainingSession.objects.select_for_update().select_related("activity__organiser", "organiser").filter(
        pk=session_id).first()
    if session is None:
        raise NotFound()
    try:
        read_token(session, token)
    except InvalidCode as exc:
        if str(exc) == "replaced":
            raise ValidationFailed(_("This check-in code has been replaced; scan the code shown now."),
                                   code=TrainingErrors.CODE_REPLACED) from None
        raise ValidationFailed(_("This is not a valid check-in code."), code=TrainingErrors.CODE_INVALID) from None
    person = person_for_user(actor)
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a person on a roster."))
    if session.is_cancelled:
        raise ValidationFailed(_("The session is cancelled."), code=TrainingErrors.CANCELLED)
    now = timezone.now()
    opens, closes = check_in_window(session)
    if now < opens:
        raise ValidationFailed(_("Check-in opens at %(time)s.") % {"time": _time(opens)}, code=TrainingErrors.TOO_EARLY)
    if now > closes:
        raise ValidationFailed(_("Check-in closed at %(time)s.") % {"time": _time(closes)}, code=TrainingErrors.EXPIRED)
    decision = window("check_in", session.activity, at=now)
    if not decision:
        raise ValidationFailed(decision.message, code=decision.code)
    existing = Attendance.objects.filter(session=session, person=person).first()
    if existing is not None:
        raise Conflict(_("You checked in at %(time)s already.") % {"time": _time(existing.checked_in_at)},
                       code=TrainingErrors.ALREADY_CHECKED_IN)
    if not Enrolment.objects.filter(session=session, person=person).exists():
        raise ValidationFailed(_("You are not enrolled in this session."), code=TrainingErrors.NOT_ENROLLED)
    attendance = Attendance.objects.create(session=session, person=person, hours=session.hours,
                                           method=Attendance.Method.QR, checked_in_at=now, recorded_by=actor)
    _credit(attendance)
    oplog.record(actor=actor, action="training.check_in", obj=session, organisation=person.organisation,
                 after={"person": person.pk, "hours": str(attendance.hours)},
                 summary=_("%(name)s checked in") % {"name": person.name})
    return attendance


def _hours(raw: Any, session: TrainingSession, name: str) -> Decimal:
    if raw in (None, ""):
        return session.hours
    try:
        hours = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("%(name)s: enter the hours as a number.") % {"name": name},
                               code=TrainingErrors.BAD_HOURS) from None
    if not Decimal("0") < hours <= session.hours:
        raise ValidationFailed(_("%(name)s: hours must be more than 0 and at most the session's %(n)s.")
                               % {"name": name, "n": session.hours}, code=TrainingErrors.BAD_HOURS)
    return hours


@transaction.atomic
def attendance_mark(*, actor: User, session_id: Any, marks: dict[Any, Any],
                    method: str = Attendance.Method.LIST) -> dict[str, int]:
    """The organiser's attendance list: {person_id: hours} marks people present (None or "": the session's
    hours, partial hours allowed), {person_id: False} marks them absent. Only enrolled people; a change to
    credited hours is logged and recomputes the records. Returns counts of added, changed, removed."""
    ensure_perm(actor, MANAGE)
    session = access_session_for_update(user=actor, session_id=session_id)
    if session.is_cancelled:
        raise ValidationFailed(_("The session is cancelled."), code=TrainingErrors.CANCELLED)
    if session.starts_at > timezone.now():
        raise ValidationFailed(_("Attendance can be recorded once the session has started."),
                               code=TrainingErrors.TOO_EARLY)
    enrolled = {e.person_id: e.person for e in Enrolment.objects.filter(
        session=session, person_id__in=[p for p in marks if str(p).isdigit()]).select_related("person__organisation")}
    unknown = [p for p in marks if not str(p).isdigit() or int(p) not in enrolled]
    if unknown:
        raise ValidationFailed(_("Only people enrolled in the session can be marked."),
                               code=TrainingErrors.NOT_ENROLLED,
                               detail=[{"field": "marks", "message": str(p)} for p in unknown])
    current = {a.person_id: a for a in Attendance.objects.filter(session=session, person_id__in=list(enrolled))}
    counts = {"added": 0, "changed": 0, "removed": 0}
    now = timezone.now()
    for raw_id, raw_hours in marks.items():
        person = enrolled[int(raw_id)]
        attendance = current.get(person.pk)
        if raw_hours is False:
            if attendance is not None:
                _uncredit(attendance)
                oplog.record(actor=actor, action="training.attendance_remove", obj=session,
                             organisation=person.organisation, before={"person": person.pk,
                                                                       "hours": str(attendance.hours)})
                attendance.delete()
                counts["removed"] += 1
            continue
        hours = _hours(raw_hours, session, person.name)
        if attendance is None:
            attendance = Attendance(session=session, person=person, hours=hours, method=method,
                                    checked_in_at=now, recorded_by=actor)
            attendance.save()
            attendance.session = session
            _credit(attendance)
            counts["added"] += 1
            oplog.record(actor=actor, action="training.attendance_add", obj=session,
                         organisation=person.organisation, after={"person": person.pk, "hours": str(hours)})
        elif attendance.hours != hours:
            before = str(attendance.hours)
            attendance.hours, attendance.recorded_by = hours, actor
            attendance.save(update_fields=["hours", "recorded_by", "updated_at"])
            attendance.session = session
            _credit(attendance)
            counts["changed"] += 1
            oplog.record(actor=actor, action="training.attendance_change", obj=session,
                         organisation=person.organisation, before={"person": person.pk, "hours": before},
                         after={"person": person.pk, "hours": str(hours)})
    return counts


def attendances_cap_hours(*, actor: User, session: TrainingSession) -> int:
    """After the session's hours were lowered: no one keeps more than the session gives (inside the caller's
    transaction)."""
    changed = 0
    for attendance in Attendance.objects.filter(session=session, hours__gt=session.hours).select_related("person"):
        before = str(attendance.hours)
        attendance.hours = session.hours
        attendance.save(update_fields=["hours", "updated_at"])
        attendance.session = session
        _credit(attendance)
        oplog.record(actor=actor, action="training.attendance_change", obj=session,
                     organisation=attendance.person.organisation,
                     before={"person": attendance.person_id, "hours": before},
                     after={"person": attendance.person_id, "hours": str(session.hours)})
        changed += 1
    return changed
