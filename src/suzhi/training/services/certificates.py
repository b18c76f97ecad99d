"""Personal training records (个人培训档案) and certificates of hours (学时证明).

A certificate is issued for a person and a year with a verification code that anyone can check on a public
page. What it certifies is fixed by a digest of the hours it lists, so the page can tell that the record has
changed since; issuing the same content again hands back the same certificate rather than a second one.
"""

import dataclasses
import datetime
import hashlib
import json
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Campaign
from suzhi.core import oplog
from suzhi.core.codes import normalise_code
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.core.web import ensure_perm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_get
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.models import Attendance, HoursCertificate, TrainingSession
from suzhi.training.selectors.sessions import VIEW

# Read aloud or typed from paper: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclasses.dataclass
class Tally:
    key: Any
    label: str = ""
    sessions: int = 0
    hours: Decimal = Decimal("0")

    def add(self, hours: Decimal) -> None:
        self.sessions += 1
        self.hours += hours


@dataclasses.dataclass
class YearTally(Tally):
    forms: dict[str, Decimal] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class TrainingRecord:
    """Every session a person attended, newest first, with hours per year, per form and in total."""

    rows: list[Attendance]
    years: list[YearTally]
    forms: list[Tally]
    total: Tally

    @property
    def form_labels(self) -> list[tuple[str, str]]:
        return [(t.key, t.label) for t in self.forms]


def session_year(session: TrainingSession) -> int:
    """A session counts in the year of its start day in the site's time zone (as the targets do)."""
    return timezone.localdate(session.starts_at).year


def _attendances(person: Person, year: int | None = None):  # noqa: ANN202 - a queryset
    qs = Attendance.objects.filter(person=person).select_related("session__organiser", "session__activity")
    if year is not None:
        # __year converts to the current time zone, so it agrees with session_year.
        qs = qs.filter(session__starts_at__year=year)
    return qs.order_by("-session__starts_at", "-session_id")


def training_record(*, person: Person, year: int | None = None) -> TrainingRecord:
    """The record of a person the caller has already been allowed to see (one query)."""
    rows = list(_attendances(person, year))
    years: dict[int, YearTally] = {}
    forms: dict[str, Tally] = {}
    total = Tally("total")
    labels = dict(TrainingSession.Form.choices)
    for row in rows:
        session = row.session
        row.year = session_year(session)  # type: ignore[attr-defined]
        tally = years.setdefault(row.year, YearTally(row.year, str(row.year)))  # type: ignore[attr-defined]
        tally.add(row.hours)
        tally.forms[session.form] = tally.forms.get(session.form, Decimal("0")) + row.hours
        forms.setdefault(session.form, Tally(session.form, str(labels.get(session.form, session.form)))).add(row.hours)
        total.add(row.hours)
    order = list(labels)
    by_form = sorted(forms.values(), key=lambda t: order.index(t.key) if t.key in order else len(order))
    return TrainingRecord(rows=rows, years=sorted(years.values(), key=lambda t: t.key, reverse=True),
                          forms=by_form, total=total)


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


def _digest(person: Person, year: int, rows: list[Attendance]) -> str:
    """What the certificate certifies: whose hours, where they belonged, and each session's credited hours."""
    content = {
        "person": person.pk,
        "organisation": person.organisation_id,
        "year": year,
        "sessions": sorted([row.session_id, str(row.hours)] for row in rows),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
        if not HoursCertificate.objects.filter(code=code).exists():
            return code


def _check_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise NotFound()
    return value


def person_for_certificate(*, actor: User, person_id: Any) -> Person:
    """The person whose certificate `actor` may issue: themselves, or someone in their training scope."""
    own = Person.objects.select_related("organisation").filter(pk=person_id, user_id=actor.pk).first() \
        if str(person_id).isdigit() and actor.pk is not None else None
    if own is not None:
        return own
    ensure_perm(actor, VIEW)
    return person_get(user=actor, person_id=person_id)


@transaction.atomic
def certificate_issue(*, actor: User, person_id: Any, year: int) -> HoursCertificate:
    """Issue (or hand back) the certificate of a person's hours in `year`; refused when there are none."""
    year = _check_year(year)
    person = person_for_certificate(actor=actor, person_id=person_id)
    # Two downloads at once must not both create a certificate for the same content.
    person = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
    rows = list(_attendances(person, year))
    if not rows:
        raise ValidationFailed(_("%(name)s has no credited training hours in %(year)d.")
                               % {"name": person.name, "year": year}, code=TrainingErrors.NO_HOURS)
    digest = _digest(person, year, rows)
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


def certificate_current(*, actor: User, person_id: Any, year: Any) -> HoursCertificate:
    """The certificate already issued for a person's hours in `year` as they stand now; reading it issues
    nothing and writes nothing. NotFound (code certificate_not_issued) when none matches the current hours:
    it has to be issued first (certificate_issue, a POST)."""
    year = _check_year(year)
    person = person_for_certificate(actor=actor, person_id=person_id)
    rows = list(_attendances(person, year))
    certificate = HoursCertificate.objects.select_related("person__organisation", "organisation", "issuer").filter(
        person=person, year=year, digest=_digest(person, year, rows)).first() if rows else None
    if certificate is None:
        raise NotFound(_("No certificate of these hours has been issued yet; issue it first."),
                       code=TrainingErrors.CERTIFICATE_NOT_ISSUED, detail={"person_id": person.pk, "year": year,
                                                              "has_hours": bool(rows)})
    return certificate


@dataclasses.dataclass
class Verification:
    certificate: HoursCertificate | None
    changed: bool = False

    @property
    def valid(self) -> bool:
        return self.certificate is not None


def certificate_verify(*, code: str) -> Verification:
    """What the public page may say about a code: whether it was issued and whether the hours it certified
    still stand (no login; the page shows the masked name only)."""
    wanted = normalise_code(code)
    if len(wanted) != CODE_LENGTH:
        return Verification(None)
    certificate = HoursCertificate.objects.select_related("person__organisation", "organisation", "issuer").filter(
        code=wanted).first()
    if certificate is None:
        return Verification(None)
    rows = list(_attendances(certificate.person, certificate.year))
    return Verification(certificate, changed=_digest(certificate.person, certificate.year, rows) != certificate.digest)


def certificate_content(*, certificate: HoursCertificate) -> list[Attendance]:
    """The sessions a certificate lists, as they stand now (the certificate is issued from them)."""
    return list(_attendances(certificate.person, certificate.year))


def issued_on(certificate: HoursCertificate) -> datetime.date:
    return timezone.localdate(certificate.issued_at)
