"""Computing targets (目标任务) from metric records: one grouped query per target, whatever the number of
organisations, then a roll-up through the tree in memory (a record belongs to exactly one organisation, so
subtree values are sums; a person with records at several organisations, counted at each, is taken off the sum
where their organisations meet, so that a people metric counts each person once in any subtree: `overlap_paths`).

Targets counting people or records, filtered by person categories and organisation types only, read the tallies
`services.records` keeps: `MetricOrgCount` (per organisation and category key: tens of thousands of rows) and, for
coverage, `MetricTally` (one row per person who has records) with the active people counted by organisation and
category key. Sums, per-person metrics, coverage on one activity and filters on person attributes read the
records. A person's categories are matched through `Person.category_key` (",3,17,": the ids of the categories).

Pure reads: `services.targets` stores what this computes.
"""

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from django.db import connection, models
from django.db.models import Count, Q, QuerySet, Sum

from suzhi.campaigns import kinds
from suzhi.campaigns.eligibility import category_ids, category_key_q, person_q
from suzhi.campaigns.kinds import Aggregate
from suzhi.campaigns.models import Campaign, MetricOrgCount, MetricReachCount, MetricRecord, MetricTally, Target
from suzhi.core.models import Organisation
from suzhi.people.category_keys import category_ids as category_ids_of
from suzhi.people.models import Person, PersonCount

STEP = Organisation.steplen


def overlap_paths(places: Iterable[Collection[str]]) -> Counter[str]:
    """Where a person counted at several organisations is counted once too many, for each person's set of
    organisation paths: the lowest common ancestor (the longest common path, whole steps) of each two organisations
    next to each other in tree order. Summed over any subtree, one per person at its organisations, less these,
    counts each person with any organisation in it once (see `MetricOrgCount.people_overlaps`)."""
    found: Counter[str] = Counter()
    for paths in places:
        ordered = sorted(paths)
        for first, second in zip(ordered, ordered[1:], strict=False):
            common = 0
            while common < min(len(first), len(second)) and first[common] == second[common]:
                common += 1
            common -= common % STEP
            if common:  # else two trees: no subtree holds both
                found[first[:common]] += 1
    return found


def overlaps_by_org(places: Iterable[Collection[str]]) -> Counter[int]:
    """`overlap_paths` by the organisations' ids (one query)."""
    by_path = overlap_paths(places)
    if not by_path:
        return Counter()
    ids = dict(Organisation.objects.filter(path__in=list(by_path)).values_list("path", "pk"))
    return Counter({ids[path]: n for path, n in by_path.items()})


@dataclasses.dataclass
class OrgValue:
    numerator: float = 0  # the metric (or, for coverage, the people who reached at_least)
    population: int = 0  # people in scope (coverage, percentage)
    measured: int = 0  # per_org: organisations measured here and below
    met: int = 0  # per_org: of which reaching the threshold
    per_person: bool = False  # a per-person metric: numerator / population, the people with records
    # People counted here and at another organisation of a subtree holding this one, taken off the subtree's sum
    # (see `overlap_paths`): of the numerator for a people metric, of the population for a per-person one.
    numerator_overlaps: int = 0
    population_overlaps: int = 0

    def value(self, form: str) -> float:
        if form in ("coverage", "percentage"):
            return round(100.0 * self.numerator / self.population, 2) if self.population else 0.0
        if self.per_person:
            return round(self.numerator / self.population, 2) if self.population else 0.0
        return self.numerator


@dataclasses.dataclass(frozen=True)
class OrgNode:
    id: int
    path: str
    org_type: str


def org_nodes(campaign: Campaign) -> list[OrgNode]:
    """The organisations the campaign covers: its organiser and everything below (one query)."""
    rows = Organisation.objects.filter(path__startswith=campaign.organiser.path).values_list(
        "id", "path", "org_type__code"
    )
    return [OrgNode(pk, path, code or "") for pk, path, code in rows]


