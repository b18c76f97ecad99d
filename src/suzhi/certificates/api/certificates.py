"""Certificates over the API (/api/v1/certificates), through the same selectors and services as the pages. The
issuer's administrators list, read, revoke and print those their scope covers (404 outside); anyone may verify
a code (no login, throttled like the page)."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from suzhi.certificates.error_codes import CertificateErrors
from suzhi.certificates.manifest import MANAGE
from suzhi.certificates.models import Certificate
from suzhi.certificates.render import certificate_pdf, certificates_pdf, verify_url
from suzhi.certificates.selectors.certificates import (
    certificate_get,
    certificate_verify,
    certificates_selected,
    certificates_visible,
)
from suzhi.certificates.services.revoke import certificate_revoke
from suzhi.certificates.services.templates import certificate_template_save, template_campaign
from suzhi.certificates.throttle import verify_throttled
from suzhi.certificates.views.admin import base_url, pdf_response
from suzhi.certificates.wording import wording_for
from suzhi.core.api.base import ErrorOut, current_user, page_slice
from suzhi.core.masking import mask_name
from suzhi.core.web import ensure_perm

router = Router(tags=["证书"])
ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CertificateOut(Schema):
    id: int
    number: str
    code: str
    kind: str
    source_key: str
    title: str
    recipient_name: str
    person_id: int | None
    organisation_id: int | None
    campaign_id: int | None
    issuer_id: int
    issuer: str
    fields: dict[str, Any]
    issued_at: datetime.datetime
    revoked_at: datetime.datetime | None
    revoke_reason: str
    verify_url: str


class CertificatePage(Schema):
    items: list[CertificateOut]
    count: int


class RevokeIn(Schema):
    reason: str


class BatchIn(Schema):
    ids: list[int]


class VerifyOut(Schema):
    state: str  # valid, changed, revoked or unknown
    number: str | None = None
    title: str | None = None
    recipient: str | None = None
    issuer: str | None = None
    issued_on: datetime.date | None = None
    revoked_on: datetime.date | None = None
    revoke_reason: str | None = None


class TemplateIn(Schema):
    heading: str
    body: str
    closing: str = ""
    signature: str = ""


class TemplateOut(TemplateIn):
    campaign_id: int | None


def _out(request: HttpRequest, certificate: Certificate) -> dict[str, Any]:
    return {**{f: getattr(certificate, f) for f in (
        "id", "number", "code", "kind", "source_key", "title", "recipient_name", "person_id", "organisation_id",
        "campaign_id", "issuer_id", "fields", "issued_at", "revoked_at", "revoke_reason")},
        "issuer": certificate.issuer.name, "verify_url": verify_url(certificate, base_url(request))}


@router.get("", response={200: CertificatePage, 403: ErrorOut}, summary="Certificates in my scope")
def certificate_list(request: HttpRequest, kind: str = "", q: str = "", state: str = "",
                     issuer_id: int | None = None, page: int = 1, page_size: int = 50):
    """Newest first; `issuer_id` narrows to one issuing organisation, `state` to valid or revoked."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    qs = certificates_visible(user=user, kind=kind, q=q, state=state, issuer_id=issuer_id)
    return {"items": [_out(request, c) for c in qs[page_slice(page, page_size)]], "count": qs.count()}


@router.get("/verify/{code}", auth=None, response={200: VerifyOut, 404: VerifyOut, 429: ErrorOut},
            summary="Verify a certificate's code (no login)")
def certificate_verify_api(request: HttpRequest, code: str):
    """The same answer as the public page: no personal data beyond the (masked) recipient's name and the title."""
    if verify_throttled(request):
        return Status(429, {"code": CertificateErrors.THROTTLED, "detail": None, "message": _(
            "Too many checks from this address. Try again in a few minutes.")})
    result = certificate_verify(code=code)
    certificate = result.certificate
    if certificate is None:
        return Status(404, {"state": "unknown"})
    return {
        "state": result.state, "number": certificate.number, "title": certificate.title,
        "recipient": mask_name(certificate.recipient_name) if certificate.person_id else certificate.recipient_name,
        "issuer": certificate.issuer.name, "issued_on": timezone.localdate(certificate.issued_at),
        "revoked_on": timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
        "revoke_reason": certificate.revoke_reason or None,
    }


@router.post("/pdf", response={200: None, **ERRORS}, summary="Several certificates as one PDF")
def certificates_pdf_api(request: HttpRequest, payload: BatchIn):
    user = current_user(request)
    ensure_perm(user, MANAGE)
    selected = certificates_selected(user=user, ids=list(payload.ids))
    return pdf_response(certificates_pdf(selected, base_url=base_url(request)), "certificates.pdf")


@router.get("/template", response={200: TemplateOut, **ERRORS}, summary="A campaign's certificate wording")
def template_get(request: HttpRequest, campaign_id: int | None = None):
    user = current_user(request)
    ensure_perm(user, MANAGE)
    campaign = template_campaign(actor=user, campaign_id=campaign_id)
    wording = wording_for(campaign.pk if campaign else None)
    return {"campaign_id": campaign.pk if campaign else None, "heading": wording.heading, "body": wording.body,
            "closing": wording.closing, "signature": wording.signature}


@router.put("/template", response={200: TemplateOut, **ERRORS}, summary="Edit a campaign's certificate wording")
def template_put(request: HttpRequest, payload: TemplateIn, campaign_id: int | None = None):
    """Without campaign_id: the platform's default. Unknown placeholders are a 422 naming the field."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    template = certificate_template_save(actor=user, campaign_id=campaign_id, **payload.dict())
    return {"campaign_id": template.campaign_id, "heading": template.heading, "body": template.body,
            "closing": template.closing, "signature": template.signature}


@router.get("/{certificate_id}", response={200: CertificateOut, 403: ErrorOut, 404: ErrorOut},
            summary="One certificate")
def certificate_detail(request: HttpRequest, certificate_id: int):
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return _out(request, certificate_get(user=user, certificate_id=certificate_id))


@router.post("/{certificate_id}/revoke", response={200: CertificateOut, **ERRORS}, summary="Revoke a certificate")
def certificate_revoke_api(request: HttpRequest, certificate_id: int, payload: RevokeIn):
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return _out(request, certificate_revoke(actor=user, certificate_id=certificate_id, reason=payload.reason))


@router.get("/{certificate_id}/pdf", response={200: None, 403: ErrorOut, 404: ErrorOut},
            summary="The certificate as a PDF")
def certificate_pdf_api(request: HttpRequest, certificate_id: int) -> HttpResponse:
    user = current_user(request)
    ensure_perm(user, MANAGE)
    certificate = certificate_get(user=user, certificate_id=certificate_id)
    return pdf_response(certificate_pdf(certificate, base_url=base_url(request)), f"{certificate.number}.pdf")


