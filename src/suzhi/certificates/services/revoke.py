"""Revoking a certificate (撤销): by the issuer's administrators, with a reason the public page shows. A revoked
certificate stays (its number is never given again); it cannot be revoked twice."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.certificates.error_codes import CertificateErrors
from suzhi.certificates.manifest import MANAGE
from suzhi.certificates.models import Certificate
from suzhi.core import oplog
from suzhi.core.errors import Conflict, ValidationFailed
from suzhi.core.models import User
from suzhi.core.scope import get_in_scope

REASON_MAX = 500


@transaction.atomic
def certificate_revoke(*, actor: User, certificate_id: Any, reason: str) -> Certificate:
    certificate = get_in_scope(Certificate.objects.select_related("issuer"), actor, MANAGE, pk=certificate_id,
                               org_field="issuer", for_update=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for revoking the certificate."),
                               code=CertificateErrors.REASON_REQUIRED,
                               detail=[{"field": "reason", "message": _("This field is required.")}])
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_("The reason is too long (at most %(max)d characters).") % {"max": REASON_MAX},
                               code=CertificateErrors.REASON_REQUIRED)
    if certificate.revoked:
        raise Conflict(_("The certificate was revoked already."), code=CertificateErrors.REVOKED)
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor if actor.pk is not None else None
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    oplog.record(actor=actor, action="certificates.revoke", obj=certificate, organisation=certificate.issuer,
                 after={"number": certificate.number, "reason": reason},
                 summary=_("Certificate %(number)s revoked") % {"number": certificate.number})
    return certificate
