"""The 荣誉证书 issued for honours, as the honours pages show them: one query for a list of honours."""

from collections.abc import Iterable
from typing import Any

from suzhi.certificates.models import Certificate
from suzhi.honours.certs import KIND
from suzhi.honours.selectors.honours import rule_honours


def certificates_of(honours: Iterable[Any]) -> dict[int, Certificate]:
    """The latest certificate not revoked of each honour, by honour id."""
    keys = [str(h.pk) for h in honours]
    found: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(kind=KIND, source_key__in=keys, revoked_at__isnull=True) \
            .order_by("issued_at", "pk"):
        found[int(certificate.source_key)] = certificate
    return found


def rule_certificates(*, user: Any, campaign_id: Any, rule_key: str) -> tuple[Any, Any, list[Certificate]]:
    """The campaign, the rule and the certificates of its confirmed honours (in the viewer's scope), in the order
    of the list."""
    campaign, _index, rule, honours = rule_honours(user=user, campaign_id=campaign_id, rule_key=rule_key)
    issued = certificates_of(h for h in honours if h.state == "confirmed")
    return campaign, rule, [issued[h.pk] for h in honours if h.pk in issued]
