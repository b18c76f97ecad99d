"""Reading personal training records (个人培训档案) and certificates of hours (学时证明): a person's hours per
year and form, the certificate issued for hours as they stand, and what the public verification page may say.
Issuing a certificate is the one write (services/certificates.py)."""

import dataclasses
import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.certificates.models import Certificate
from suzhi.core.errors import NotFound
from suzhi.core.models import User
from suzhi.core.web import ensure_perm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_get
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.models import Attendance, TrainingSession
from suzhi.training.selectors.sessions import VIEW

KIND = "training.hours"  # the kind of its certificates on the platform
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


def attendances_of(person: Person, year: int | None = None):  # noqa: ANN202 - a queryset
    qs = Attendance.objects.filter(person=person).select_related("session__organiser", "session__activity")
    if year is not None:
        # __year converts to the current time zone, so it agrees with session_year.
        qs = qs.filter(session__starts_at__year=year)
    return qs.order_by("-session__starts_at", "-session_id")


def training_record(*, person: Person, year: int | None = None) -> TrainingRecord:
    """The record of a person the caller has already been allowed to see (one query)."""
    rows = list(attendances_of(person, year))
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


def content_digest(person: Person, year: int, rows: list[Attendance]) -> str:
    """What the certificate certifies: whose hours, where they belonged, and each session's credited hours."""
    content = {
        "person": person.pk,
        "organisation": person.organisation_id,
        "year": year,
        "sessions": sorted([row.session_id, str(row.hours)] for row in rows),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def check_year(year: Any) -> int:
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


def source_key(person_id: int, year: int) -> str:
    """A certificate of hours' source on the platform: whose hours in which year."""
    return f"{person_id}/{year}"


def hours_of(certificate: Certificate) -> tuple[int, Decimal, int]:
    """The year, hours and sessions a certificate of hours certified (its snapshot)."""
    fields = certificate.fields
    return int(fields["year"]), Decimal(str(fields["hours"])), int(fields["sessions"])


def certificate_current(*, actor: User, person_id: Any, year: Any) -> Certificate:
    """The certificate already issued for a person's hours in `year` as they stand now; reading it issues
    nothing and writes nothing. NotFound (code certificate_not_issued) when none matches the current hours:
    it has to be issued first (certificate_issue, a POST)."""
    year = check_year(year)
    person = person_for_certificate(actor=actor, person_id=person_id)
    rows = list(attendances_of(person, year))
    certificate = Certificate.objects.select_related("person__organisation", "organisation", "issuer").filter(
        kind=KIND, source_key=source_key(person.pk, year), digest=content_digest(person, year, rows),
    ).first() if rows else None
    if certificate is None:
        raise NotFound(_("No certificate of these hours has been issued yet; issue it first."),
                       code=TrainingErrors.CERTIFICATE_NOT_ISSUED, detail={"person_id": person.pk, "year": year,
                                                              "has_hours": bool(rows)})
    return certificate


def hours_digest(source_key: str) -> str | None:
    """The digest of the hours a certificate's source ("<person id>/<year>") stands at now, for the public
    verification page (registered with suzhi.certificates); None when the person is gone."""
    person_id, _sep, year = source_key.partition("/")
    person = Person.objects.filter(pk=int(person_id)).first() if person_id.isdigit() and year.isdigit() else None
    if person is None:
        return None
    return content_digest(person, int(year), list(attendances_of(person, int(year))))


def hours_facts(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """What the verification page lists of a certificate of hours, from its snapshot."""
    return [(_("Organisation"), str(fields.get("organisation", ""))), (_("Year"), str(fields.get("year", ""))),
            (_("Total credit hours"), str(fields.get("hours", "")))]


def certificate_content(*, certificate: Certificate) -> list[Attendance]:
    """The sessions a certificate lists, as they stand now (the certificate is issued from them)."""
    if certificate.person is None:  # a certificate of hours always names its person
        return []
    return list(attendances_of(certificate.person, hours_of(certificate)[0]))


def issued_on(certificate: Certificate) -> datetime.date:
    return timezone.localdate(certificate.issued_at)
