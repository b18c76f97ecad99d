"""The one public page (no login) that verifies any certificate's code: valid, revoked (with the reason and the
date), changed since it was issued, or unknown. It shows the recipient's name (masked for a person), the title
and what the issuing kind lists of its snapshot, never an ID number or a phone."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from suzhi.certificates.selectors.certificates import certificate_verify
from suzhi.certificates.throttle import verify_throttled
from suzhi.core.codes import format_code, normalise_code
from suzhi.core.masking import mask_name

TEMPLATE = "certificates/verify.html"


@require_GET
@never_cache
def verify_form(request: HttpRequest) -> HttpResponse:
    code = normalise_code(request.GET.get("code"))
    if code:
        return redirect("certificates:verify", code[:24])
    return render(request, TEMPLATE, {"form_only": True})


@require_GET
@never_cache
def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    if verify_throttled(request):
        return render(request, TEMPLATE, {"throttled": True}, status=429)
    result = certificate_verify(code=code)
    context: dict[str, Any] = {"result": result, "code_shown": format_code(normalise_code(code)[:24])}
    certificate = result.certificate
    if certificate is not None:
        context.update(
            recipient=mask_name(certificate.recipient_name) if certificate.person_id else certificate.recipient_name,
            issued_on=timezone.localdate(certificate.issued_at),
            revoked_on=timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
            conferred=certificate.fields.get("title", ""),
        )
    return render(request, TEMPLATE, context, status=200 if result.valid else 404)
