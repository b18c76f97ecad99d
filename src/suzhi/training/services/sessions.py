"""Creating, changing and cancelling training sessions (开班), within the phases the plan opens."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.eligibility import can
from suzhi.campaigns.models import Activity
from suzhi.core import oplog, scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.core.web import ensure_perm
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.manifest import TrainingSettings
from suzhi.training.models import TrainingSession
from suzhi.training.selectors.sessions import MANAGE, access_session_for_update

MAX_HOURS = Decimal("100")
LOGGED = ("title", "form", "organiser", "trainer", "place", "starts_at", "ends_at", "capacity", "hours",
          "person_categories", "is_cancelled")


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items[0]["message"], detail=self.items)


def _activity(activity_id: Any) -> Activity:
    activity = Activity.objects.select_related("organiser", "campaign").filter(pk=activity_id, kind="training").first()
    if activity is None:
        raise NotFound()
    return activity


def _hours(raw: Any, errors: _Errors) -> Decimal | None:
    try:
        hours = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors.add("hours", _("Enter the credit hours as a number, such as 2 or 1.5."))
        return None
    if not Decimal("0") < hours <= MAX_HOURS:
        errors.add("hours", _("Credit hours must be more than 0 and at most %(n)s.") % {"n": MAX_HOURS})
        return None
    return hours


def _check(actor: User, activity: Activity, data: dict[str, Any], errors: _Errors) -> Organisation | None:
    settings = TrainingSettings.model_validate(activity.settings or {})
    if not (data.get("title") or "").strip():
        errors.add("title", _("Give the session a title."))
    elif len(data["title"].strip()) > 200:
        errors.add("title", _("The title may have at most %(n)d characters.") % {"n": 200})
    if data.get("form") not in settings.forms:
        allowed = "、".join(str(TrainingSession.Form(f).label) for f in settings.forms)
        errors.add("form", _("This activity allows these forms: %(forms)s.") % {"forms": allowed})
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, datetime.datetime) or not isinstance(ends, datetime.datetime):
        errors.add("starts_at", _("Enter when the session starts and ends."))
    elif ends <= starts:
        errors.add("ends_at", _("The session must end after it starts."))
    capacity = data.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        errors.add("capacity", _("The capacity is a whole number of at least 1, or empty for no limit."))
    organisation = Organisation.objects.filter(pk=data.get("organiser_id")).first()
    if organisation is None or not scope.organisation_in_scope(actor, MANAGE, organisation):
        errors.add("organiser_id", _("Choose an organisation you manage."))
        return None
    if not organisation.path.startswith(activity.organiser.path):
        errors.add("organiser_id", _("%(org)s is outside this activity (%(activity)s).")
                   % {"org": organisation.name, "activity": activity.organiser.name})
        return None
    return organisation


@transaction.atomic
def session_create(
    *, actor: User, activity_id: Any, title: str, form: str, organiser_id: Any, starts_at: datetime.datetime,
    ends_at: datetime.datetime, hours: Any, capacity: int | None = None, trainer: str = "", place: str = "",
    person_categories: list[str] | None = None,
) -> TrainingSession:
    """Open a session of a training activity; the plan must open "create_session" on its start day."""
    ensure_perm(actor, MANAGE)
    activity = _activity(activity_id)
    errors = _Errors()
    data = {"title": title, "form": form, "organiser_id": organiser_id, "starts_at": starts_at, "ends_at": ends_at,
            "capacity": capacity}
    organisation = _check(actor, activity, data, errors)
    credit = _hours(hours, errors)
    categories = list(person_categories or [])
    errors.raise_if_any()
    assert organisation is not None and credit is not None
    decision = can(actor, "create_session", activity, at=starts_at)
    if not decision:
        raise ValidationFailed(decision.message, code=decision.code,
                               detail=[{"field": "starts_at", "message": decision.message}])
    session = TrainingSession.objects.create(
        activity=activity, title=title.strip(), form=form, organiser=organisation, trainer=trainer.strip()[:100],
        place=place.strip()[:200], starts_at=starts_at, ends_at=ends_at, capacity=capacity, hours=credit,
        person_categories=categories, created_by=actor,
    )
    oplog.record(actor=actor, action="training.session_create", obj=session, organisation=organisation,
                 after=oplog.snapshot(session, LOGGED), summary=session.title)
    return session


@transaction.atomic
def session_update(*, actor: User, session_id: Any, **changes: Any) -> TrainingSession:
    """Change a session; credited hours above the new session hours are lowered to it (and logged)."""
    ensure_perm(actor, MANAGE)
    session = access_session_for_update(user=actor, session_id=session_id)
    before = oplog.snapshot(session, LOGGED)
    data: dict[str, Any] = {"title": session.title, "form": session.form, "organiser_id": session.organiser_id,
            "starts_at": session.starts_at, "ends_at": session.ends_at, "capacity": session.capacity}
    data.update({k: v for k, v in changes.items() if k in data})
    errors = _Errors()
    organisation = _check(actor, session.activity, data, errors)
    credit = _hours(changes.get("hours", session.hours), errors)
    errors.raise_if_any()
    assert organisation is not None and credit is not None
    session.title, session.form, session.organiser = data["title"].strip(), data["form"], organisation
    session.starts_at, session.ends_at, session.capacity = data["starts_at"], data["ends_at"], data["capacity"]
    session.hours = credit
    for field in ("trainer", "place"):
        if field in changes:
            setattr(session, field, (changes[field] or "").strip())
    if "person_categories" in changes:
        session.person_categories = list(changes["person_categories"] or [])
    session.save()
    old, new = oplog.changed(before, oplog.snapshot(session, LOGGED))
    if new:
        oplog.record(actor=actor, action="training.session_update", obj=session, organisation=session.organiser,
                     before=old, after=new)
    from suzhi.training.services.attendance import attendances_cap_hours

    attendances_cap_hours(actor=actor, session=session)
    return session


@transaction.atomic
def session_cancel(*, actor: User, session_id: Any) -> TrainingSession:
    ensure_perm(actor, MANAGE)
    session = access_session_for_update(user=actor, session_id=session_id)
    if session.attendances.exists():
        raise ValidationFailed(_("People have attended this session; it cannot be cancelled."),
                               code=TrainingErrors.HAS_ATTENDANCE)
    session.is_cancelled = True
    session.save(update_fields=["is_cancelled"])
    oplog.record(actor=actor, action="training.session_cancel", obj=session, organisation=session.organiser,
                 summary=session.title)
    return session


@transaction.atomic
def session_code_reset(*, actor: User, session_id: Any) -> TrainingSession:
    """Void every check-in code of the session handed out so far (a photo of it went round)."""
    ensure_perm(actor, MANAGE)
    session = access_session_for_update(user=actor, session_id=session_id)
    session.code_version += 1
    session.save(update_fields=["code_version"])
    oplog.record(actor=actor, action="training.code_reset", obj=session, organisation=session.organiser,
                 summary=session.title)
    return session


def session_is_over(session: TrainingSession) -> bool:
    return session.ends_at < timezone.now()
