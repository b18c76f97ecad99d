"""The organiser's training pages: sessions (sessions.py), list imports into a session (imports.py) and the
Excel exports (exports.py); their URL patterns."""

from django.urls import URLPattern, path

from suzhi.training.services import imports as importer
from suzhi.training.views.organiser.exports import session_attendance_export, session_export
from suzhi.training.views.organiser.imports import _import_errors_view, _import_template_view, _import_view
from suzhi.training.views.organiser.sessions import (
    session_attendance,
    session_calendar,
    session_cancel_view,
    session_detail,
    session_edit,
    session_enrol,
    session_list,
    session_new,
)

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
