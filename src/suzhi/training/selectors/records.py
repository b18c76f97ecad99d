"""A participant's own training (我的培训 / 学时档案): the sessions they are enrolled in, those they may enrol
in (or why not), and their attendance and credited hours. Every function takes the person, never an id from
the request: a participant sees only their own record."""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from suzhi.campaigns.eligibility import Memo
from suzhi.campaigns.models import Phase
from suzhi.people.models import Person
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from suzhi.training.rules import enrolment_refusal
from suzhi.training.selectors.sessions import sessions_open_to

RECENT_PAST = 10
OPEN_LIMIT = 50


@dataclasses.dataclass
class MySession:
    session: TrainingSession
    attendance: Attendance | None = None
    is_over: bool = False


@dataclasses.dataclass
class OpenSession:
    session: TrainingSession
    refusal: str | None = None  # None: the 报名 button is shown
    code: str = ""  # the refusal's reason code


@dataclasses.dataclass
class YearHours:
    year: int
    hours: Decimal
    count: int
    by_form: list[tuple[str, Decimal, int]]  # (form label, hours, sessions)


def my_enrolments(*, person: Person) -> list[MySession]:
    """Sessions the person is enrolled in: the coming ones first (soonest first), then the latest past ones."""
    now = timezone.now()
    base = Enrolment.objects.filter(person=person).select_related("session__organiser", "session__activity")
    upcoming = list(base.filter(session__ends_at__gte=now).order_by("session__starts_at", "session_id"))
    past = list(base.filter(session__ends_at__lt=now).order_by("-session__starts_at", "-session_id")[:RECENT_PAST])
    enrolments = upcoming + past
    attended = {a.session_id: a for a in Attendance.objects.filter(
        person=person, session_id__in=[e.session_id for e in enrolments])}
    return [MySession(session=e.session, attendance=attended.get(e.session_id), is_over=e.session.ends_at < now)
            for e in enrolments]


def _phases(sessions: list[TrainingSession]) -> dict[int, list[Phase]]:
    found: dict[int, list[Phase]] = defaultdict(list)
    for phase in Phase.objects.filter(campaign_id__in={s.activity.campaign_id for s in sessions}):
        found[phase.campaign_id].append(phase)
    return found


def sessions_to_enrol(*, person: Person) -> list[OpenSession]:
    """Sessions open to the person that they have not enrolled in, each with the reason they cannot enrol
    (the rules of enrol_self), without a query per session: the phases are read once per page, and the
    eligibility, which depends on the activity and the session's categories only, once per such pair."""
    now = timezone.now()
    sessions = list(
        sessions_open_to(person).select_related("activity__organiser")
        .exclude(pk__in=Enrolment.objects.filter(person=person).values("session_id"))[:OPEN_LIMIT]
    )
    phases = _phases(sessions)
    memo: Memo = {}
    rows = []
    for session in sessions:
        taken = getattr(session, "enrolled", 0)  # annotated by sessions_open_to
        decision = enrolment_refusal(session, person, taken, now=now, memo=memo,
                                     phases=phases.get(session.activity.campaign_id, []))
        rows.append(OpenSession(session=session, refusal=None if decision else decision.message,
                                code=decision.code))
    return rows


def my_attendances(*, person: Person) -> QuerySet[Attendance]:
    """Every session the person attended, latest first (学时档案)."""
    return (Attendance.objects.filter(person=person).select_related("session__organiser")
            .order_by("-session__starts_at", "-id"))


def my_hours(*, person: Person) -> list[YearHours]:
    """Credited hours per year (of the session's local start date) and per form, latest year first; one query."""
    grouped = (Attendance.objects.filter(person=person)
               .annotate(year=ExtractYear("session__starts_at", tzinfo=timezone.get_current_timezone()))
               .values("year", "session__form").annotate(total=Sum("hours"), count=Count("id"))
               .order_by("-year", "session__form"))
    labels = dict(TrainingSession.Form.choices)
    years: dict[int, YearHours] = {}
    for row in grouped:
        year = years.setdefault(row["year"], YearHours(year=row["year"], hours=Decimal("0"), count=0, by_form=[]))
        total = row["total"] or Decimal("0")
        year.hours += total
        year.count += row["count"]
        year.by_form.append((str(labels.get(row["session__form"], row["session__form"])), total, row["count"]))
    return list(years.values())


def my_hours_in_year(*, person: Person, year: int | None = None) -> Decimal:
    """The person's credited hours in a calendar year (default: this year), by the session's local start date."""
    year = year or timezone.localdate().year
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    total = Attendance.objects.filter(person=person, session__starts_at__gte=start,
                                      session__starts_at__lt=end).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")
