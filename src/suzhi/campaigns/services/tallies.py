"""The tallies kept from the metric records (`MetricTally` per person, `MetricOrgCount` per organisation and
category key, `MetricReachCount`): the people's turns, the counting of their records, the people overlaps, and
the writing of what changed between two countings. Used by services/records.py, whose writers and followers take
the turns described there.
"""

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Q

from suzhi.campaigns.metrics import overlap_paths
from suzhi.campaigns.models import MetricOrgCount, MetricReachCount, MetricRecord, MetricTally
from suzhi.core.counts import counts_add
from suzhi.core.models import Organisation
from suzhi.people.models import Person

EVERY = MetricOrgCount.EVERY_ACTIVITY
LOCK_SPACE = 0x5A17_0000_0000_0000  # advisory lock keys for people's tallies: this plus the person's id

# A record's place in the counts: (campaign, metric, activity, organisation, person).
Place = tuple[int, str, int, int, int]
# A person's records of a metric of one activity (or EVERY): (campaign, metric, activity, person).
Spread = tuple[int, str, int, int]


@dataclasses.dataclass(frozen=True)
class PersonNow:
    organisation_id: int
    category_key: str
    is_active: bool


def require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("metric records are written inside the kind's service transaction")


def lock_people(ids: Iterable[int]) -> dict[int, PersonNow]:
    """Take the turn to change these people's tallies (in id order, so that two writers cannot wait for each
    other), then read what the tallies copy of them.

    On PostgreSQL the turn is a transaction-level advisory lock per person, taken after the lock the records'
    foreign key takes anyway (FOR KEY SHARE) rather than a lock of the person's row: a people service holding the
    row (FOR UPDATE) is waited for before the turn, never while holding it, since its follower takes the same turn;
    and a kind's service that holds the row FOR NO KEY UPDATE while waiting for a row we hold (a contest start
    locks the person, then the attempt a submission holds) does not hold us up. The read after the turn sees any
    people service's change that committed; one still running has not yet taken its turn
    (`tallies_follow_people` takes the same) and will move what we write. SQLite runs one writer at a time."""
    ordered = sorted(set(ids))
    if ordered and connection.vendor == "postgresql":
        table = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pg_advisory_xact_lock(%s + p.id) FROM (SELECT id FROM {table} "  # noqa: S608 - model table
                f"WHERE id = ANY(%s::bigint[]) ORDER BY id FOR KEY SHARE) p", [LOCK_SPACE, ordered])
    return people_now(ordered)


def take_turns(ids: Iterable[int]) -> None:
    """The people's turns alone (`lock_people` without its lock of the person rows), for a follower of organisation
    moves: it holds organisations a people service may be waiting for while holding a person row."""
    ordered = sorted(set(ids))
    if ordered and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s + p.id) FROM (SELECT id FROM unnest(%s::bigint[]) "
                           "AS ids(id) ORDER BY id) p", [LOCK_SPACE, ordered])


def people_now(ids: Iterable[int]) -> dict[int, PersonNow]:
    rows = Person.objects.filter(pk__in=list(ids)).values_list("pk", "organisation_id", "category_key", "is_active")
    return {pk: PersonNow(org_id, key, active) for pk, org_id, key, active in rows}


def place_of(record: MetricRecord) -> Place:
    return (record.campaign_id, record.metric, record.activity_id, record.organisation_id, record.person_id)


def record_counts(people: Iterable[int], metrics: Collection[str]) -> Counter[Place]:
    """The people's records of these metrics, counted per place: one grouped read."""
    rows = MetricRecord.objects.filter(person_id__in=list(people), metric__in=list(metrics)).order_by().values_list(
        "campaign_id", "metric", "activity_id", "organisation_id", "person_id").annotate(n=Count("id"))
    return Counter({tuple(row[:-1]): row[-1] for row in rows})  # type: ignore[misc]


def with_every_activity(counts: Counter[Place]) -> Counter[Place]:
    """The counts per activity and, under activity EVERY, per organisation over all activities."""
    result = Counter(counts)
    for (campaign_id, metric, _activity_id, org_id, person_id), n in counts.items():
        result[(campaign_id, metric, EVERY, org_id, person_id)] += n
    return result


def org_sets(counts: Counter[Place]) -> dict[Spread, frozenset[int]]:
    """The organisations where each person has records, per campaign, metric and activity (or EVERY)."""
    sets: dict[Spread, set[int]] = defaultdict(set)
    for (campaign_id, metric, activity_id, org_id, person_id), n in counts.items():
        if n > 0:
            sets[(campaign_id, metric, activity_id, person_id)].add(org_id)
    return {group: frozenset(orgs) for group, orgs in sets.items()}


def overlaps(sets: dict[Spread, frozenset[int]], *, lock: bool = False) -> Counter[Place]:
    """The overlaps (`metrics.overlap_paths`, `MetricOrgCount.people_overlaps`) of these people's organisations, as
    {(campaign, metric, activity, organisation, person): n}: none without a person at several organisations, else
    two queries (the organisations' paths, then the ids of their common ancestors).

    `lock` (the record writers): read the paths FOR KEY SHARE on PostgreSQL, so that a move of one of these
    organisations (which rewrites its path, holding the row FOR UPDATE) either waits for our commit or is
    committed before we read; `tallies_follow_org_moves` puts right what was counted before a move."""
    spread = {group: orgs for group, orgs in sets.items() if len(orgs) > 1}
    if not spread:
        return Counter()
    paths = org_paths({org for orgs in spread.values() for org in orgs}, lock=lock)
    found = {group: overlap_paths([[paths[org] for org in orgs]]) for group, orgs in spread.items()}
    ids = dict(Organisation.objects.filter(path__in={path for each in found.values() for path in each}).values_list(
        "path", "pk"))
    result: Counter[Place] = Counter()
    for (campaign_id, metric, activity_id, person_id), each in found.items():
        for path, n in each.items():
            result[(campaign_id, metric, activity_id, ids[path], person_id)] += n
    return result


