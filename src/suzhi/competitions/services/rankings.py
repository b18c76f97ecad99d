"""An event's ranking in a round (排名): computed from the components' values (a knowledge contest's published
scores, the judges' combined scores, measured results), signed by the chief judge, verified by a second person,
published; publishing records the places and finalists and enters those who advance in the next round.
The steps and their order are the table in states.py."""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity
from suzhi.campaigns.results import Subject, ranked_results
from suzhi.campaigns.services.records import MetricFact, metric_record_remove, metric_records_put
from suzhi.competitions.access import activity_organised, event_and_round, settings_of
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.manifest import MANAGE, VERIFY
from suzhi.competitions.models import Contestant, Draw, Measure, Ranking, Standing
from suzhi.competitions.ranking import Advancement, Key, Placed, advancing, rank
from suzhi.competitions.ranking import Contestant as Ranked
from suzhi.competitions.selectors.judged import SOURCE
from suzhi.competitions.services.registration import source_of
from suzhi.competitions.settings import CompetitionSettings, Event, Round
from suzhi.competitions.states import Step, transition
from suzhi.core import oplog, scope
from suzhi.core.bulk import RawJson, insert_rows, no_cycle_collection, raw_rows
from suzhi.core.errors import Conflict, NotFound
from suzhi.core.models import Organisation
from suzhi.judging.access import judging_settings
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.models import PanelJudge
from suzhi.judging.scoring import round_score
from suzhi.judging.selectors.results import SQL_AGGREGATIONS, combined_scores

PODIUM = 3  # places 1-3 count as the metric competition.places


def _quiz_scores(activity: Activity, quiz_key: str) -> dict[int, Decimal]:
    """Each person's best published score in the campaign's knowledge contest `quiz_key` (理论), read through
    the results contract: the competition never imports the quiz kind."""
    quiz = Activity.objects.filter(campaign_id=activity.campaign_id, key=quiz_key).first()
    best: dict[int, Decimal] = {}
    if quiz is None:
        return best
    for ranking in ranked_results(quiz, subject=Subject.PERSON):
        for entry in ranking.entries:
            if entry.person_id is not None and entry.score is not None:
                best[entry.person_id] = max(best.get(entry.person_id, entry.score), entry.score)
    return best


@dataclasses.dataclass(frozen=True)
class Entrant:
    """A contestant as the ranking reads one: a row, not a model (tens of thousands are read at once)."""

    id: int
    person_id: int
    official: bool
    organisation_id: int
    path: str


def _entrants(activity: Activity, event: str, round_: str) -> list[Entrant]:
    rows = Contestant.objects.filter(activity=activity, event=event, round=round_,
                                     state=Contestant.State.REGISTERED).order_by("pk")
    return [Entrant(*row) for row in raw_rows(rows.values_list("pk", "person_id", "official", "organisation_id",
                                                               "organisation__path"))]


def _groups(entrants: list[Entrant], round_: Round) -> dict[int, int | None]:
    """Each contestant's preliminary (an organisation id): the nearest organisation of the round's `groups_by`
    types at or above their unit (a town's contest). One query."""
    if not round_.groups_by:
        return {e.id: None for e in entrants}
    step = Organisation.steplen
    prefixes = {e.path[:end] for e in entrants for end in range(step, len(e.path) + 1, step)}
    found = dict(Organisation.objects.filter(path__in=prefixes, org_type__code__in=round_.groups_by)
                 .values_list("path", "pk"))
    by_path: dict[str, int | None] = {}  # a unit's contestants share their preliminary: found once per unit
    result: dict[int, int | None] = {}
    for e in entrants:
        if e.path not in by_path:
            by_path[e.path] = next((found[e.path[:end]] for end in range(len(e.path), 0, -step)
                                    if e.path[:end] in found), None)
        result[e.id] = by_path[e.path]
    return result


