"""Metric records (指标记录) the activity kinds report, and the tallies kept from them for the targets.

Kinds call `metric_record_put` / `metric_records_put` / `metric_record_remove` inside their own service's
transaction; each schedules a recomputation of the campaign's targets after the commit.
"""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from suzhi.campaigns import kinds
from suzhi.campaigns.models import Activity, Campaign, MetricOrgTally, MetricRecord, MetricTally
from suzhi.campaigns.services.targets import schedule_targets_refresh
from suzhi.core import oplog
from suzhi.core.errors import ValidationFailed


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
    attempt reports three. One locking read of those already recorded, one insert of the new ones and one upsert
    per tally table, whatever the number of facts."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("metric records are written inside the kind's service transaction")
    for fact in facts:
        definition = kinds.metric(fact.metric)
        if definition is None or definition.source or not fact.metric.startswith(f"{activity.kind}."):
            raise ValidationFailed(_("The activity “%(activity)s” does not provide the metric “%(metric)s”.")
                                   % {"activity": activity.title, "metric": fact.metric})
    if len({(fact.metric, fact.source) for fact in facts}) != len(facts):
        raise ValueError("the same fact twice in one call")
    if not facts:
        return []
    shared = {"campaign_id": activity.campaign_id, "activity_id": activity.pk, "person_id": person.pk,
              "organisation_id": person.organisation_id}
    # Replace or create by hand rather than update_or_create: the tallies need each replaced record's campaign,
    # organisation and person, read under the row's lock, also when a concurrent put of the same source created
    # it between our read and our insert (then the second round finds and replaces it).
    for attempt in range(2):
        keys = Q()
        for fact in facts:
            keys |= Q(metric=fact.metric, source=fact.source)
        found = {(r.metric, r.source): r for r in MetricRecord.objects.select_for_update().filter(keys)}
        before = {key: (r.campaign_id, r.organisation_id, r.person_id) for key, r in found.items()}
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
    replaced = [record for record in records if record.pk and (record.metric, record.source) in found]
    if replaced:
        MetricRecord.objects.bulk_update(replaced, [*shared, "quantity", "occurred_on"])
    added: Counter[tuple[str, int, int, int]] = Counter()
    for record in records:
        after = (record.campaign_id, record.organisation_id, record.person_id)
        old = before.get((record.metric, record.source))
        if old != after:
            if old is not None:
                _tally_remove(record.metric, *old)
            added[(record.metric, *after)] += 1
    _tallies_add(added)
    schedule_targets_refresh(campaign_id=activity.campaign_id)
    return records


def metric_record_remove(*, activity: Activity, metric: str, source: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("metric records are written inside the kind's service transaction")
    records = MetricRecord.objects.select_for_update().filter(activity=activity, metric=metric, source=source)
    removed = list(records.values_list("campaign_id", "organisation_id", "person_id"))
    deleted, _counts = records.delete()
    for campaign_id, organisation_id, person_id in removed:
        _tally_remove(metric, campaign_id, organisation_id, person_id)
    if deleted:
        schedule_targets_refresh(campaign_id=activity.campaign_id)
    return deleted


def _tallies_add(added: Counter[tuple[str, int, int, int]]) -> None:
    """Count records in: {(metric, campaign, organisation, person): records}. One statement per table, so that
    concurrent puts for the same person add up instead of racing to create the row."""
    if not added:
        return
    person, org = MetricTally._meta.db_table, MetricOrgTally._meta.db_table
    per_person: Counter[tuple[int, str, int]] = Counter()
    for (metric, campaign_id, _organisation_id, person_id), n in added.items():
        per_person[(campaign_id, metric, person_id)] += n
    by_org = [(campaign_id, metric, organisation_id, person_id, n)
              for (metric, campaign_id, organisation_id, person_id), n in added.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {person} (campaign_id, metric, person_id, records) VALUES "  # noqa: S608 - model table
            f"{', '.join(['(%s, %s, %s, %s)'] * len(per_person))} ON CONFLICT (campaign_id, metric, person_id) "
            f"DO UPDATE SET records = {person}.records + excluded.records",
            [value for key, n in per_person.items() for value in (*key, n)])
        cursor.execute(
            f"INSERT INTO {org} (campaign_id, metric, organisation_id, person_id, records) VALUES "  # noqa: S608
            f"{', '.join(['(%s, %s, %s, %s, %s)'] * len(by_org))} "
            f"ON CONFLICT (campaign_id, metric, organisation_id, person_id) "
            f"DO UPDATE SET records = {org}.records + excluded.records",
            [value for row in by_org for value in row])


def _tally_remove(metric: str, campaign_id: int, organisation_id: int, person_id: int) -> None:
    for tally in (MetricTally.objects.filter(campaign_id=campaign_id, metric=metric, person_id=person_id),
                  MetricOrgTally.objects.filter(campaign_id=campaign_id, metric=metric, organisation_id=organisation_id,
                                                person_id=person_id)):
        # The last record's row goes, before the others' count down (which would bring them to one).
        tally.filter(records__lte=1).delete()
        tally.filter(records__gt=1).update(records=F("records") - 1)


@transaction.atomic
def metric_tallies_rebuild(*, actor: Any, campaign_id: int) -> int:
    """Recount the campaign's tallies from its records: after records were loaded in bulk, bypassing
    `metric_record_put`. Returns the number of per-person tallies."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    records = MetricRecord.objects.filter(campaign=campaign)
    models: tuple[tuple[type[MetricTally | MetricOrgTally], list[str]], ...] = (
        (MetricTally, ["metric", "person_id"]), (MetricOrgTally, ["metric", "organisation_id", "person_id"]))
    for model, key in models:
        model.objects.filter(campaign=campaign).delete()
        counts = records.values(*key).annotate(n=Count("id")).order_by().values_list(*key, "n")
        if connection.vendor == "postgresql":
            # On the server: a bulk-loaded campaign has a tally per person and metric, up to millions.
            query, params = counts.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(key)}, records, campaign_id) "  # noqa: S608
                               f"SELECT *, %s FROM ({query}) AS counts", [*params, campaign.pk])
        else:
            rows = [model(campaign=campaign, records=row[-1], **dict(zip(key, row, strict=False)))
                    for row in counts.iterator()]
            model.objects.bulk_create(rows, batch_size=5000)  # type: ignore[arg-type]
    total = MetricTally.objects.filter(campaign=campaign).count()
    if actor is not None:
        oplog.record(actor=actor, action="campaign.tallies_rebuild", obj=campaign, organisation=campaign.organiser,
                     after={"tallies": total}, summary=campaign.title)
    return total
