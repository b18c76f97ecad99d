"""The organiser's training pages: sessions in scope (list and month calendar), opening, editing and
cancelling a session, its enrolments and attendance sheet, bulk enrolment from the roster, the three list
imports (enrolment list, sign-in sheet, remote completions) and the Excel exports."""

import calendar
import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from suzhi.core import scope
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import Organisation
from suzhi.core.navigation import NavItem, register
from suzhi.core.uploads import StagedUpload
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error, xlsx_download
from suzhi.people.models import Person
from suzhi.people.selectors.persons import can_see_pii, persons_list, pii_viewer, shown_id_number
from suzhi.people.services.persons import persons_pii_reveal
from suzhi.training.forms.sessions import ListImportForm, RosterPickForm, SessionFilterForm, SessionForm
from suzhi.training.models import Enrolment, TrainingSession
from suzhi.training.selectors.enrolments import present_person_ids, session_enrolments
from suzhi.training.selectors.sessions import MANAGE, VIEW, session_get, sessions_visible
from suzhi.training.services import imports as importer
from suzhi.training.services.attendance import attendance_mark
from suzhi.training.services.enrolments import enrol_people
from suzhi.training.services.sessions import session_cancel, session_create, session_update

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROSTER_PICK_LIMIT = 300
ERRORS_SHOWN = 200


def register_navigation() -> None:
    register(NavItem("training", gettext_lazy("Training"), "training:session_list", VIEW, 30))


# Reading ------------------------------------------------------------------------------------------------


def _filtered(request: AuthedHttpRequest) -> tuple[SessionFilterForm, QuerySet[TrainingSession]]:
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
    form, sessions = _filtered(request)
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
    form, sessions = _filtered(request)
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


def _managed(request: AuthedHttpRequest, session_id: Any) -> TrainingSession:
    """A session the caller may change; one they only see (organised above them) is as good as absent."""
    session = session_get(user=request.user, session_id=session_id)
    if not (request.user.has_perm(MANAGE) and scope.organisation_in_scope(request.user, MANAGE, session.organiser)):
        raise NotFound()
    return session


def _enrolments(user: Any, session: TrainingSession) -> list[Enrolment]:
    """The session's enrolments (see session_enrolments), each with its ID number as shown on the page."""
    enrolments = session_enrolments(user=user, session=session)
    for enrolment in enrolments:
        enrolment.id_shown = shown_id_number(enrolment.person, full=False)  # type: ignore[attr-defined]
    return enrolments