def _target_records(target: Target) -> QuerySet[MetricRecord]:
    """The target's records before any condition on the person."""
    definition = kinds.metric(target.metric)
    code = definition.records_metric if definition else target.metric
    records = MetricRecord.objects.filter(campaign_id=target.campaign_id, metric=code)
    if target.activity_id:
        records = records.filter(activity_id=target.activity_id)
    org_types = (target.filter or {}).get("org_types") or []
    if org_types:
        records = records.filter(organisation__org_type__code__in=org_types)
    return records


def records_for(target: Target) -> QuerySet[MetricRecord]:
    reference = target.deadline.effective_end
    return _target_records(target).filter(person_q(target.filter or {}, "person__", reference))


def population_for(target: Target, organiser_path: str) -> QuerySet[Person]:
    reference = target.deadline.effective_end
    people = Person.objects.filter(is_active=True, organisation__path__startswith=organiser_path)
    org_types = (target.filter or {}).get("org_types") or []
    if org_types:
        people = people.filter(organisation__org_type__code__in=org_types)
    return people.filter(person_q(target.filter or {}, "", reference))


def _aggregate(aggregate: Aggregate) -> Any:
    if aggregate == Aggregate.PEOPLE:
        return Count("person_id", distinct=True)
    if aggregate == Aggregate.SUM:
        return Sum("quantity")
    return Count("id")


def own_values(target: Target, organiser_path: str) -> dict[int, OrgValue]:
    """Each organisation's own (not rolled-up) numbers for the target: one or two grouped queries."""
    metric = kinds.metric(target.metric)
    aggregate = metric.aggregate if metric else Aggregate.COUNT
    if not (target.filter or {}).get("attributes") and aggregate in (Aggregate.PEOPLE, Aggregate.COUNT):
        if target.form != "coverage":
            return _counted(target, aggregate, organiser_path)
        if not target.activity_id:
            return _tallied_coverage(target, organiser_path)
    values: dict[int, OrgValue] = defaultdict(OrgValue)
    if target.form == "coverage":
        # The population applies the conditions on the person, so the records need only the target's own.
        records = _target_records(target)
        if aggregate != Aggregate.SUM and target.at_least <= 1:
            # A count of at least 1 (at_least is positive) is having a record at all: a semi-join, no grouping.
            per_person = records.values("person_id")
        else:
            per_person = records.values("person_id").annotate(n=_aggregate(
                Aggregate.SUM if aggregate == Aggregate.SUM else Aggregate.COUNT)).filter(
                n__gte=target.at_least).values("person_id")
        reached = population_for(target, organiser_path).filter(pk__in=per_person)
        rows: Iterable[tuple[int, Any]] = reached.values("organisation_id").annotate(n=Count("id")).values_list(
            "organisation_id", "n")
    elif aggregate == Aggregate.PER_PERSON:
        grouped = records_for(target).values("organisation_id").annotate(
            total=Sum("quantity"), people=Count("person_id", distinct=True))
        for org_id, total, people in grouped.values_list("organisation_id", "total", "people"):
            values[org_id] = OrgValue(numerator=float(total or 0), population=int(people), per_person=True)
        for org_id, n in _overlaps_of(records_for(target)).items():
            values[org_id].per_person = True
            values[org_id].population_overlaps = n
        return values
    else:
        rows = records_for(target).values("organisation_id").annotate(n=_aggregate(aggregate)).values_list(
            "organisation_id", "n")
        if aggregate == Aggregate.PEOPLE:
            for org_id, n in _overlaps_of(records_for(target)).items():
                values[org_id].numerator_overlaps = n
    for org_id, n in rows:
        values[org_id].numerator = float(n or 0)
    if target.form in ("coverage", "percentage"):
        _add_population(values, target, organiser_path)
    return values


