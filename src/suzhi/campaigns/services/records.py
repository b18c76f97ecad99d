"""Metric records (指标记录) the activity kinds report, and the tallies kept from them for the targets.

Kinds call `metric_record_put` / `metric_records_put` / `metric_record_remove` inside their own service's
transaction; each schedules a recomputation of the campaign's targets after the commit.

The tallies (`MetricTally` per person, `MetricOrgCount` per organisation and category key) are kept exact by
taking a turn per person (`tallies.lock_people`) before anything else, so that the writers of one person's
records, and the people services changing the person (`tallies_follow_people`), and the moves of organisations
(`tallies_follow_org_moves`, for the people overlaps), change that person's tallies one at a time.
Each writer reads the person's record counts once, in its turn, and derives every tally change from them.
The counting and writing of the tallies is in services/tallies.py.
"""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from suzhi.campaigns import kinds
from suzhi.campaigns.error_codes import CampaignErrors
from suzhi.campaigns.metrics import overlap_paths
from suzhi.campaigns.models import Activity, Campaign, MetricOrgCount, MetricReachCount, MetricRecord, MetricTally
from suzhi.campaigns.services import tallies
from suzhi.campaigns.services.targets import schedule_targets_refresh
from suzhi.core import oplog
from suzhi.core.errors import ValidationFailed
from suzhi.core.models import Organisation
from suzhi.core.org_followers import OrgMove, moved_subtrees, path_after, path_before
from suzhi.people.models import Person

CHUNK = 2000  # people per statement when following many people at once (an import)


@dataclasses.dataclass(frozen=True)
class MetricFact:
    """One fact a kind reports: the metric, what it is about (`source`, unique per metric), when, how much."""

    metric: str
    source: str
    occurred_on: datetime.date
    quantity: float = 1


def metric_record_put(*, activity: Activity, metric: str, person: Any, source: str, occurred_on: datetime.date,
                      quantity: float = 1) -> MetricRecord:
    """Record (or replace) one fact for a metric of the activity's kind, credited to the person's organisation.
    Called by a kind's service, inside its transaction and after its own checks and log row."""
    return metric_records_put(activity=activity, person=person, facts=[
        MetricFact(metric=metric, source=source, occurred_on=occurred_on, quantity=quantity)])[0]


def metric_records_put(*, activity: Activity, person: Any, facts: Sequence[MetricFact]) -> list[MetricRecord]:
    """Record (or replace) several facts about one person at once, as `metric_record_put` does each: a submitted
    attempt reports three. A fixed number of statements whatever the number of facts: the person's turn taken,
    the records already there read, the person's counts read, one insert, one upsert per table of counts."""
    tallies.require_transaction()
    for fact in facts:
        definition = kinds.metric(fact.metric)
        if definition is None or definition.source or not fact.metric.startswith(f"{activity.kind}."):
            raise ValidationFailed(_("The activity “%(activity)s” does not provide the metric “%(metric)s”.")
                                   % {"activity": activity.title, "metric": fact.metric},
                                   code=CampaignErrors.UNKNOWN_METRIC)
    if len({(fact.metric, fact.source) for fact in facts}) != len(facts):
        raise ValueError("the same fact twice in one call")
    if not facts:
        return []
    people = tallies.lock_people([person.pk])
    shared = {"campaign_id": activity.campaign_id, "activity_id": activity.pk, "person_id": person.pk,
              "organisation_id": person.organisation_id}
    metrics = {fact.metric for fact in facts}
    # Replace or create by hand rather than update_or_create: the tallies need each replaced record's place, read
    # under the row's lock, also when a concurrent put of the same source for another person created it between
    # our read and our insert (then the second round finds and replaces it).
    for attempt in range(2):
        keys = Q()
        for fact in facts:
            keys |= Q(metric=fact.metric, source=fact.source)
        found = {(r.metric, r.source): r for r in MetricRecord.objects.select_for_update().filter(keys)}
        moved_from = {r.person_id for r in found.values()} - set(people)
        if moved_from:  # a fact re-reported for someone else: their counts change too
            people.update(tallies.lock_people(moved_from))
        left = [tallies.place_of(r) for r in found.values()]
        before = tallies.record_counts(people, metrics)
        records, created = [], []
        for fact in facts:
            record = found.get((fact.metric, fact.source))
            if record is None:
                record = MetricRecord(metric=fact.metric, source=fact.source)
                created.append(record)
            for name, value in {**shared, "quantity": fact.quantity, "occurred_on": fact.occurred_on}.items():
                setattr(record, name, value)
            records.append(record)
        try:
            with transaction.atomic():
                MetricRecord.objects.bulk_create(created)
            break
        except IntegrityError:
            if attempt:
                raise
    replaced = [record for record in records if (record.metric, record.source) in found]
    if replaced:
        MetricRecord.objects.bulk_update(replaced, [*shared, "quantity", "occurred_on"])
    after = before.copy()
    after.subtract(left)
    after.update(tallies.place_of(record) for record in records)
    tallies.write(people, before, after)
    schedule_targets_refresh(campaign_id=activity.campaign_id)
    return records


