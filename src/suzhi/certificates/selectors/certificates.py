"""Reading certificates: the issuer's administrators see those their scope covers (by the issuing organisation);
anyone may ask the public page about one code; kinds find theirs by (kind, source_key)."""

import dataclasses
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Campaign
from suzhi.certificates.error_codes import CertificateErrors
from suzhi.certificates.manifest import MANAGE
from suzhi.certificates.models import CODE_LENGTH, Certificate
from suzhi.certificates.sources import Label, source_for
from suzhi.core.codes import normalise_code
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import User
from suzhi.core.scope import filter_queryset, get_in_scope, scope_for

BATCH_MAX = 1000


def certificates_visible(*, user: User, kind: str = "", q: str = "", state: str = "",
                         issuer_id: int | None = None) -> QuerySet[Certificate]:
    """The certificates whose issuer lies in the caller's scope, newest first, ready for a list (no query per row)."""
    qs = filter_queryset(Certificate.objects.select_related("issuer"), user, MANAGE, org_field="issuer")
    if issuer_id is not None:
        qs = qs.filter(issuer_id=issuer_id)
    if kind:
        qs = qs.filter(kind=kind)
    if q := q.strip():
        code = normalise_code(q)
        qs = qs.filter(Q(number__icontains=q) | Q(recipient_name__icontains=q) | (Q(code=code) if code else Q()))
    if state == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    elif state == "valid":
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("-issued_at", "-id")


def edits_default_template(user: User) -> bool:
    return bool(user.has_perm(MANAGE)) and scope_for(user, MANAGE).all


def template_campaigns(*, user: User) -> QuerySet[Campaign]:
    """The campaigns whose certificate wording the caller may edit (organised within their scope)."""
    return filter_queryset(Campaign.objects.all(), user, MANAGE, org_field="organiser").order_by("-year", "code")


def certificate_get(*, user: User, certificate_id: Any) -> Certificate:
    return get_in_scope(Certificate.objects.select_related("issuer", "campaign"), user, MANAGE, pk=certificate_id,
                        org_field="issuer")


def certificates_selected(*, user: User, ids: list[Any]) -> list[Certificate]:
    """The certificates among `ids` in the caller's scope, in the order given; any other id is a NotFound."""
    wanted = list(dict.fromkeys(str(i) for i in ids))
    if len(wanted) > BATCH_MAX:
        raise ValidationFailed(_("At most %(max)d certificates can be printed at once.") % {"max": BATCH_MAX},
                               code=CertificateErrors.TOO_MANY, detail={"max": BATCH_MAX})
    if not all(i.isdigit() for i in wanted):
        raise NotFound()
    found = {str(c.pk): c for c in certificates_visible(user=user).filter(pk__in=[int(i) for i in wanted])}
    if len(found) != len(wanted):
        raise NotFound()
    return [found[i] for i in wanted]


def certificate_of_source(*, kind: str, source_key: str, digest: str) -> Certificate | None:
    """The certificate a kind issued for this content of its source object, if any (for the kind's own pages)."""
    return Certificate.objects.select_related("issuer").filter(kind=kind, source_key=str(source_key),
                                                               digest=digest).first()


@dataclasses.dataclass
class Verification:
    """What the public page says about a code: unknown, valid, revoked, or valid but changed since issue."""

    certificate: Certificate | None
    changed: bool = False
    facts: list[tuple[Label, str]] = dataclasses.field(default_factory=list)

    @property
    def state(self) -> str:
        if self.certificate is None:
            return "unknown"
        if self.certificate.revoked:
            return "revoked"
        return "changed" if self.changed else "valid"

    @property
    def valid(self) -> bool:
        return self.certificate is not None


def certificate_verify(*, code: str) -> Verification:
    """No login: the certificate with this code (typed in groups or lower case), and whether its source's content
    still matches what it certified (the source's registered digest)."""
    wanted = normalise_code(code)
    if len(wanted) != CODE_LENGTH:
        return Verification(None)
    certificate = Certificate.objects.select_related("issuer").filter(code=wanted).first()
    if certificate is None:
        return Verification(None)
    source = source_for(certificate.kind)
    changed = False
    facts: list[tuple[Label, str]] = []
    if source is not None:
        changed = source.current_digest(certificate.source_key) != certificate.digest
        facts = source.facts_of(certificate.fields)
    return Verification(certificate, changed=changed, facts=facts)