def component_values(activity: Activity, event: Event, round_key: str,
                     entrants: list[Entrant]) -> dict[int, dict[str, Any]]:
    """{contestant id: {component key: value or None}} from the components' sources, in a fixed number of
    queries whatever the number of contestants."""
    rows = Measure.objects.filter(contestant__activity=activity, contestant__event=event.key,
                                  contestant__round=round_key).values_list("contestant_id", "component", "value")
    measured: dict[tuple[int, str], Decimal] = {(contestant_id, component): value
                                                for contestant_id, component, value in raw_rows(rows)}
    judged = combined_scores(activity, category=event.key) if any(
        c.source == "judging" for c in event.components) else {}
    quizzes = {c.quiz: _quiz_scores(activity, c.quiz) for c in event.components if c.source == "quiz" and c.quiz}
    values: dict[int, dict[str, Any]] = {}
    for entrant in entrants:
        row: dict[str, Any] = {}
        for component in event.components:
            value: Decimal | None = measured.get((entrant.id, component.key))
            if component.source == "judging" and value is None:  # a value here is an appeal's correction
                value = judged.get(f"{SOURCE}{entrant.id}")
            elif component.source == "quiz" and value is None and component.quiz:
                found = quizzes[component.quiz].get(entrant.person_id)
                value = None if found is None else round_score(found)  # four places, as every value
            row[component.key] = value
        values[entrant.id] = row
    return values


def values_json(values: dict[str, Decimal | None]) -> RawJson:
    """The components' values as the standing keeps them ({"theory": "80.0000", …}), written out directly: the
    keys are plan keys and the values numbers, nothing to escape, and there are tens of thousands of rows."""
    return RawJson("{" + ",".join([f'"{key}":null' if value is None else f'"{key}":"{value}"'
                                   for key, value in values.items()]) + "}")


def _advancement(round_: Round) -> Advancement | None:
    rule = round_.advance
    if rule is None:
        return None
    return Advancement(top=rule.top, percent=None if rule.percent is None else Decimal(str(rule.percent)),
                       score_line=None if rule.score_line is None else Decimal(str(rule.score_line)), ties=rule.ties)


@transaction.atomic
def ranking_compute(*, actor: Any, activity_id: Any, event: str, round_: str) -> Ranking:
    """Compute (again) an event's ranking in a round: a draft, to be signed, verified and published."""
    activity = activity_organised(actor, activity_id, MANAGE, for_update=True)
    settings = settings_of(activity)
    found_event, found_round = event_and_round(settings, event, round_)
    if not Draw.objects.filter(activity=activity, event=found_event.key, round=found_round.key).exists():
        raise Conflict(_("Draw the numbers of %(event)s first.") % {"event": found_event.title},
                       code=CompetitionErrors.NOT_DRAWN)
    ranking = Ranking.objects.select_for_update().filter(
        activity=activity, event=found_event.key, round=found_round.key).first()
    now = timezone.now()
    if ranking is None:
        ranking = Ranking(activity=activity, event=found_event.key, round=found_round.key, computed_by=actor)
    else:
        ranking.state = transition(Step.COMPUTE, ranking.state)
        ranking.signed_by, ranking.signed_at = None, None
    ranking.computed_by, ranking.computed_at = actor, now
    ranking.save()
    with no_cycle_collection():
        written = standings_write(ranking, settings, found_event, found_round)
    oplog.record(actor=actor, action="competition.compute", obj=ranking, organisation=activity.organiser,
                 after={"event": found_event.title, "round": found_round.title, "contestants": written.contestants,
                        "placed": written.placed, "advancing": written.advancing},
                 summary=activity.title)
    return ranking


@dataclasses.dataclass(frozen=True)
class Written:
    contestants: int
    placed: int
    advancing: int


