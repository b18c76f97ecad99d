"""Personal training records (个人培训档案): a person's sessions and hours for administrators, and the certificate of
hours (学时证明) as a PDF for administrators and the participant. The public page that verifies one is the
platform's (/verify/<code>/, suzhi.certificates); the address printed on older certificates shows the same page."""

from urllib.parse import quote

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from suzhi.certificates.models import Certificate
from suzhi.certificates.views import public
from suzhi.core.codes import format_code
from suzhi.core.errors import NotFound
from suzhi.core.pdf import html_to_pdf
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.people.selectors.persons import person_for_user, person_get, shown_id_number
from suzhi.training.models import TrainingSession
from suzhi.training.selectors.certificates import (
    certificate_content,
    certificate_current,
    hours_of,
    issued_on,
    training_record,
)
from suzhi.training.selectors.sessions import VIEW
from suzhi.training.services.certificates import certificate_issue

CERTIFICATE_TEMPLATE = "training/records/certificate.html"


@require_GET
@require_perm(VIEW)
def person_record(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id)
    record = training_record(person=person)
    forms = [key for key, _label in TrainingSession.Form.choices if any(t.key == key for t in record.forms)]
    labels = dict(TrainingSession.Form.choices)
    years = [{"tally": t, "cells": [t.forms.get(form) for form in forms]} for t in record.years]
    return render(request, "training/records/person.html", {
        "person": person,
        "id_shown": shown_id_number(person, full=False),
        "record": record,
        "form_columns": [labels[form] for form in forms],
        "years": years,
    })


def render_certificate_pdf(request: HttpRequest, certificate: Certificate) -> bytes:
    verify_url = request.build_absolute_uri(reverse("certificates:verify", args=[certificate.code]))
    # An <img> with a data: URI is what the PDF renderer takes without fetching (codes.qr_svg gives inline SVG).
    qr = segno.make(verify_url, error="m").svg_data_uri(scale=6, border=2)
    year, total_hours, sessions = hours_of(certificate)
    person = certificate.person
    if person is None:  # a certificate of hours always names its person
        raise NotFound()
    html = render_to_string(CERTIFICATE_TEMPLATE, {
        "certificate": certificate,
        "year": year,
        "total_hours": total_hours,
        "sessions": sessions,
        "person": person,
        "id_shown": shown_id_number(person, full=False),
        "rows": certificate_content(certificate=certificate),
        "code_shown": format_code(certificate.code),
        "verify_url": verify_url,
        "qr_data_uri": qr,
        "issued_on": issued_on(certificate),
    }, request=request)
    return html_to_pdf(html)


def _pdf_response(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    response = HttpResponse(render_certificate_pdf(request, certificate), content_type="application/pdf")
    filename = f"学时证明-{certificate.recipient_name}-{hours_of(certificate)[0]}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _certificate_or_issue_page(request: AuthedHttpRequest, person_id: int, year: int, issue_url: str) -> HttpResponse:
    """The PDF of the certificate already issued for these hours; reading issues nothing. When none has been,
    a page that says so and offers to issue it (a POST)."""
    try:
        certificate = certificate_current(actor=request.user, person_id=person_id, year=year)
    except NotFound as exc:
        if exc.code != "certificate_not_issued":
            raise
        return render(request, "training/records/certificate_missing.html", {
            "message": exc.message, "year": year, "issue_url": issue_url, "has_hours": exc.detail["has_hours"],
        }, status=404)
    return _pdf_response(request, certificate)


@require_GET
@require_perm(VIEW)
def person_certificate(request: AuthedHttpRequest, person_id: int, year: int) -> HttpResponse:
    issue_url = reverse("training:person_certificate_issue", args=[person_id, year])
    return _certificate_or_issue_page(request, person_id, year, issue_url)


@require_POST
@require_perm(VIEW)
def person_certificate_issue(request: AuthedHttpRequest, person_id: int, year: int) -> HttpResponse:
    """Issue the certificate (or hand back the one already issued for the same hours), then show it."""
    certificate_issue(actor=request.user, person_id=person_id, year=year)
    return redirect(reverse("training:person_certificate", args=[person_id, year]))


def _own_person_id(request: AuthedHttpRequest) -> int:
    person = person_for_user(request.user)
    if person is None:
        raise NotFound()
    return person.pk


@require_GET
@login_required
def my_certificate(request: AuthedHttpRequest, year: int) -> HttpResponse:
    issue_url = reverse("training:my_certificate_issue", args=[year])
    return _certificate_or_issue_page(request, _own_person_id(request), year, issue_url)


@require_POST
@login_required
def my_certificate_issue(request: AuthedHttpRequest, year: int) -> HttpResponse:
    certificate_issue(actor=request.user, person_id=_own_person_id(request), year=year)
    return redirect(reverse("training:my_certificate", args=[year]))


urlpatterns = [
    path("people/<int:person_id>/record/", person_record, name="person_record"),
    path("people/<int:person_id>/certificate/<int:year>.pdf", person_certificate, name="person_certificate"),
    path("people/<int:person_id>/certificate/<int:year>/issue/", person_certificate_issue,
         name="person_certificate_issue"),
    path("my/certificate/<int:year>.pdf", my_certificate, name="my_certificate"),
    path("my/certificate/<int:year>/issue/", my_certificate_issue, name="my_certificate_issue"),
    # Printed on certificates issued before they moved onto the platform's: the platform's page answers.
    path("verify/<str:code>/", public.verify_page, name="certificate_verify"),
]
