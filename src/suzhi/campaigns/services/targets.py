"""Computing and storing a campaign's targets (目标任务).

After a kind writes metric records (`services.records`), a background task recomputes the campaign's targets
once the commit is done (one task at a time per campaign). Pages show when the values were computed and may ask
for a refresh.
"""

import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from suzhi.campaigns.metrics import OrgValue, ancestry, compute_target, org_nodes
from suzhi.campaigns.models import Campaign, TargetValue
from suzhi.core import oplog

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
    # FOR NO KEY UPDATE: one refresh at a time per campaign, while the kinds' services go on inserting records
    # that reference the campaign (a plain FOR UPDATE would hold each of them until the refresh commits).
    campaign = Campaign.objects.select_related("organiser").select_for_update(no_key=True).get(pk=campaign_id)
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            # The grouped queries hash up to a row per person: let them do it in memory rather than spill to
            # disk. JIT compilation costs more than it saves on queries of a second or two.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
    now = timezone.now()
    nodes = org_nodes(campaign)
    chains = ancestry(nodes)
    targets = list(campaign.targets.select_related("deadline").order_by("position"))
    rows = []
    for target in targets:
        values = compute_target(target, nodes, campaign.organiser.path, chains)
        values.setdefault(campaign.organiser_id, OrgValue())  # the campaign's row, zero or not
        for org_id, item in values.items():
            rows.append((target.pk, org_id, item.value(target.form), item.numerator, item.population, item.measured,
                         item.met))
    # By the targets' ids: a plain delete on the unique index, not a join to the targets.
    TargetValue.objects.filter(target_id__in=[target.pk for target in targets]).delete()
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
    """COPY instead of INSERT: a large campaign stores tens of thousands of values on every refresh. The rows go
    as one block of text rather than row by row, which took longer than the server's part; repr() of a float
    reads back as the same double."""
    columns = "target_id, organisation_id, value, numerator, population, measured, met, computed_at"
    sql = f"COPY {TargetValue._meta.db_table} ({columns}) FROM STDIN"
    stamp = f"\t{now.isoformat()}\n"
    text = "".join(f"{target_id}\t{org_id}\t{value!r}\t{numerator!r}\t{population}\t{measured}\t{met}{stamp}"
                   for target_id, org_id, value, numerator, population, measured, met in rows)
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(text)