def standings_write(ranking: Ranking, settings: CompetitionSettings, event: Event, round_: Round) -> Written:
    """Rank the event's contestants in the round from the components' current values and (re)write the
    standings. On PostgreSQL, when no component comes from a knowledge contest and the judges' scores are
    combined by a mean or a trimmed mean (not the median), the database ranks them
    (rankings_sql.py: the same rule, compared with ranking.py by tests/competitions/test_ranking_sql.py)."""
    judged = any(c.source == "judging" for c in event.components)
    if connection.vendor == "postgresql" and not any(c.source == "quiz" for c in event.components) and (
            not judged or judging_settings(ranking.activity).aggregation in SQL_AGGREGATIONS):
        from suzhi.competitions.services.rankings_sql import standings_in_database

        Standing.objects.filter(ranking=ranking).delete()
        groups = _unit_groups(ranking.activity, event.key, round_)
        rule = _advancement(round_) if settings.next_round(round_.key) else None
        return Written(*standings_in_database(ranking, event, rule, groups))
    placed, going = standings_in_python(ranking, settings, event, round_)
    return Written(len(placed), sum(p.position is not None for p in placed), len(going))


def _unit_groups(activity: Activity, event: str, round_: Round) -> dict[int, int]:
    """The preliminary of each unit with contestants in the event and round (a few thousand units at most)."""
    units = Contestant.objects.filter(activity=activity, event=event, round=round_.key,
                                      state=Contestant.State.REGISTERED).values_list(
        "organisation_id", "organisation__path").distinct()
    entrants = [Entrant(org_id, 0, True, org_id, path) for org_id, path in units]
    return {org_id: group for org_id, group in _groups(entrants, round_).items() if group is not None}


def standings_in_python(ranking: Ranking, settings: CompetitionSettings, event: Event,
                        round_: Round) -> tuple[list[Placed], set[Any]]:
    activity = ranking.activity
    entrants = _entrants(activity, event.key, round_.key)
    values = component_values(activity, event, round_.key, entrants)
    groups = _groups(entrants, round_)
    chain = [Key(key, event.component(key).better) for key in event.tie_break  # type: ignore[union-attr]
             if event.component(key) is not None]
    placed = rank([Ranked(e.id, values[e.id], e.official, groups[e.id] or 0) for e in entrants],
                  weights=event.weights(), tie_break=chain)
    rule = _advancement(round_)
    going = advancing(placed, rule) if rule is not None and settings.next_round(round_.key) else set()
    Standing.objects.filter(ranking=ranking).delete()
    insert_rows(Standing, ("ranking_id", "contestant_id", "total", "position", "order", "group_id", "advances",
                           "values"),
                [(ranking.pk, p.id, p.total, p.position, index, groups[p.id], p.id in going,
                  values_json(values[p.id])) for index, p in enumerate(placed, start=1)])
    return placed, going


def _ranking_for(actor: Any, ranking_id: Any, permission: str) -> Ranking:
    ranking = Ranking.objects.select_related("activity__organiser").select_for_update(of=("self",)).filter(
        pk=ranking_id).first() if str(ranking_id).isdigit() else None
    if ranking is None:
        raise NotFound()
    activity_organised(actor, ranking.activity_id, permission)
    return ranking


def _is_chief(actor: Any, ranking: Ranking) -> bool:
    """A judge on the event's panel (or the activity's) signs as chief judge (裁判长), as does an organiser."""
    on_panel = PanelJudge.objects.filter(panel__activity_id=ranking.activity_id, user=actor,
                                         panel__category__in=[ranking.event, ""]).exists()
    return on_panel or scope.may_manage(actor, MANAGE, ranking.activity.organiser)


def _log(actor: Any, ranking: Ranking, action: str, before: str) -> None:
    oplog.record(actor=actor, action=action, obj=ranking, organisation=ranking.activity.organiser,
                 before={"state": before}, after={"state": ranking.state, "event": ranking.event,
                                                  "round": ranking.round}, summary=ranking.activity.title)


