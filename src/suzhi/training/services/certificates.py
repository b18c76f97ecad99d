"""Personal training records (个人培训档案) and certificates of hours (学时证明).

A certificate is issued for a person and a year with a verification code that anyone can check on a public
page. What it certifies is fixed by a digest of the hours it lists, so the page can tell that the record has
changed since; issuing the same content again hands back the same certificate rather than a second one.
"""

import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Campaign
from suzhi.core import oplog
from suzhi.core.errors import ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.people.models import Person
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.models import Attendance, HoursCertificate
from suzhi.training.selectors.certificates import (
    CODE_LENGTH,
    attendances_of,
    check_year,
    content_digest,
    person_for_certificate,
)

# Read aloud or typed from paper: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _issuer(person: Person, rows: list[Attendance]) -> Organisation:
    """The highest organiser of the campaigns the hours were earned in that stands above the person (the
    committee, 组委会, of a city campaign); the person's own organisation when there is none."""
    ids = {row.session.activity.campaign_id for row in rows}
    organisers = Organisation.objects.filter(
        pk__in=Campaign.objects.filter(pk__in=ids).values("organiser_id"))
    above = [org for org in organisers if person.organisation.path.startswith(org.path)]
    if not above:
        return person.organisation
    return min(above, key=lambda org: (len(org.path), org.path))


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
        if not HoursCertificate.objects.filter(code=code).exists():
            return code


@transaction.atomic
def certificate_issue(*, actor: User, person_id: Any, year: int) -> HoursCertificate:
    """Issue (or hand back) the certificate of a person's hours in `year`; refused when there are none."""
    year = check_year(year)
    person = person_for_certificate(actor=actor, person_id=person_id)
    # Two downloads at once must not both create a certificate for the same content.
    person = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
    rows = list(attendances_of(person, year))
    if not rows:
        raise ValidationFailed(_("%(name)s has no credited training hours in %(year)d.")
                               % {"name": person.name, "year": year}, code=TrainingErrors.NO_HOURS)
    digest = content_digest(person, year, rows)
    existing = HoursCertificate.objects.select_related("person", "organisation", "issuer").filter(
        person=person, year=year, digest=digest).first()
    if existing is not None:
        return existing
    certificate = HoursCertificate.objects.create(
        code=_new_code(), person=person, organisation=person.organisation, issuer=_issuer(person, rows), year=year,
        total_hours=sum((row.hours for row in rows), Decimal("0")), sessions=len(rows), digest=digest,
        issued_at=timezone.now(), issued_by=actor if actor.pk is not None else None,
    )
    oplog.record(actor=actor, action="training.certificate_issue", obj=certificate, organisation=person.organisation,
                 after={"person": person.pk, "year": year, "hours": str(certificate.total_hours),
                        "sessions": certificate.sessions},
                 summary=_("Certificate of hours for %(name)s, %(year)d") % {"name": person.name, "year": year})
    return certificate