def _overlaps_of(records: QuerySet[MetricRecord]) -> Counter[int]:
    """The overlaps (`overlap_paths`) of the people these records count, from the records: the people with records at
    more than one organisation found by grouping the records by person, then their organisations read. For the
    targets the kept overlaps (`MetricOrgCount.people_overlaps`) cannot serve: those filtered by organisation types
    (which move the lowest common ancestors) or by the people's attributes, and per-person metrics."""
    spread = records.order_by().values("person_id").annotate(n=Count("organisation_id", distinct=True)).filter(
        n__gt=1).values("person_id")
    places: dict[int, set[str]] = defaultdict(set)
    for person_id, path in records.filter(person_id__in=spread).order_by().values_list(
            "person_id", "organisation__path").distinct():
        places[person_id].add(path)
    return overlaps_by_org(places.values())


def _org_types_q(target: Target, field: str) -> Q:
    org_types = (target.filter or {}).get("org_types") or []
    return Q(**{f"{field}__org_type__code__in": org_types}) if org_types else Q()


def _categories_q(target: Target, field: str) -> Q:
    codes = (target.filter or {}).get("person_categories") or []
    if not codes:
        return Q()
    return category_key_q(category_ids(codes), field) or Q(pk__in=[])


def _held_keys_q(target: Target, model: type[models.Model], field: str, **prefix: Any) -> Q:
    """The target's categories as the category keys holding any of them among those of a table of counts, rows
    narrowed by `prefix`: an equality the table's unique index (the prefix's columns, then the key) serves by
    ranges, instead of a pattern matched against every row of the prefix. The table's distinct keys are found by
    skipping through that index, one probe per key (a handful), not by reading its rows."""
    codes = (target.filter or {}).get("person_categories") or []
    if not codes:
        return Q()
    wanted = set(category_ids(codes))
    table = model._meta.db_table
    where = " AND ".join([*(f"{column} = %s" for column in prefix), "1 = 1"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE found(k) AS (SELECT MIN({field}) FROM {table} WHERE {where} "  # noqa: S608 - model table
            f"UNION ALL SELECT (SELECT MIN({field}) FROM {table} WHERE {where} AND {field} > found.k) FROM found "
            f"WHERE found.k IS NOT NULL) SELECT k FROM found WHERE k IS NOT NULL", [*prefix.values()] * 2)
        keys = [key for (key,) in cursor.fetchall() if category_ids_of(key) & wanted]
    return Q(**{f"{field}__in": keys})


def _add_population(values: dict[int, OrgValue], target: Target, organiser_path: str) -> None:
    """The people in scope per organisation: from the roster's counts per category key (`PersonCount`) unless the
    target has conditions on the people's attributes. Organisations outside the campaign's tree are dropped by
    the roll-up."""
    rows: QuerySet[Any]
    if (target.filter or {}).get("attributes"):
        rows = population_for(target, organiser_path).values("organisation_id").annotate(n=Count("id"))
    else:
        rows = PersonCount.objects.filter(_held_keys_q(target, PersonCount, "category_key"), _org_types_q(
            target, "organisation")).values("organisation_id").annotate(n=Sum("people"))
    for org_id, n in rows.values_list("organisation_id", "n"):
        values[org_id].population = int(n)


def _counted(target: Target, aggregate: Aggregate, organiser_path: str) -> dict[int, OrgValue]:
    """People or records counted per organisation and category key (`MetricOrgCount`): summed per organisation
    over the keys holding any of the target's categories."""
    definition = kinds.metric(target.metric)
    group = {"campaign_id": target.campaign_id, "metric": definition.records_metric if definition else target.metric,
             "activity_key": target.activity_id or MetricOrgCount.EVERY_ACTIVITY}
    counts = MetricOrgCount.objects.filter(**group).filter(
        _held_keys_q(target, MetricOrgCount, "categories", **group), _org_types_q(target, "organisation"))
    field = "people" if aggregate == Aggregate.PEOPLE else "records"
    values: dict[int, OrgValue] = defaultdict(OrgValue)
    kept = aggregate == Aggregate.PEOPLE and not (target.filter or {}).get("org_types")
    for org_id, n, overlaps in counts.values("organisation_id").annotate(
            n=Sum(field), overlaps=Sum("people_overlaps")).values_list("organisation_id", "n", "overlaps"):
        values[org_id].numerator = float(n or 0)
        values[org_id].numerator_overlaps = int(overlaps or 0) if kept else 0
    if aggregate == Aggregate.PEOPLE and not kept:
        # The organisation types keep some of a person's organisations: the kept overlaps, between all of them,
        # would not do.
        for org_id, n in _overlaps_of(records_for(target)).items():
            values[org_id].numerator_overlaps = n
    if target.form == "percentage":
        _add_population(values, target, organiser_path)
    return values


def _tallied_coverage(target: Target, organiser_path: str) -> dict[int, OrgValue]:
    """A coverage counting records: the people who reached at_least from the counts kept per organisation and
    category key (`MetricReachCount`) or, above its levels, from the per-person tallies (which copy the person's
    organisation, category key and status); the people in scope from the roster's counts. Sums stay on the
    records: adding and removing quantities one by one would not give exactly the sum the records add up to."""
    definition = kinds.metric(target.metric)
    metric = definition.records_metric if definition else target.metric
    level = math.ceil(target.at_least)
    counted: QuerySet[Any]
    n: Sum | Count
    if level <= MetricReachCount.LEVELS:
        group = {"campaign_id": target.campaign_id, "metric": metric, "at_least": max(level, 1)}
        counted, n = MetricReachCount.objects.filter(**group).filter(
            _held_keys_q(target, MetricReachCount, "categories", **group)), Sum("people")
    else:
        counted, n = MetricTally.objects.filter(
            _categories_q(target, "categories"), campaign_id=target.campaign_id, metric=metric, active=True,
            records__gte=level), Count("id")
    counted = counted.filter(_org_types_q(target, "organisation"))
    values: dict[int, OrgValue] = defaultdict(OrgValue)
    for org_id, reached in counted.values("organisation_id").annotate(n=n).values_list("organisation_id", "n"):
        values[org_id].numerator = float(reached)
    _add_population(values, target, organiser_path)
    return values


def ancestry(nodes: list[OrgNode]) -> dict[int, tuple[int, ...]]:
    """Each organisation's chain from the organiser down to itself: computed once per refresh, it spares each
    target's roll-up the path slicing."""
    by_path = {node.path: node.id for node in nodes}
    chains = {}
    for node in nodes:
        ids = (by_path.get(node.path[:end]) for end in range(STEP, len(node.path) + 1, STEP))
        chains[node.id] = tuple(pk for pk in ids if pk is not None)  # None: above the organiser
    return chains


def roll_up(target: Target, nodes: list[OrgNode], own: dict[int, OrgValue],
            chains: dict[int, tuple[int, ...]] | None = None) -> dict[int, OrgValue]:
    """Subtree values for every organisation that has any (others are zero)."""
    if chains is None:
        chains = ancestry(nodes)
    numerators: dict[int, float] = defaultdict(float)
    populations: dict[int, int] = defaultdict(int)
    per_person = False
    for org_id, value in own.items():
        chain = chains.get(org_id)
        if chain is None:
            continue  # moved out of the campaign's tree since
        numerator = value.numerator - value.numerator_overlaps
        population = value.population - value.population_overlaps
        per_person = per_person or value.per_person
        for ancestor in chain:
            numerators[ancestor] += numerator
            populations[ancestor] += population
    total: dict[int, OrgValue] = defaultdict(OrgValue)
    for org_id, numerator in numerators.items():
        total[org_id] = OrgValue(numerator=numerator, population=populations[org_id], per_person=per_person)
    if target.form == "per_org":
        measured_types = set(target.per_org_types or [])
        for node in nodes:
            if node.org_type not in measured_types:
                continue
            reached = total[node.id].value(target.form) >= target.threshold if node.id in total else False
            for ancestor in chains[node.id]:
                item = total[ancestor]
                item.measured += 1
                item.met += int(reached)
    return total


def compute_target(target: Target, nodes: list[OrgNode], organiser_path: str,
                   chains: dict[int, tuple[int, ...]] | None = None) -> dict[int, OrgValue]:
    return roll_up(target, nodes, own_values(target, organiser_path), chains)