def metric_record_remove(*, activity: Activity, metric: str, source: str) -> int:
    tallies.require_transaction()
    records = MetricRecord.objects.filter(activity=activity, metric=metric, source=source)
    owners = set(records.values_list("person_id", flat=True))
    if not owners:
        return 0
    people = tallies.lock_people(owners)
    # Read again under the lock: the record may have moved or gone while we waited.
    gone = [tallies.place_of(r) for r in records.select_for_update()]
    people.update(tallies.lock_people({place[-1] for place in gone} - set(people)))
    before = tallies.record_counts(people, {metric})
    deleted, _counts_by_model = records.delete()
    after = before.copy()
    after.subtract(gone)
    tallies.write(people, before, after)
    if deleted:
        schedule_targets_refresh(campaign_id=activity.campaign_id)
    return deleted


def tallies_follow_people(person_ids: Collection[int]) -> None:
    """Bring the tallies' copies of these people's organisation, category key and active status up to date, and
    move their records' counts to their new category key. The people services call it (through
    `people.followers`) inside their transaction, after writing the person rows, which they hold locked."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        _follow(ids[start:start + CHUNK])


def _follow(ids: list[int]) -> None:
    # Our turn after any record writer of these people (so we see the tallies it wrote); those that come later
    # read the people as we leave them.
    now = tallies.lock_people(ids)
    rows = list(MetricTally.objects.filter(person_id__in=ids))
    if not rows:
        return
    stale = [t for t in rows if t.person_id in now and (t.organisation_id, t.categories, t.active) != (
        now[t.person_id].organisation_id, now[t.person_id].category_key, now[t.person_id].is_active)]
    if not stale:
        return
    rekeyed = {(t.campaign_id, t.metric, t.person_id): t.categories for t in stale
               if t.categories != now[t.person_id].category_key}
    if rekeyed:
        counts = tallies.record_counts(sorted({person_id for _c, _m, person_id in rekeyed}),
                         {metric for _c, metric, _p in rekeyed})
        groups: Counter[tuple[Any, ...]] = Counter()
        every = tallies.with_every_activity(counts)
        for (campaign_id, metric, activity_id, org_id, person_id), n in every.items():
            old = rekeyed.get((campaign_id, metric, person_id))
            if old is None or n <= 0:
                continue
            for key, sign in ((old, -1), (now[person_id].category_key, 1)):
                groups[(campaign_id, metric, activity_id, org_id, key, 0)] += sign
                groups[(campaign_id, metric, activity_id, org_id, key, 1)] += sign * n
        spread = {group: orgs for group, orgs in tallies.org_sets(every).items()
                  if (group[0], group[1], group[3]) in rekeyed}
        for (campaign_id, metric, activity_id, org_id, person_id), n in tallies.overlaps(spread).items():
            old = rekeyed[(campaign_id, metric, person_id)]
            groups[(campaign_id, metric, activity_id, org_id, old, 2)] -= n
            groups[(campaign_id, metric, activity_id, org_id, now[person_id].category_key, 2)] += n
        tallies.add_counts(MetricOrgCount, groups)
    reach: Counter[tuple[Any, ...]] = Counter()
    for tally in stale:  # the person's reach moves with them, and goes when they leave the roster
        person = now[tally.person_id]
        for org_id, key, active, sign in ((tally.organisation_id, tally.categories, tally.active, -1),
                                          (person.organisation_id, person.category_key, person.is_active, 1)):
            if active:
                for level in range(1, min(tally.records, MetricReachCount.LEVELS) + 1):
                    reach[(tally.campaign_id, tally.metric, level, org_id, key, 0)] += sign
    tallies.add_counts(MetricReachCount, reach)
    for tally in stale:
        person = now[tally.person_id]
        tally.organisation_id, tally.categories, tally.active = (person.organisation_id, person.category_key,
                                                                 person.is_active)
    MetricTally.objects.bulk_update(stale, ["organisation", "categories", "active"])


def tallies_follow_org_moves(moves: Sequence[OrgMove]) -> None:
    """Bring the people overlaps (`MetricOrgCount.people_overlaps`) up to date with the organisations' places after
    these moves (made in this order): for each person with records at a moved organisation and at another one of the
    same metric, and each (campaign, metric, activity or every activity) whose organisations include a moved one,
    the overlaps of their organisations where they were taken off and those where they are now added. The
    organisation services call it (through `core.org_followers`) inside their transaction, after the tree rows are
    written, which they hold locked.

    Only those people's overlaps can change: the organisations above one that did not move did not move either.
    They are read, then read again in their turn (the writers' turns: any writer that counted them before the move
    has committed, later ones read the tree as we leave it); a person with records there at one organisation who
    gets records at a second meanwhile is counted by that writer, whose read of the organisations' paths waits for
    the move (`tallies.overlaps`, lock). One bulk read of these people's records per CHUNK people, whatever the
    number of moves."""
    there = Q()
    for root in moved_subtrees(moves):
        there |= Q(organisation__path__startswith=root)
    spread = (MetricRecord.objects.filter(person_id__in=MetricRecord.objects.filter(there).values("person_id"))
              .order_by().values("campaign_id", "metric", "person_id")
              .annotate(orgs=Count("organisation_id", distinct=True), there=Count("id", filter=there))
              .filter(orgs__gt=1, there__gt=0).values_list("person_id", flat=True))
    ids = sorted(set(spread))
    for start in range(0, len(ids), CHUNK):
        _follow_moves(ids[start:start + CHUNK], moves)


def _follow_moves(ids: list[int], moves: Sequence[OrgMove]) -> None:
    tallies.take_turns(ids)
    rows = MetricRecord.objects.filter(person_id__in=ids).order_by().values_list(
        "campaign_id", "metric", "activity_id", "organisation_id", "person_id").distinct()
    sets = {group: orgs for group, orgs in tallies.org_sets(tallies.with_every_activity(Counter(rows))).items()
            if len(orgs) > 1}
    paths = tallies.org_paths({org for orgs in sets.values() for org in orgs})
    roots = moved_subtrees(moves)
    sets = {group: orgs for group, orgs in sets.items()
            if any(paths[org].startswith(root) for org in orgs for root in roots)}
    if not sets:
        return
    # The key the person's counts are under: their tallies' copy (`_follow` moves them together).
    keys = {(campaign_id, metric, person_id): key for campaign_id, metric, person_id, key in MetricTally.objects.filter(
        person_id__in=ids).values_list("campaign_id", "metric", "person_id", "categories")}
    # ((campaign, metric, activity, person), common path now): n
    changes: Counter[tuple[tallies.Spread, str]] = Counter()
    for group, orgs in sets.items():
        now = [paths[org] for org in orgs]
        # Before the moves: where the organisations were, and where their common ancestors then are now.
        for path, n in overlap_paths([[path_before(path, moves) for path in now]]).items():
            changes[(group, path_after(path, moves))] -= n
        for path, n in overlap_paths([now]).items():
            changes[(group, path)] += n
    ids_by_path = dict(Organisation.objects.filter(path__in={path for _group, path in changes}).values_list(
        "path", "pk"))
    groups: Counter[tuple[Any, ...]] = Counter()
    for ((campaign_id, metric, activity_id, person_id), path), n in changes.items():
        if n:
            groups[(campaign_id, metric, activity_id, ids_by_path[path], keys[(campaign_id, metric, person_id)],
                    2)] += n
    tallies.add_counts(MetricOrgCount, groups)


@transaction.atomic
def metric_tallies_rebuild(*, actor: Any, campaign_id: int) -> int:
    """Recount the campaign's tallies from its records and its people's current organisation, categories and
    status: after records were loaded in bulk, bypassing `metric_record_put`. On the server, with one
    statement per table: a bulk-loaded campaign has a tally per person and metric, up to millions. Returns the
    number of per-person tallies.

    A step for after a load, when nobody changes the roster: records written meanwhile wait for it (the campaign's
    lock), but a roster change it runs alongside is not ordered with it, and its copy of the people may be missed
    (running it again puts that right)."""
    # FOR UPDATE: records inserted meanwhile (their key to the campaign takes FOR KEY SHARE) wait for the recount.
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    MetricTally.objects.filter(campaign=campaign).delete()
    MetricOrgCount.objects.filter(campaign=campaign).delete()
    MetricReachCount.objects.filter(campaign=campaign).delete()
    record, person = MetricRecord._meta.db_table, Person._meta.db_table
    tally, counts = MetricTally._meta.db_table, MetricOrgCount._meta.db_table
    reach = MetricReachCount._meta.db_table
    joined = f"FROM {record} r JOIN {person} p ON p.id = r.person_id WHERE r.campaign_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tally} (campaign_id, metric, person_id, records, organisation_id, categories, active) "  # noqa: S608
            f"SELECT r.campaign_id, r.metric, r.person_id, COUNT(*), p.organisation_id, p.category_key, p.is_active "
            f"{joined} GROUP BY r.campaign_id, r.metric, r.person_id, p.organisation_id, p.category_key, p.is_active",
            [campaign.pk])
        for activity, by_activity in (("r.activity_id", "r.activity_id, "), (str(tallies.EVERY), "")):
            cursor.execute(
                f"INSERT INTO {counts} (campaign_id, metric, activity_key, organisation_id, categories, people, "  # noqa: S608
                f"records) SELECT r.campaign_id, r.metric, {activity}, r.organisation_id, p.category_key, "
                f"COUNT(DISTINCT r.person_id), COUNT(*) {joined} "
                f"GROUP BY r.campaign_id, r.metric, {by_activity}r.organisation_id, p.category_key", [campaign.pk])
        levels = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, MetricReachCount.LEVELS + 1))
        cursor.execute(
            f"INSERT INTO {reach} (campaign_id, metric, at_least, organisation_id, categories, people) "  # noqa: S608
            f"SELECT t.campaign_id, t.metric, levels.k, t.organisation_id, t.categories, COUNT(*) FROM {tally} t "
            f"JOIN ({levels}) levels ON t.records >= levels.k AND t.active WHERE t.campaign_id = %s "
            f"GROUP BY t.campaign_id, t.metric, levels.k, t.organisation_id, t.categories", [campaign.pk])
        # The overlaps, from the records of the people with records of a metric at several organisations.
        cursor.execute(
            f"SELECT DISTINCT r.metric, r.activity_id, r.organisation_id, r.person_id FROM {record} r "  # noqa: S608
            f"WHERE r.campaign_id = %s AND r.person_id IN (SELECT person_id FROM {record} WHERE campaign_id = %s "
            f"GROUP BY person_id, metric HAVING COUNT(DISTINCT organisation_id) > 1)", [campaign.pk] * 2)
        places = Counter({(campaign.pk, metric, activity_id, org_id, person_id): 1
                          for metric, activity_id, org_id, person_id in cursor.fetchall()})
    overlaps = tallies.overlaps(tallies.org_sets(tallies.with_every_activity(places)))
    keys = tallies.people_now({place[-1] for place in overlaps})
    groups: Counter[tuple[Any, ...]] = Counter()
    for (campaign_id, metric, activity_id, org_id, person_id), n in overlaps.items():
        groups[(campaign_id, metric, activity_id, org_id, keys[person_id].category_key, 2)] += n
    tallies.add_counts(MetricOrgCount, groups)
    total = MetricTally.objects.filter(campaign=campaign).count()
    if actor is not None:
        oplog.record(actor=actor, action="campaign.tallies_rebuild", obj=campaign, organisation=campaign.organiser,
                     after={"tallies": total}, summary=campaign.title)
    return total
