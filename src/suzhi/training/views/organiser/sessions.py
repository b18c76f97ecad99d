"""The organiser's session pages: sessions in scope (list and month calendar), a session with its enrolments
and attendance sheet, opening, editing and cancelling it, bulk enrolment from the roster and marking attendance."""

import calendar
import datetime
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.core import scope
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import Organisation
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error
from suzhi.people.models import Person
from suzhi.people.selectors.persons import persons_list, pii_viewer, shown_id_number
from suzhi.training.forms.sessions import RosterPickForm, SessionFilterForm, SessionForm
from suzhi.training.models import Enrolment, TrainingSession
from suzhi.training.selectors.enrolments import present_person_ids, session_enrolments
from suzhi.training.selectors.sessions import MANAGE, VIEW, session_get, sessions_visible
from suzhi.training.services.attendance import attendance_mark
from suzhi.training.services.enrolments import enrol_people
from suzhi.training.services.sessions import session_cancel, session_create, session_update

ROSTER_PICK_LIMIT = 300


def filtered_sessions(request: AuthedHttpRequest) -> tuple[SessionFilterForm, QuerySet[TrainingSession]]:
    form = SessionFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    upcoming = {"upcoming": True, "past": False}.get(data.get("when") or "")
    sessions = sessions_visible(user=request.user, activity_id=data.get("activity") or None, upcoming=upcoming)
    org_id = request.GET.get("org", "").strip()
    if org_id:
        # An organisation outside the caller's scope is a 404, not an empty list.
        organisation = scope.get_in_scope(Organisation.objects.only("id", "path"), request.user, VIEW,
                                          pk=org_id, org_field="")
        sessions = sessions.filter(organiser__path__startswith=organisation.path)
    return form, sessions


@require_perm(VIEW)
def session_list(request: AuthedHttpRequest) -> HttpResponse:
    form, sessions = filtered_sessions(request)
    context = paginate(request, sessions)
    context.update(form=form, can_manage=request.user.has_perm(MANAGE), query=request.GET.urlencode())
    return render(request, "training/organiser/list.html", context)