@transaction.atomic
def ranking_sign(*, actor: Any, ranking_id: Any) -> Ranking:
    """The chief judge signs the event's results (裁判长签字)."""
    ranking = Ranking.objects.select_related("activity__organiser").select_for_update(of=("self",)).filter(
        pk=ranking_id).first() if str(ranking_id).isdigit() else None
    if ranking is None or not _is_chief(actor, ranking):
        raise NotFound()
    before = ranking.state
    ranking.state = transition(Step.SIGN, ranking.state)
    ranking.signed_by, ranking.signed_at = actor, timezone.now()
    ranking.save(update_fields=["state", "signed_by", "signed_at"])
    _log(actor, ranking, "competition.sign", before)
    return ranking


@transaction.atomic
def ranking_verify(*, actor: Any, ranking_id: Any) -> Ranking:
    """A second person checks the signed ranking (复核): not whoever computed or signed it."""
    ranking = _ranking_for(actor, ranking_id, VERIFY)
    before = ranking.state
    after = transition(Step.VERIFY, ranking.state)
    if actor.pk in (ranking.computed_by_id, ranking.signed_by_id):
        raise Conflict(_("The ranking is verified by a second person, not by whoever computed or signed it."),
                       code=JudgingErrors.SAME_PERSON)
    ranking.state, ranking.verified_by, ranking.verified_at = after, actor, timezone.now()
    ranking.save(update_fields=["state", "verified_by", "verified_at"])
    _log(actor, ranking, "competition.verify", before)
    return ranking


@transaction.atomic
def ranking_publish(*, actor: Any, ranking_id: Any, now: datetime.datetime | None = None) -> Ranking:
    """Publish a verified ranking: the places and finalists are recorded for the targets and honours, and those
    who advance are entered in the next round."""
    ranking = _ranking_for(actor, ranking_id, MANAGE)
    before = ranking.state
    ranking.state = transition(Step.PUBLISH, ranking.state)
    moment = now or timezone.now()
    ranking.published_by, ranking.published_at = actor, moment
    ranking.save(update_fields=["state", "published_by", "published_at"])
    results_record(actor, ranking, timezone.localdate(moment))
    _log(actor, ranking, "competition.publish", before)
    return ranking


def results_record(actor: Any, ranking: Ranking, day: datetime.date) -> None:
    """What a published ranking means outside it: the places and finalists for the targets and honours, and
    those who advance entered in the next round (those who no longer do, after an appeal, taken out of it while
    its numbers are not drawn)."""
    standings = list(ranking.standings.select_related("contestant__person", "contestant__organisation"))
    for standing in standings:
        contestant = standing.contestant
        facts = []
        if standing.advances:
            facts.append(MetricFact("competition.finalists", source_of(contestant), day))
        if standing.position is not None and standing.position <= PODIUM:
            facts.append(MetricFact("competition.places", source_of(contestant), day))
        for metric in ("competition.finalists", "competition.places"):
            if metric not in {f.metric for f in facts}:
                metric_record_remove(activity=ranking.activity, metric=metric, source=source_of(contestant))
        if facts:
            metric_records_put(activity=ranking.activity, person=contestant.person, facts=facts)
    _advance(actor, ranking, [s.contestant for s in standings if s.advances])


def _advance(actor: Any, ranking: Ranking, contestants: list[Contestant]) -> None:
    settings = settings_of(ranking.activity)
    following = settings.next_round(ranking.round)
    if following is None:
        return
    there = Contestant.objects.filter(activity=ranking.activity, event=ranking.event, round=following.key)
    going = {c.person_id for c in contestants}
    there.filter(number__isnull=True, state=Contestant.State.REGISTERED, advanced_from__isnull=False).exclude(
        person_id__in=going).update(state=Contestant.State.WITHDRAWN)
    present = set(there.values_list("person_id", flat=True))
    there.filter(person_id__in=going, state=Contestant.State.WITHDRAWN, number__isnull=True).update(
        state=Contestant.State.REGISTERED)
    Contestant.objects.bulk_create([
        Contestant(activity=ranking.activity, event=ranking.event, round=following.key, person=c.person,
                   organisation=c.organisation, official=c.official, advanced_from=c, registered_by=actor)
        for c in contestants if c.person_id not in present])
