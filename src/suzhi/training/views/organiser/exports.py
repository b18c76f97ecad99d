"""The organiser's Excel exports: the sessions in scope and a session's attendance."""

import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from suzhi.core.web import AuthedHttpRequest, require_perm, xlsx_download
from suzhi.people.models import Person
from suzhi.people.selectors.persons import can_see_pii, shown_id_number
from suzhi.people.services.persons import persons_pii_reveal
from suzhi.training.selectors.sessions import VIEW, session_get
from suzhi.training.views.organiser.sessions import enrolments_shown, filtered_sessions


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
    enrolments = enrolments_shown(request.user, session)
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
    _form, sessions = filtered_sessions(request)
    headers = [_("Title"), _("Activity"), _("Form"), _("Organiser"), _("Trainer"), _("Place or link"),
               _("Starts at"), _("Ends at"), _("Credit hours"), _("Capacity"), _("Enrolled"), _("Attended"),
               _("Status")]
    rows = ([s.title, s.activity.title, s.get_form_display(), s.organiser.name, s.trainer, s.place,
             _time(s.starts_at), _time(s.ends_at), float(s.hours), s.capacity or "",
             s.enrolled, s.attended,  # type: ignore[attr-defined]
             _("Cancelled") if s.is_cancelled else ""] for s in sessions.iterator(chunk_size=2000))
    return xlsx_download(_("training-sessions.xlsx"), headers, rows, sheet=_("Training sessions"))