def org_paths(org_ids: Collection[int], *, lock: bool = False) -> dict[int, str]:
    ordered = sorted(org_ids)
    if lock and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, path FROM {Organisation._meta.db_table} WHERE id = ANY(%s::bigint[]) "  # noqa: S608
                           f"ORDER BY id FOR KEY SHARE", [ordered])
            return dict(cursor.fetchall())
    return dict(Organisation.objects.filter(pk__in=ordered).values_list("pk", "path"))


def write(people: dict[int, PersonNow], before: Counter[Place], after: Counter[Place]) -> None:
    """Write what changed between two countings of the same people's records (the people are in their turn)."""
    old, new = with_every_activity(before), with_every_activity(after)
    groups: Counter[tuple[Any, ...]] = Counter()
    for place in set(old) | set(new):
        n_old, n_new = max(old.get(place, 0), 0), max(new.get(place, 0), 0)
        if n_old == n_new:
            continue
        campaign_id, metric, activity_id, org_id, person_id = place
        group = (campaign_id, metric, activity_id, org_id, people[person_id].category_key)
        groups[(*group, 0)] += int(n_new > 0) - int(n_old > 0)
        groups[(*group, 1)] += n_new - n_old
    # The overlaps of the people whose organisations with records changed (a first record somewhere, a last one
    # gone): those of their organisations before taken off, those after added.
    sets_old, sets_new = org_sets(old), org_sets(new)
    changed_sets = {group for group in sets_old.keys() | sets_new.keys() if sets_old.get(group) != sets_new.get(group)}
    for sign, sets in ((-1, sets_old), (1, sets_new)):
        spread = {group: sets[group] for group in changed_sets if group in sets}
        for (campaign_id, metric, activity_id, org_id, person_id), n in overlaps(spread, lock=True).items():
            groups[(campaign_id, metric, activity_id, org_id, people[person_id].category_key, 2)] += sign * n
    add_counts(MetricOrgCount, groups)
    totals_old: Counter[tuple[int, str, int]] = Counter()
    totals_new: Counter[tuple[int, str, int]] = Counter()
    for totals, counts in ((totals_old, before), (totals_new, after)):
        for (campaign_id, metric, _activity_id, _org_id, person_id), n in counts.items():
            if n > 0:
                totals[(campaign_id, metric, person_id)] += n
    changed = {key: (totals_old.get(key, 0), n) for key in set(totals_old) | set(totals_new)
               if (n := totals_new.get(key, 0)) != totals_old.get(key, 0)}
    reach: Counter[tuple[Any, ...]] = Counter()
    for (campaign_id, metric, person_id), (n_old, n_new) in changed.items():
        person = people[person_id]
        if person.is_active:
            for level in range(1, MetricReachCount.LEVELS + 1):
                reach[(campaign_id, metric, level, person.organisation_id, person.category_key, 0)] += (
                    int(n_new >= level) - int(n_old >= level))
    add_counts(MetricReachCount, reach)
    _person_tallies_set(people, {key: n for key, (_n_old, n) in changed.items()})


def _person_tallies_set(people: dict[int, PersonNow], totals: dict[tuple[int, str, int], int]) -> None:
    """Set each (campaign, metric, person) tally to its new total: a row while positive, none at zero."""
    if not totals:
        return
    table = MetricTally._meta.db_table
    kept = sorted((key, n) for key, n in totals.items() if n > 0)
    if kept:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (campaign_id, metric, person_id, records, organisation_id, categories, active) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s, %s)'] * len(kept))} "
                f"ON CONFLICT (campaign_id, metric, person_id) DO UPDATE SET records = excluded.records, "
                f"organisation_id = excluded.organisation_id, categories = excluded.categories, "
                f"active = excluded.active",
                [value for (campaign_id, metric, person_id), n in kept for value in (
                    campaign_id, metric, person_id, n, people[person_id].organisation_id,
                    people[person_id].category_key, people[person_id].is_active)])
    dropped = Q()
    for (campaign_id, metric, person_id), n in totals.items():
        if n <= 0:
            dropped |= Q(campaign_id=campaign_id, metric=metric, person_id=person_id)
    if dropped:
        MetricTally.objects.filter(dropped).delete()


# The grouping columns and the counted columns of each table of counts.
_COUNTS: dict[type[models.Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    MetricOrgCount: (("campaign_id", "metric", "activity_key", "organisation_id", "categories"),
                     ("people", "records", "people_overlaps")),
    MetricReachCount: (("campaign_id", "metric", "at_least", "organisation_id", "categories"), ("people",)),
}


def add_counts(model: type[models.Model], changes: Counter[tuple[Any, ...]]) -> None:
    """Add {(*group, index of the counted column): change} to a table of counts (`core.counts.counts_add`: one
    upsert, rows in a fixed order)."""
    keys, fields = _COUNTS[model]
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(fields))
    for (*group, index), n in changes.items():
        if n:
            groups[tuple(group)][index] += n
    counts_add(model, keys=keys, fields=fields, changes=groups)
