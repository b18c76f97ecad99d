"""The participant's phone pages (我的培训, 扫码签到, 我的学时) and the organiser's check-in code page (签到二维码).

Participants hold no permission: every page here works from the logged-in user's own roster record
(person_for_user), and a session that does not exist for them answers 404 like a missing one."""

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from suzhi.core import scope
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm
from suzhi.people.selectors.persons import person_for_user
from suzhi.training.codes import check_in_path, qr_svg
from suzhi.training.models import TrainingSession
from suzhi.training.rules import check_in_window
from suzhi.training.selectors import records
from suzhi.training.selectors.enrolments import own_attendance
from suzhi.training.selectors.sessions import MANAGE, session_for_participant, session_get
from suzhi.training.services import attendance as attendance_services
from suzhi.training.services import enrolments as enrolment_services
from suzhi.training.services.sessions import session_code_reset

REFUSALS = (ValidationFailed, Conflict, PermissionDenied)


def _hours_text(value: Any) -> str:
    """2.0 → "2", 1.5 → "1.5": credit hours as people say them."""
    text = f"{value:f}" if value is not None else "0"
    return text.rstrip("0").rstrip(".") if "." in text else text


@never_cache
@login_required
def my_training(request: AuthedHttpRequest) -> HttpResponse:
    """我的培训: enrolled sessions (checked in or not, hours credited), and the sessions open to the person
    with 报名 or the reason they cannot. POST: action=enrol|withdraw, session=<id>."""
    person = person_for_user(request.user)
    if request.method == "POST":
        if person is None:
            raise NotFound()
        return _enrol_or_withdraw(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context: dict[str, Any] = {"person": person}
    if person is not None:
        context.update(enrolled=records.my_enrolments(person=person), open=records.sessions_to_enrol(person=person),
                       year_hours=records.my_hours_in_year(person=person), year=timezone.localdate().year)
    return render(request, "training/participant/my_training.html", context)


def _enrol_or_withdraw(request: AuthedHttpRequest) -> HttpResponse:
    action, session_id = request.POST.get("action"), request.POST.get("session", "")
    if not session_id.isdigit() or action not in ("enrol", "withdraw"):
        raise NotFound()
    try:
        if action == "enrol":
            enrolment = enrolment_services.enrol_self(actor=request.user, session_id=int(session_id))
            messages.success(request, _("You are enrolled in %(title)s.") % {"title": enrolment.session.title})
        else:
            enrolment_services.enrolment_cancel(actor=request.user, session_id=int(session_id))
            messages.success(request, _("You have withdrawn from the session."))
    except REFUSALS as exc:
        messages.error(request, str(exc.message))
    return redirect("training:my_training")


@never_cache
@login_required
def my_hours(request: AuthedHttpRequest) -> HttpResponse:
    """我的学时: hours per year and per form, and every session attended."""
    person = person_for_user(request.user)
    context: dict[str, Any] = {"person": person}
    if person is not None:
        attended = paginate(request, records.my_attendances(person=person))
        context.update(years=records.my_hours(person=person), **attended)
    return render(request, "training/participant/my_hours.html", context)


@never_cache
@login_required
def check_in(request: AuthedHttpRequest, session_id: int, token: str) -> HttpResponse:
    """扫码签到: GET shows the session and one big button, POST checks in by the code in the link."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    person = person_for_user(request.user)
    session = session_for_participant(user=request.user, person=person, session_id=session_id)
    opens, closes = check_in_window(session)
    context: dict[str, Any] = {"session": session, "person": person, "opens": opens, "closes": closes}
    if person is None:
        context["refusal"] = _("Your account is not linked to a person on a roster.")
        return render(request, "training/participant/check_in.html", context, status=403)
    if request.method == "POST":
        try:
            attendance = attendance_services.check_in(actor=request.user, session_id=session.pk, token=token)
        except REFUSALS as exc:
            context.update(refusal=str(exc.message), code=exc.code)
            return render(request, "training/participant/check_in.html", context, status=400)
        context.update(attendance=attendance, success=True, hours=_hours_text(attendance.hours))
    else:
        context["attendance"] = own_attendance(person=person, session_id=session.pk)
    context["year_hours"] = _hours_text(records.my_hours_in_year(person=person))
    return render(request, "training/participant/check_in.html", context)


@never_cache
@require_perm(MANAGE)
def session_qr(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """The session's check-in code, on screen or printed on A4 (签到二维码). POST: replace the code (换码),
    voiding every one shown or printed before."""
    session = session_get(user=request.user, session_id=session_id)
    # Sessions organised above the caller are visible (their people attend) but not theirs to hand out.
    if not scope.organisation_in_scope(request.user, MANAGE, session.organiser):
        raise NotFound()
    if request.method == "POST":
        session_code_reset(actor=request.user, session_id=session.pk)
        messages.success(request, _("The check-in code has been replaced; codes shown or printed before no "
                                    "longer work."))
        return redirect("training:session_qr", session_id=session.pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    link = request.build_absolute_uri(check_in_path(session))
    opens, closes = check_in_window(session)
    return render(request, "training/participant/session_qr.html", {
        "session": session, "link": link, "svg": mark_safe(_scalable(qr_svg(link))),  # noqa: S308 - segno's SVG
        "opens": opens, "closes": closes, "hours": _hours_text(session.hours),
        "back": _organiser_page(session),
    })


def _scalable(svg: str) -> str:
    """Give the code a viewBox so CSS can size it (the screen and an A4 sheet want very different sizes)."""
    head = svg[:svg.find(">") + 1]
    size = re.search(r'width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"', head)
    if size is None or "viewBox" in head:
        return svg
    return svg.replace("<svg ", f'<svg viewBox="0 0 {size.group(1)} {size.group(2)}" ', 1)


def _organiser_page(session: TrainingSession) -> str:
    """The organiser's session page when the organiser pages are installed (they land separately)."""
    try:
        return reverse("training:session_detail", args=[session.pk])
    except NoReverseMatch:
        return ""


urlpatterns = [
    path("my/", my_training, name="my_training"),
    path("my/hours/", my_hours, name="my_hours"),
    path("c/<int:session_id>/<str:token>/", check_in, name="check_in"),
    path("sessions/<int:session_id>/qr/", session_qr, name="session_qr"),
]