@require_perm(VIEW)
def session_detail(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = session_get(user=user, session_id=session_id)
    manageable = user.has_perm(MANAGE) and scope.organisation_in_scope(user, MANAGE, session.organiser)
    enrolments = _enrolments(user, session)
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


# Writing ------------------------------------------------------------------------------------------------


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
    session = _managed(request, session_id)
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
    session = _managed(request, session_id)
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
    session = _managed(request, session_id)
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
    session = _managed(request, session_id)
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


# Imports ------------------------------------------------------------------------------------------------


def _import_page(request: AuthedHttpRequest, kind: str, session: TrainingSession, form: ListImportForm,
                 result: importer.TrainingImportResult | None = None, *, stage: str = "upload",
                 filename: str = "") -> HttpResponse:
    return render(request, "training/organiser/import.html", {
        "kind": kind, "title": importer.TITLES[kind], "session": session, "form": form, "result": result,
        "errors": result.errors[:ERRORS_SHOWN] if result else [],
        "errors_truncated": bool(result and len(result.errors) > ERRORS_SHOWN), "stage": stage,
        "filename": filename, "skip_invalid": request.POST.get("skip_invalid") == "on",
        "columns": [c.label for c in importer.LAYOUTS[kind][0]],
        "url_name": _URL_NAMES[kind],
    })


def _staged(kind: str) -> StagedUpload:
    return StagedUpload(f"training-{kind.replace('_', '-')}")


def _import_view(kind: str) -> Callable[..., HttpResponse]:
    @require_perm(MANAGE)
    def view(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
        session = _managed(request, session_id)
        staged = _staged(kind)
        if request.method != "POST":
            return _import_page(request, kind, session, ListImportForm())
        if request.POST.get("step") == "confirm":
            return _import_confirm(request, kind, session, staged)
        form = ListImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _import_page(request, kind, session, form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = importer.training_import(actor=request.user, session_id=session.pk, kind=kind, data=data,
                                              filename=upload.name, dry_run=True)
        except ValidationFailed as exc:
            form.add_error("file", str(exc.message))
            return _import_page(request, kind, session, form)
        staged.store(request, data, upload.name, session_id=session.pk)
        staged.store_errors(request, importer.error_rows_xlsx(result) if result.error_rows else None)
        return _import_page(request, kind, session, form, result, stage="preview", filename=upload.name)

    view.__name__ = f"session_import_{kind}"
    return view


def _import_confirm(request: AuthedHttpRequest, kind: str, session: TrainingSession,
                    staged: StagedUpload) -> HttpResponse:
    stored = staged.get(request)
    if stored is None or stored[2].get("session_id") != session.pk:
        messages.warning(request, _("The uploaded file has expired; please upload it again."))
        return redirect(_URL_NAMES[kind], session.pk)
    data, filename, _extra = stored
    skip_invalid = request.POST.get("skip_invalid") == "on"
    try:
        result = importer.training_import(actor=request.user, session_id=session.pk, kind=kind, data=data,
                                          filename=filename, dry_run=False, skip_invalid=skip_invalid)
    except ValidationFailed as exc:
        form = ListImportForm()
        form.add_error(None, str(exc.message))
        return _import_page(request, kind, session, form)
    staged.store_errors(request, importer.error_rows_xlsx(result) if result.error_rows else None)
    if not result.written:
        messages.error(request, _("Nothing was imported: the file has errors. Correct them, or choose to "
                                  "import the valid rows only."))
        return _import_page(request, kind, session, ListImportForm(), result, stage="preview", filename=filename)
    staged.consume(request)
    messages.success(request, _("Import finished: %(enrolled)d enrolled, %(added)d attendances added, "
                                "%(changed)d changed, %(skipped)d rows not imported.") % {
        "enrolled": result.enrolled, "added": result.attendance_added, "changed": result.attendance_changed,
        "skipped": result.invalid_rows})
    return _import_page(request, kind, session, ListImportForm(), result, stage="done", filename=filename)


def _import_errors_view(kind: str) -> Callable[..., HttpResponseBase]:
    @require_perm(MANAGE)
    def view(request: AuthedHttpRequest, session_id: int) -> HttpResponseBase:
        _managed(request, session_id)
        errors_file = _staged(kind).errors_file(request)
        return FileResponse(errors_file.open("rb"), as_attachment=True, filename=_("import-errors.xlsx"),
                            content_type=XLSX)

    view.__name__ = f"session_import_{kind}_errors"
    return view


def _import_template_view(kind: str) -> Callable[..., HttpResponse]:
    @require_perm(MANAGE)
    def view(request: AuthedHttpRequest) -> HttpResponse:
        return xlsx_download(f"{importer.TITLES[kind]}.xlsx", [c.label for c in importer.LAYOUTS[kind][0]], [],
                             sheet=str(importer.TITLES[kind]))

    view.__name__ = f"session_import_{kind}_template"
    return view


# Exports ------------------------------------------------------------------------------------------------


def _revealed(request: AuthedHttpRequest, people: list[Person]) -> set[int]:
    """Full ID numbers only when asked for, and only where the viewer holds pii.view; the view is logged."""
    if request.GET.get("full") != "1" or not any(can_see_pii(request.user, p.organisation) for p in people):
        return set()
    return persons_pii_reveal(actor=request.user, persons=people)


def _time(moment: datetime.datetime | None) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else ""


@require_perm(VIEW)
def session_attendance_export(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = session_get(user=request.user, session_id=session_id)
    enrolments = _enrolments(request.user, session)
    full = _revealed(request, [e.person for e in enrolments])
    rows = []
    for e in enrolments:
        attendance = e.attendance  # type: ignore[attr-defined]
        rows.append([
            e.person.name, shown_id_number(e.person, full=e.person_id in full), e.person.organisation.name,
            e.get_source_display(), _("Yes") if attendance else _("No"),
            attendance.get_method_display() if attendance else "",
            float(attendance.hours) if attendance else 0, _time(attendance.checked_in_at if attendance else None),
        ])
    headers = [pgettext("roster column", "Name"), _("ID number"), _("Organisation"), _("Enrolled by"), _("Attended"),
               _("Method"), _("Credited hours"), _("Checked in at")]
    day = timezone.localdate(session.starts_at)
    return xlsx_download(f"{session.title}-{day:%Y%m%d}.xlsx", headers, rows, sheet=_("Attendance"))


@require_perm(VIEW)
def session_export(request: AuthedHttpRequest) -> HttpResponse:
    _form, sessions = _filtered(request)
    headers = [_("Title"), _("Activity"), _("Form"), _("Organiser"), _("Trainer"), _("Place or link"),
               _("Starts at"), _("Ends at"), _("Credit hours"), _("Capacity"), _("Enrolled"), _("Attended"),
               _("Status")]
    rows = ([s.title, s.activity.title, s.get_form_display(), s.organiser.name, s.trainer, s.place,
             _time(s.starts_at), _time(s.ends_at), float(s.hours), s.capacity or "",
             s.enrolled, s.attended,  # type: ignore[attr-defined]
             _("Cancelled") if s.is_cancelled else ""] for s in sessions.iterator(chunk_size=2000))
    return xlsx_download(_("training-sessions.xlsx"), headers, rows, sheet=_("Training sessions"))


_URL_NAMES = {kind: f"training:session_import_{kind}" for kind in importer.KINDS}
_SLUGS = {importer.ENROL: "enrol", importer.SIGN_IN: "sign-in", importer.REMOTE: "remote"}

urlpatterns: list[URLPattern] = [
    path("sessions/", session_list, name="session_list"),
    path("sessions/calendar/", session_calendar, name="session_calendar"),
    path("sessions/new/", session_new, name="session_new"),
    path("sessions/export.xlsx", session_export, name="session_export"),
    path("sessions/<int:session_id>/", session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:session_id>/cancel/", session_cancel_view, name="session_cancel"),
    path("sessions/<int:session_id>/enrol/", session_enrol, name="session_enrol"),
    path("sessions/<int:session_id>/attendance/", session_attendance, name="session_attendance"),
    path("sessions/<int:session_id>/attendance.xlsx", session_attendance_export, name="session_attendance_export"),
]
for _kind, _slug in _SLUGS.items():
    urlpatterns += [
        path(f"sessions/<int:session_id>/import/{_slug}/", _import_view(_kind), name=f"session_import_{_kind}"),
        path(f"sessions/<int:session_id>/import/{_slug}/errors/", _import_errors_view(_kind),
             name=f"session_import_{_kind}_errors"),
        path(f"sessions/import/{_slug}/template.xlsx", _import_template_view(_kind),
             name=f"session_import_{_kind}_template"),
    ]
