"""Computing targets (目标任务) from metric records: one grouped query per target, whatever the number of
organisations, then a roll-up through the tree in memory (a person and a record belong to exactly one
organisation, so subtree values are sums).

Counts of people or records read the tallies the records API keeps (`MetricOrgTally`: one row per organisation
and person; `MetricTally`: one per person, for coverage) rather than every record; sums, per-person metrics and
targets on one activity read the records.

Pure reads: `services.targets` stores what this computes.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum

from suzhi.campaigns import kinds
from suzhi.campaigns.kinds import Aggregate
from suzhi.campaigns.models import Campaign, MetricOrgTally, MetricRecord, Target
from suzhi.core.models import DictItem, Organisation
from suzhi.people.models import CATEGORY_DICT, Person

STEP = Organisation.steplen
_OPS = {"eq": "", "lt": "__lt", "le": "__lte", "gt": "__gt", "ge": "__gte", "in": "__in"}


@dataclasses.dataclass
class OrgValue:
    numerator: float = 0  # the metric (or, for coverage, the people who reached at_least)
    population: int = 0  # people in scope (coverage, percentage)
    measured: int = 0  # per_org: organisations measured here and below
    met: int = 0  # per_org: of which reaching the threshold
    per_person: bool = False  # a per-person metric: numerator / population, the people with records

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


def _attribute_q(rule: dict[str, Any], prefix: str, reference: datetime.date) -> Q:
    field, op, value = rule["field"], rule.get("op", "eq"), rule.get("value")
    if field == "age":
        # Completed years on the reference day: age >= n  <=>  born on or before reference - n years.
        def born_by(years: int) -> datetime.date:
            try:
                return reference.replace(year=reference.year - years)
            except ValueError:  # 29 February
                return reference.replace(year=reference.year - years, day=28)

        n = int(value or 0)
        at_least = {"ge": n, "gt": n + 1}
        below = {"lt": n, "le": n + 1}
        if op in at_least:
            return Q(**{f"{prefix}birth_date__lte": born_by(at_least[op])})
        if op in below:
            return Q(**{f"{prefix}birth_date__gt": born_by(below[op])})
        exact = Q(**{f"{prefix}birth_date__gt": born_by(n + 1), f"{prefix}birth_date__lte": born_by(n)})
        return ~exact if op == "ne" else exact
    if field.startswith("extra."):
        lookup = f"{prefix}extra__{field[len('extra.'):]}"
    elif field in ("education", "political_status"):
        lookup = f"{prefix}{field}__code"
    else:
        lookup = f"{prefix}{field}"
    if op == "ne":
        return ~Q(**{lookup: value})
    return Q(**{f"{lookup}{_OPS[op]}": value})


def person_q(filter_: dict[str, Any], prefix: str, reference: datetime.date) -> Q:
    """The people a target's filter keeps; `prefix` reaches the person ("" or "person__")."""
    q = Q()
    person_ref = "person_id" if prefix else "pk"
    categories = filter_.get("person_categories") or []
    if categories:
        # Category ids rather than a join to the dictionary: with the ids in the query the planner knows how many
        # people hold them and picks a hash join instead of a probe per record.
        ids = list(DictItem.objects.filter(dict_type__code=CATEGORY_DICT, code__in=categories).values_list(
            "pk", flat=True))
        holders = Person.categories.through.objects.filter(dictitem_id__in=ids).values("person_id")
        q &= Q(**{f"{person_ref}__in": holders})
    for rule in filter_.get("attributes") or []:
        q &= _attribute_q(rule, prefix, reference)
    return q


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


def tallies_for(target: Target) -> QuerySet[MetricOrgTally]:
    """What `records_for` selects, one row per organisation and person (whatever the activity)."""
    definition = kinds.metric(target.metric)
    tallies = MetricOrgTally.objects.filter(campaign_id=target.campaign_id,
                                            metric=definition.records_metric if definition else target.metric)
    org_types = (target.filter or {}).get("org_types") or []
    if org_types:
        tallies = tallies.filter(organisation__org_type__code__in=org_types)
    return tallies.filter(person_q(target.filter or {}, "person__", target.deadline.effective_end))


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
    values: dict[int, OrgValue] = defaultdict(OrgValue)
    if target.form == "coverage" and aggregate != Aggregate.SUM and not target.activity_id \
            and not (target.filter or {}).get("org_types"):
        return _tallied_coverage(target, organiser_path)
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
        return values
    elif aggregate in (Aggregate.PEOPLE, Aggregate.COUNT) and not target.activity_id:
        # One tally row per organisation and person rather than one per record: the people are the rows, the
        # records their counts.
        counted: Count | Sum = Count("id") if aggregate == Aggregate.PEOPLE else Sum("records")
        rows = tallies_for(target).values("organisation_id").annotate(n=counted).values_list("organisation_id", "n")
    else:
        rows = records_for(target).values("organisation_id").annotate(n=_aggregate(aggregate)).values_list(
            "organisation_id", "n")
    for org_id, n in rows:
        values[org_id].numerator = float(n or 0)
    if target.form in ("coverage", "percentage"):
        in_scope = population_for(target, organiser_path).values("organisation_id").annotate(n=Count("id"))
        for org_id, n in in_scope.values_list("organisation_id", "n"):
            values[org_id].population = int(n)
    return values


def _tallied_coverage(target: Target, organiser_path: str) -> dict[int, OrgValue]:
    """A coverage counting records: each person's count is kept in a tally (one row per person, not one per
    record), so the people in scope and those who reached at_least come from one query. Sums stay on the records:
    adding and removing quantities one by one would not give exactly the sum the records add up to."""
    definition = kinds.metric(target.metric)
    tally = FilteredRelation("metric_tallies", condition=Q(
        metric_tallies__campaign_id=target.campaign_id,
        metric_tallies__metric=definition.records_metric if definition else target.metric,
        metric_tallies__records__gte=target.at_least))
    counted = population_for(target, organiser_path).annotate(tally=tally).values("organisation_id").annotate(
        n=Count("id"), reached=Count("tally__id"))
    return {org_id: OrgValue(numerator=float(reached), population=int(n))
            for org_id, n, reached in counted.values_list("organisation_id", "n", "reached")}


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
        numerator, population = value.numerator, value.population
        per_person = value.per_person
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
