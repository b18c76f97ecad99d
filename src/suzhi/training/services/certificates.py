"""Personal training records (个人培训档案) and certificates of hours (学时证明).

A certificate is issued for a person and a year through the platform's certificates (kind "training.hours",
source "<person id>/<year>"), with a number and a verification code that anyone can check on the public page.
What it certifies is fixed by a digest of the hours it lists, so the page can tell that the record has changed
since; issuing the same content again hands back the same certificate rather than a second one. The hours and
sessions it certified are in its snapshot (`fields`: year, hours, sessions, organisation).
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from suzhi.campaigns.models import Campaign
from suzhi.certificates.models import Certificate
from suzhi.certificates.numbers import ALPHABET
from suzhi.certificates.selectors.certificates import certificate_of_source
from suzhi.certificates.services.issue import certificate_issue as platform_certificate_issue
from suzhi.certificates.wording import Wording
from suzhi.core import oplog
from suzhi.core.errors import ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.people.models import Person
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.models import Attendance
from suzhi.training.selectors.certificates import (
    KIND,
    attendances_of,
    check_year,
    content_digest,
    person_for_certificate,
    source_key,
)

__all__ = ["ALPHABET", "certificate_issue"]


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


def statement(name: str, organisation: str, year: int, hours: str, sessions: int) -> str:
    """What the certificate says, as its snapshot on the platform keeps it (the data migration writes the same)."""
    return ngettext(
        "%(name)s, of %(organisation)s, attended %(sessions)d training session in %(year)d and was credited "
        "%(hours)s hours in total.",
        "%(name)s, of %(organisation)s, attended %(sessions)d training sessions in %(year)d and was credited "
        "%(hours)s hours in total.", sessions) % {
        "name": name, "organisation": organisation, "sessions": sessions, "year": year, "hours": hours}


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@transaction.atomic
def certificate_issue(*, actor: User, person_id: Any, year: int) -> Certificate:
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
    existing = certificate_of_source(kind=KIND, source_key=source_key(person.pk, year), digest=digest)
    if existing is not None:
        return existing
    issuer = _issuer(person, rows)
    hours = f"{sum((row.hours for row in rows), Decimal('0')).normalize():f}"
    heading = _("Certificate of training hours")
    body = statement(person.name, person.organisation.name, year, hours, len(rows))
    # The person (or an administrator who sees them) was authorised above: that is who may have it issued.
    # The organisation the person belongs to when it is issued: the certificate names it.
    certificate = platform_certificate_issue(
        actor=actor, kind=KIND, source_key=source_key(person.pk, year), recipient_name=person.name, person=person,
        organisation=person.organisation, issuer=issuer, digest=digest, title=heading, authorised_by_source=True,
        fields={"year": year, "hours": hours, "sessions": len(rows), "organisation": person.organisation.name},
        template=Wording(heading=_escaped(heading), body=_escaped(body), closing=_("This is to certify."),
                         signature=""))
    oplog.record(actor=actor, action="training.certificate_issue", obj=certificate, organisation=person.organisation,
                 after={"person": person.pk, "year": year, "hours": hours, "sessions": len(rows)},
                 summary=_("Certificate of hours for %(name)s, %(year)d") % {"name": person.name, "year": year})
    return certificate


