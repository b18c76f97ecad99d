"""Issuing certificates (发证): one, or a batch under one issuer. Kinds call these; the certificates app never
imports a kind.

Issuing is idempotent per (kind, source_key, digest): the same content issued again hands back the certificate
already issued (revoked or not: a revocation stands), while changed content gets a new certificate with the next
number. Who may issue is the issuer's administrators (certificates.manage within the issuer); a kind that has
authorised the caller itself (a participant asking for their own certificate of hours) says so with
`authorised_by_source=True`."""

import dataclasses
import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Campaign
from suzhi.certificates.manifest import MANAGE
from suzhi.certificates.models import Certificate, CertificateSequence, CertificateTemplate
from suzhi.certificates.numbers import lock_sequence, new_codes, take_numbers
from suzhi.certificates.wording import Wording, fill, wording_for
from suzhi.core import oplog
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation, User
from suzhi.core.scope import may_manage
from suzhi.people.models import Person

Template = Wording | CertificateTemplate | None


@dataclasses.dataclass(frozen=True)
class IssueItem:
    """One certificate of a batch: whose, from which source object, saying what (`fields`: "title" conferred,
    "reason", and whatever the kind keeps), and the source's digest as it stands."""

    source_key: str
    recipient_name: str
    fields: dict[str, Any]
    digest: str
    person: Person | None = None
    organisation: Organisation | None = None


def _wording(template: Template, campaign: Campaign | None) -> Wording:
    if isinstance(template, Wording):
        return template
    if isinstance(template, CertificateTemplate):
        return Wording(template.heading, template.body, template.closing, template.signature)
    return wording_for(campaign.pk if campaign else None)


def _snapshot(item: IssueItem, *, wording: Wording, issuer: Organisation, campaign: Campaign | None,
              year: int) -> dict[str, Any]:
    values = {"recipient": item.recipient_name, "title": item.fields.get("title", ""),
              "reason": item.fields.get("reason", ""), "campaign": campaign.title if campaign else "",
              "issuer": issuer.name, "year": year}
    text = {"heading": fill(wording.heading, values), "body": fill(wording.body, values),
            "closing": fill(wording.closing, values), "signature": fill(wording.signature, values) or issuer.name}
    return {**item.fields, "text": text}


def _check_issuer(actor: User, issuer: Organisation, authorised_by_source: bool) -> None:
    if not authorised_by_source and not may_manage(actor, MANAGE, issuer):
        raise NotFound()


def _build(items: Sequence[IssueItem], *, actor: User, kind: str, issuer: Organisation, campaign: Campaign | None,
           template: Template, title: str | None, sequence: CertificateSequence, now: datetime.datetime
           ) -> list[Certificate]:
    year = sequence.year
    wording = _wording(template, campaign)
    numbers = take_numbers(sequence, issuer, len(items))
    codes = new_codes(len(items))
    result = []
    for item, number, code in zip(items, numbers, codes, strict=True):
        fields = _snapshot(item, wording=wording, issuer=issuer, campaign=campaign, year=year)
        result.append(Certificate(
            number=number, code=code, kind=kind, source_key=item.source_key, digest=item.digest,
            title=title or fields["text"]["heading"], recipient_name=item.recipient_name, person=item.person,
            organisation=item.organisation, campaign=campaign, fields=fields, issuer=issuer, issued_at=now,
            issued_by=actor if actor.pk is not None else None))
    return result


def _existing(kind: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Certificate]:
    found = Certificate.objects.filter(kind=kind, source_key__in={key for key, _d in keys},
                                       digest__in={digest for _k, digest in keys})
    return {(c.source_key, c.digest): c for c in found}


@transaction.atomic
def certificate_issue(*, actor: User, kind: str, source_key: str, recipient_name: str, issuer: Organisation,
                      fields: dict[str, Any], digest: str, person: Person | None = None,
                      organisation: Organisation | None = None, campaign: Campaign | None = None,
                      title: str | None = None, template: Template = None,
                      authorised_by_source: bool = False) -> Certificate:
    """The certificate of a source object's content as it stands (`digest`), issued now or handed back."""
    _check_issuer(actor, issuer, authorised_by_source)
    item = IssueItem(source_key=str(source_key), recipient_name=recipient_name, fields=fields, digest=digest,
                     person=person, organisation=organisation)
    key = (item.source_key, digest)
    if (existing := _existing(kind, [key]).get(key)) is not None:
        return existing
    now = timezone.now()
    sequence = lock_sequence(issuer, timezone.localdate(now).year)
    # Issued by someone who held the sequence while this waited for it: theirs is the one (and no number is lost).
    if (existing := _existing(kind, [key]).get(key)) is not None:
        return existing
    [certificate] = _build([item], actor=actor, kind=kind, issuer=issuer, campaign=campaign, template=template,
                           title=title, sequence=sequence, now=now)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        # Issued under another issuer in the meantime (their transaction committed first): theirs is the one.
        theirs = _existing(kind, [key]).get(key)
        if theirs is None:
            raise
        return theirs
    oplog.record(actor=actor, action="certificates.issue", obj=certificate, organisation=issuer,
                 after={"number": certificate.number, "kind": kind, "holder": recipient_name},
                 summary=_("Certificate %(number)s for %(name)s") % {"number": certificate.number,
                                                                     "name": recipient_name})
    return certificate


@transaction.atomic
def certificates_issue_batch(*, actor: User, kind: str, issuer: Organisation, items: Sequence[IssueItem],
                             campaign: Campaign | None = None, title: str | None = None, template: Template = None,
                             authorised_by_source: bool = False) -> list[Certificate]:
    """The certificates of many source objects under one issuer, in the order of `items`: those already issued
    for the same content are handed back, the others issued with consecutive numbers. One log row."""
    _check_issuer(actor, issuer, authorised_by_source)
    unique: dict[tuple[str, str], IssueItem] = {}
    for item in items:
        unique.setdefault((str(item.source_key), item.digest), item)
    now = timezone.now()
    sequence = lock_sequence(issuer, timezone.localdate(now).year)
    existing = _existing(kind, list(unique))
    missing = [dataclasses.replace(item, source_key=key[0]) for key, item in unique.items() if key not in existing]
    if missing:
        created = Certificate.objects.bulk_create(_build(
            missing, actor=actor, kind=kind, issuer=issuer, campaign=campaign, template=template, title=title,
            sequence=sequence, now=now))
        existing.update({(c.source_key, c.digest): c for c in created})
        oplog.record(actor=actor, action="certificates.issue_batch", organisation=issuer,
                     after={"kind": kind, "count": len(created),
                            "number": f"{created[0].number} – {created[-1].number}"},
                     summary=_("%(count)d certificates issued") % {"count": len(created)})
    return [existing[(str(item.source_key), item.digest)] for item in items]
