"""The competitions a user sees: those they run (MANAGE within their scope, by the organiser) and those their units
may register for (REGISTER, organised within their scope or above it); per event and round what the organisers'
page shows: contestants by unit, the draw, the ranking and which of its steps the user may take."""

import dataclasses
from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet

from suzhi.campaigns.models import Activity
from suzhi.competitions.access import KIND
from suzhi.competitions.manifest import MANAGE, REGISTER, VERIFY
from suzhi.competitions.models import Contestant, Draw, Ranking
from suzhi.competitions.settings import CompetitionSettings, Event, Round
from suzhi.competitions.states import Step, allowed
from suzhi.core import scope
from suzhi.judging.models import PanelJudge


def _activities() -> QuerySet[Activity]:
    return Activity.objects.filter(kind=KIND).select_related("campaign", "organiser").order_by(
        "-campaign__year", "campaign__code", "position", "pk")


def competitions_run(*, user: Any) -> QuerySet[Activity]:
    """Competitions organised within the user's MANAGE scope."""
    return scope.filter_queryset(_activities(), user, MANAGE, org_field="organiser")


def competitions_open(*, user: Any) -> QuerySet[Activity]:
    """Competitions the user's units may register for: organised within their REGISTER scope or above it."""
    if not user.has_perm(REGISTER):
        return _activities().none()
    return _activities().filter(scope.in_or_above_q(user, REGISTER, "organiser"))


def competitions_visible(*, user: Any) -> QuerySet[Activity]:
    """Those run or open to register for, each once."""
    q = Q(pk__in=[])
    if user.has_perm(MANAGE):
        q |= scope.org_q(scope.scope_for(user, MANAGE), "organiser")
    if user.has_perm(REGISTER):
        q |= scope.in_or_above_q(user, REGISTER, "organiser")
    return _activities().filter(q)


@dataclasses.dataclass
class Steps:
    """Which ranking steps the user may take now; the services still decide."""

    compute: bool = False
    sign: bool = False
    verify: bool = False
    publish: bool = False
    verify_by_other: bool = False  # the state allows verifying, but not by this user (computed or signed it)


def ranking_steps(user: Any, activity: Activity, ranking: Ranking | None, *, drawn: bool) -> Steps:
    manager = scope.may_manage(user, MANAGE, activity.organiser)
    if ranking is None:
        return Steps(compute=manager and drawn)
    chief = manager or (allowed(Step.SIGN, ranking.state) and PanelJudge.objects.filter(
        panel__activity_id=activity.pk, user=user, panel__category__in=[ranking.event, ""]).exists())
    verifier = scope.may_manage(user, VERIFY, activity.organiser) and allowed(Step.VERIFY, ranking.state)
    second = user.pk not in (ranking.computed_by_id, ranking.signed_by_id)
    return Steps(compute=manager and allowed(Step.COMPUTE, ranking.state),
                 sign=chief and allowed(Step.SIGN, ranking.state),
                 verify=verifier and second, verify_by_other=verifier and not second,
                 publish=manager and allowed(Step.PUBLISH, ranking.state))


@dataclasses.dataclass
class Stage:
    """One event in one round, as the organisers' overview shows it."""

    event: Event
    round: Round
    registered: int = 0
    unofficial: int = 0
    by_unit: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    draw: Draw | None = None
    ranking: Ranking | None = None


def _named(by_unit: Counter[tuple[str, str]]) -> list[tuple[str, int]]:
    """(unit name, count) in the tree's order; two units of one name stay two lines."""
    return [(name, n) for (_path, name), n in sorted(by_unit.items())]


def activity_stages(activity: Activity, settings: CompetitionSettings) -> list[Stage]:
    """Every event × round of the plan with its contestants counted by unit, its draw and its ranking: three
    queries whatever the number of events, rounds and units."""
    counts: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
    unofficial: Counter[tuple[str, str]] = Counter()
    for row in (Contestant.objects.filter(activity=activity, state=Contestant.State.REGISTERED)
                .values("event", "round", "official", "organisation__name", "organisation__path")
                .annotate(n=Count("pk")).order_by("organisation__path")):
        key = (row["event"], row["round"])
        counts.setdefault(key, Counter())[row["organisation__path"], row["organisation__name"]] += row["n"]
        if not row["official"]:
            unofficial[key] += row["n"]
    draws = {(d.event, d.round): d for d in Draw.objects.filter(activity=activity).select_related("drawn_by")}
    rankings = {(r.event, r.round): r for r in Ranking.objects.filter(activity=activity).select_related(
        "computed_by", "signed_by", "verified_by", "published_by")}
    stages = []
    for event in settings.events:
        for round_ in settings.rounds:
            key = (event.key, round_.key)
            by_unit = counts.get(key, Counter())
            stages.append(Stage(event=event, round=round_, registered=sum(by_unit.values()),
                                unofficial=unofficial[key], by_unit=_named(by_unit),
                                draw=draws.get(key), ranking=rankings.get(key)))
    return stages


def activity_stage(activity: Activity, event: Event, round_: Round) -> Stage:
    """One event and round of `activity_stages`."""
    stage = Stage(event=event, round=round_)
    rows = (Contestant.objects.filter(activity=activity, event=event.key, round=round_.key,
                                      state=Contestant.State.REGISTERED)
            .values("official", "organisation__name", "organisation__path").annotate(n=Count("pk"))
            .order_by("organisation__path"))
    by_unit: Counter[tuple[str, str]] = Counter()
    for row in rows:
        by_unit[row["organisation__path"], row["organisation__name"]] += row["n"]
        stage.unofficial += 0 if row["official"] else row["n"]
    stage.by_unit, stage.registered = _named(by_unit), sum(by_unit.values())
    stage.draw = Draw.objects.filter(activity=activity, event=event.key, round=round_.key).select_related(
        "drawn_by").first()
    stage.ranking = Ranking.objects.filter(activity=activity, event=event.key, round=round_.key).select_related(
        "computed_by", "signed_by", "verified_by", "published_by").first()
    return stage


def stage_ranking(activity: Activity, event: str, round_: str) -> Ranking | None:
    return Ranking.objects.filter(activity=activity, event=event, round=round_).first()
