"""Storing computed targets and the metric records kinds report.

Kinds call `metric_record_put` / `metric_record_remove` inside their own service's transaction; after the
commit a background task recomputes the campaign's targets (one task at a time per campaign). Pages show
each value's computation time and may ask for a refresh.
"""

import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns import kinds
from suzhi.campaigns.metrics import OrgValue, compute_target, org_nodes
from suzhi.campaigns.models import Activity, Campaign, MetricRecord, TargetValue
from suzhi.core import oplog
from suzhi.core.errors import ValidationFailed

_DIRTY = "suzhi:targets-queued:{}"


def schedule_targets_refresh(*, campaign_id: int) -> None:
    """Queue one recomputation after the commit; further requests while it is queued are folded into it."""

    def enqueue() -> None:
        if cache.add(_DIRTY.format(campaign_id), 1, timeout=300):
            from suzhi.campaigns.tasks import refresh_campaign_targets

            refresh_campaign_targets.enqueue(campaign_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def targets_refresh(*, actor: Any, campaign_id: int) -> datetime.datetime:
    """Compute every target of the campaign for every organisation and store the values (one grouped query
    per target, a bulk write). Organisations with nothing to show get no row, except the organiser."""
    cache.delete(_DIRTY.format(campaign_id))
    campaign = Campaign.objects.select_related("organiser").select_for_update().get(pk=campaign_id)
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            # The grouped queries hash up to a row per person: let them do it in memory rather than spill to
            # disk. JIT compilation costs more than it saves on queries of a second or two.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
    now = timezone.now()
    nodes = org_nodes(campaign)
    targets = list(campaign.targets.select_related("deadline").order_by("position"))
    rows = []
    for target in targets:
        values = compute_target(target, nodes, campaign.organiser.path)
        values.setdefault(campaign.organiser_id, OrgValue())  # the campaign's row, zero or not
        for org_id, item in values.items():
            rows.append((target.pk, org_id, item.value(target.form), item.numerator, item.population, item.measured,
                         item.met))
    TargetValue.objects.filter(target__campaign=campaign).delete()
    if postgres:
        _copy_values(rows, now)
    else:
        TargetValue.objects.bulk_create([TargetValue(
            target_id=target_id, organisation_id=org_id, value=value, numerator=numerator, population=population,
            measured=measured, met=met, computed_at=now,
        ) for target_id, org_id, value, numerator, population, measured, met in rows], batch_size=2000)
    if actor is not None:
        oplog.record(actor=actor, action="campaign.targets_refresh", obj=campaign, organisation=campaign.organiser,
                     after={"targets": len(targets)}, summary=campaign.title)
    return now


def _copy_values(rows: list[tuple[Any, ...]], now: datetime.datetime) -> None:
    """COPY instead of INSERT: a large campaign stores tens of thousands of values on every refresh."""
    columns = "target_id, organisation_id, value, numerator, population, measured, met, computed_at"
    sql = f"COPY {TargetValue._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, now))


def metric_record_put(*, activity: Activity, metric: str, person: Any, source: str, occurred_on: datetime.date,
                      quantity: float = 1) -> MetricRecord:
    """Record (or replace) one fact for a metric of the activity's kind, credited to the person's organisation.
    Called by a kind's service, inside its transaction and after its own checks and log row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("metric records are written inside the kind's service transaction")
    definition = kinds.metric(metric)
    if definition is None or definition.source or not metric.startswith(f"{activity.kind}."):
        raise ValidationFailed(_("The activity “%(activity)s” does not provide the metric “%(metric)s”.")
                               % {"activity": activity.title, "metric": metric})
    record, _created = MetricRecord.objects.update_or_create(
        metric=metric, source=source,
        defaults={"campaign_id": activity.campaign_id, "activity": activity, "person": person,
                  "organisation_id": person.organisation_id, "quantity": quantity, "occurred_on": occurred_on},
    )
    schedule_targets_refresh(campaign_id=activity.campaign_id)
    return record


def metric_record_remove(*, activity: Activity, metric: str, source: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("metric records are written inside the kind's service transaction")
    deleted, _counts = MetricRecord.objects.filter(activity=activity, metric=metric, source=source).delete()
    if deleted:
        schedule_targets_refresh(campaign_id=activity.campaign_id)
    return deleted