def _month(raw: str) -> datetime.date:
    try:
        year, month = (int(part) for part in raw.split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


@require_perm(VIEW)
def session_calendar(request: AuthedHttpRequest) -> HttpResponse:
    """A month of sessions as a table of weeks (?month=2024-04), with the list's filters."""
    form, sessions = filtered_sessions(request)
    first = _month(request.GET.get("month", ""))
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(following, datetime.time.min, tzinfo=zone)
    by_day: dict[datetime.date, list[TrainingSession]] = {}
    for session in sessions.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id"):
        by_day.setdefault(timezone.localdate(session.starts_at), []).append(session)
    today = timezone.localdate()
    weeks = [[{"day": day, "in_month": day.month == first.month, "today": day == today,
               "sessions": by_day.get(day, [])} for day in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]
    params = request.GET.copy()
    params.pop("month", None)
    keep = params.urlencode()
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return render(request, "training/organiser/calendar.html", {
        "form": form, "weeks": weeks, "month": first, "keep": f"{keep}&" if keep else "",
        "previous": f"{previous:%Y-%m}", "next": f"{following:%Y-%m}",
        "weekdays": [formats.date_format(datetime.date(2024, 4, 1) + datetime.timedelta(days=i), "D")
                     for i in range(7)],
        "count": sum(len(items) for items in by_day.values()),
    })


def managed_session(request: AuthedHttpRequest, session_id: Any) -> TrainingSession:
    session = session_get(user=request.user, session_id=session_id)
    return scope.managed(session, user=request.user, permission=MANAGE, organisation=session.organiser)


def enrolments_shown(user: Any, session: TrainingSession) -> list[Enrolment]:
    """The session's enrolments (see session_enrolments), each with its ID number as shown on the page."""
    enrolments = session_enrolments(user=user, session=session)
    for enrolment in enrolments:
        enrolment.id_shown = shown_id_number(enrolment.person, full=False)  # type: ignore[attr-defined]
    return enrolments


@require_perm(VIEW)
def session_detail(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = session_get(user=user, session_id=session_id)
    manageable = scope.may_manage(user, MANAGE, session.organiser)
    enrolments = enrolments_shown(user, session)
    pick_form = RosterPickForm(request.GET or None, user=user)
    candidates: list[Person] = []
    picked = manageable and request.GET.get("pick") == "1"
    if picked and pick_form.is_valid():
        enrolled = {e.person_id for e in enrolments}
        people = persons_list(user=user, org_id=request.GET.get("org", "").strip() or None,
                              category=pick_form.cleaned_data.get("category") or "", active=True)
        candidates = [p for p in people.exclude(pk__in=enrolled)[:ROSTER_PICK_LIMIT]]
        for person in candidates:
            person.id_shown = shown_id_number(person, full=False)  # type: ignore[attr-defined]
    started = session.starts_at <= timezone.now()
    return render(request, "training/organiser/detail.html", {
        "session": session, "manageable": manageable, "enrolments": enrolments,
        "attended_count": len([e for e in enrolments if e.attendance is not None]),  # type: ignore[attr-defined]
        "pick_form": pick_form, "picked": picked, "candidates": candidates,
        "pick_limited": len(candidates) >= ROSTER_PICK_LIMIT, "started": started,
        "sheet_open": manageable and started and not session.is_cancelled,
        "offer_full": pii_viewer(user),
    })


def _save_session(request: AuthedHttpRequest, form: SessionForm, session: TrainingSession | None
                  ) -> TrainingSession | None:
    try:
        if session is None:
            return session_create(actor=request.user, activity_id=form.cleaned_data["activity"],
                                  **form.service_kwargs())
        return session_update(actor=request.user, session_id=session.pk, **form.service_kwargs())
    except (ValidationFailed, Conflict) as exc:
        show_form_error(form, exc, aliases={"organiser_id": "organiser"})
        if exc.code != ValidationFailed.code:
            # The plan's phases refuse the day: say so above the form as well as at the field.
            form.add_error(None, str(exc.message))
        return None
    except NotFound:
        form.add_error("activity", _("Choose a training activity of a campaign you take part in."))
        return None


@require_perm(MANAGE)
def session_new(request: AuthedHttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, user=request.user,
                       initial={"activity": request.GET.get("activity", ""), "form": "lecture"})
    if request.method == "POST" and form.is_valid():
        session = _save_session(request, form, None)
        if session is not None:
            messages.success(request, _("The session “%(title)s” is open.") % {"title": session.title})
            return redirect("training:session_detail", session.pk)
    return render(request, "training/organiser/form.html", {"form": form, "session": None})


@require_perm(MANAGE)
def session_edit(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = managed_session(request, session_id)
    local = {"starts_at": timezone.localtime(session.starts_at), "ends_at": timezone.localtime(session.ends_at)}
    initial = {"activity": str(session.activity_id), "title": session.title, "form": session.form,
               "organiser": session.organiser_id, "trainer": session.trainer, "place": session.place,
               "hours": session.hours, "capacity": session.capacity,
               "person_categories": session.person_categories, **local}
    form = SessionForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid() and _save_session(request, form, session) is not None:
        messages.success(request, _("The session has been saved."))
        return redirect("training:session_detail", session.pk)
    return render(request, "training/organiser/form.html", {"form": form, "session": session})


@require_POST
@require_perm(MANAGE)
def session_cancel_view(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = managed_session(request, session_id)
    try:
        session_cancel(actor=request.user, session_id=session.pk)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The session has been cancelled."))
    return redirect("training:session_detail", session.pk)


@require_POST
@require_perm(MANAGE)
def session_enrol(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """Enrol the people ticked on the roster picker; show who was enrolled and who was refused, and why."""
    session = managed_session(request, session_id)
    person_ids = [p for p in request.POST.getlist("person") if p.isdigit()]
    if not person_ids:
        messages.warning(request, _("Tick the people to enrol."))
        return redirect("training:session_detail", session.pk)
    result = enrol_people(actor=request.user, session_id=session.pk, person_ids=person_ids)
    return render(request, "training/organiser/enrol_result.html", {"session": session, "result": result})


@require_POST
@require_perm(MANAGE)
def session_attendance(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """The attendance sheet: ticked people are present with the hours typed (empty: the session's);
    unticked people who were recorded present are removed."""
    session = managed_session(request, session_id)
    listed = [p for p in request.POST.getlist("person") if p.isdigit()]
    present = present_person_ids(session=session, person_ids=listed)
    marks: dict[int, Any] = {}
    for raw in listed:
        person_id = int(raw)
        if request.POST.get(f"present_{person_id}"):
            marks[person_id] = request.POST.get(f"hours_{person_id}", "").strip() or None
        elif person_id in present:
            marks[person_id] = False
    try:
        counts = attendance_mark(actor=request.user, session_id=session.pk, marks=marks)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Attendance saved: %(added)d added, %(changed)d changed, %(removed)d removed.")
                         % counts)
    return redirect(f"{reverse('training:session_detail', args=[session.pk])}#attendance")
