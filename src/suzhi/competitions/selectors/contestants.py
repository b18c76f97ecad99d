"""Contestants as the pages and the API list them: one event and round's contestants with their numbers, units,
measured values and standing (organisers), a unit's own registrations, a person's own with published places
only, and a ranking's standings. A fixed number of queries whatever the number of contestants; names and units,
never ID numbers or phones."""

import dataclasses
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from suzhi.campaigns.models import Activity
from suzhi.competitions.access import settings_of
from suzhi.competitions.manifest import REGISTER
from suzhi.competitions.models import Appeal, Contestant, Measure, Ranking, Standing
from suzhi.competitions.selectors.appeals import AppealChance, appeal_chance, appeals_of_person
from suzhi.core import scope
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_for_user, search_q

PER_PAGE = 50
PICK_LIMIT = 50


def _ordered(queryset: QuerySet[Contestant]) -> QuerySet[Contestant]:
    return queryset.order_by(F("number").asc(nulls_last=True), "organisation__path", "person__name_initials", "pk")


def contestants_page(activity: Activity, event: str, round_: str, *, page: Any = 1,
                     per_page: int = PER_PAGE) -> Page:
    """A page of the event and round's registered contestants by number, each with `values` (component key →
    measured value) and its standing, if computed. Four queries: count, rows, measures (and the caller's own)."""
    queryset = _ordered(Contestant.objects.filter(
        activity=activity, event=event, round=round_, state=Contestant.State.REGISTERED).select_related(
        "person", "organisation", "standing").prefetch_related(
        Prefetch("measures", queryset=Measure.objects.only("contestant_id", "component", "value"))))
    found = Paginator(queryset, per_page).get_page(page)
    for contestant in found.object_list:
        contestant.values = {m.component: m.value for m in contestant.measures.all()}  # type: ignore[attr-defined]
    return found


def drawn_numbers(activity: Activity, event: str, round_: str) -> list[str]:
    """The event and round's drawn numbers as judges and clerks see them (007), in order."""
    return [f"{n:03d}" for n in Contestant.objects.filter(
        activity=activity, event=event, round=round_, state=Contestant.State.REGISTERED, number__isnull=False)
        .order_by("number").values_list("number", flat=True)]


def standings_of(ranking: Ranking) -> list[Standing]:
    """The ranking's standings in listing order, by preliminary: one query."""
    return list(Standing.objects.filter(ranking=ranking).select_related(
        "contestant__person", "contestant__organisation", "group").order_by("group__path", "order", "pk"))


def published_standings(*, user: Any, activity: Activity, event: str, round_: str) -> list[Standing]:
    """A published ranking's standings of the contestants of the user's REGISTER scope."""
    return list(Standing.objects.filter(
        ranking__activity=activity, ranking__event=event, ranking__round=round_,
        ranking__state=Ranking.State.PUBLISHED).filter(
        scope.org_q(scope.scope_for(user, REGISTER), "contestant__organisation")).select_related(
        "ranking", "contestant__person", "contestant__organisation", "group").order_by("group__path", "order", "pk"))


def unit_registrations(*, user: Any, activity: Activity) -> list[Contestant]:
    """The registrations of the user's units (REGISTER scope) in the competition, withdrawn ones included."""
    return list(scope.filter_queryset(Contestant.objects.filter(activity=activity), user, REGISTER).select_related(
        "person", "organisation").order_by("event", "round", "organisation__path", "person__name_initials", "pk"))


def official_counts(*, user: Any, activity: Activity, event: str, round_: str) -> dict[int, int]:
    """Official registrations per unit of the user's scope in the event and round (the plan's limit counts
    these)."""
    rows = scope.filter_queryset(Contestant.objects.filter(
        activity=activity, event=event, round=round_, official=True, state=Contestant.State.REGISTERED),
        user, REGISTER).values_list("organisation_id", flat=True)
    counts: dict[int, int] = {}
    for organisation_id in rows:
        counts[organisation_id] = counts.get(organisation_id, 0) + 1
    return counts


def people_to_register(*, user: Any, activity: Activity, event: str, round_: str, q: str = "",
                       limit: int = PICK_LIMIT) -> list[Person]:
    """Active people of the user's units (REGISTER scope) matching `q` (name, pinyin initials), not yet in the
    event and round."""
    taken = Contestant.objects.filter(activity=activity, event=event, round=round_).values("person_id")
    people = scope.filter_queryset(Person.objects.select_related("organisation"), user, REGISTER).filter(
        is_active=True).exclude(pk__in=taken)
    if q.strip():
        people = people.filter(search_q(q))
    return list(people.order_by("organisation__path", "name_initials", "pk")[:limit])


@dataclasses.dataclass
class MyEntry:
    """A person's own registration: the published place and total only once the ranking is published."""

    activity: Activity
    event: str
    round: str
    number: str
    official: bool
    withdrawn: bool
    published: bool
    position: int | None = None
    total: Decimal | None = None
    advances: bool = False
    contestant_id: int | None = None
    appeal: AppealChance | None = None  # the published result may still be appealed
    appeals: list[Appeal] = dataclasses.field(default_factory=list)


def my_entries(*, user: Any) -> list[MyEntry]:
    """我的比赛: the user's own roster person's registrations, newest competition first, each with its appeals and
    whether its published result may still be appealed. Three queries; each competition's plan is read from its
    row."""
    person = person_for_user(user)
    if person is None:
        return []
    appeals: dict[int, list[Appeal]] = {}
    for appeal in appeals_of_person(person):
        appeals.setdefault(appeal.contestant_id, []).append(appeal)
    now = timezone.now()
    entries = []
    for contestant in (Contestant.objects.filter(person=person).select_related(
            "activity__campaign", "standing__ranking").order_by("-activity__campaign__year", "-activity_id", "pk")):
        settings = settings_of(contestant.activity)
        event, round_ = settings.event(contestant.event), settings.round(contestant.round)
        standing: Standing | None = getattr(contestant, "standing", None)
        shown = standing if standing is not None and standing.ranking.state == Ranking.State.PUBLISHED else None
        entries.append(MyEntry(
            activity=contestant.activity, event=event.title if event else contestant.event,
            round=round_.title if round_ else contestant.round,
            number=contestant.label if contestant.number is not None else "", official=contestant.official,
            withdrawn=contestant.state == Contestant.State.WITHDRAWN, published=shown is not None,
            position=shown.position if shown else None, total=shown.total if shown else None,
            advances=bool(shown and shown.advances), contestant_id=contestant.pk,
            appeal=appeal_chance(contestant, shown, settings, now), appeals=appeals.get(contestant.pk, [])))
    return entries
