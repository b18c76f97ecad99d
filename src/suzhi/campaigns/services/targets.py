"""Computing and storing a campaign's targets (目标任务).

After a kind writes metric records (`services.records`), a background task recomputes the campaign's targets
once the commit is done (one task at a time per campaign; asked for in the database, see suzhi.core.tasks). A
refresh writes only the values that changed and sets the time of computation on the targets. Pages show when the
values were computed and may ask for a refresh.
"""

import dataclasses
import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from suzhi.campaigns.metrics import OrgValue, ancestry, compute_target, org_nodes
from suzhi.campaigns.models import Campaign, Target, TargetValue
from suzhi.campaigns.tasks import TARGETS_REFRESH
from suzhi.core import oplog
from suzhi.core.tasks import refresh_ask, refresh_covered, refresh_done

_FIGURES = ("value", "numerator", "population", "measured", "met")
_BATCH = 900  # ids per DELETE on SQLite, whose older builds take at most 999 variables
# Past this share of the stored values changed or gone (and this many), a refresh deletes and rewrites them all: on
# PostgreSQL updating 40,000 rows in place took 0.4 s, deleting and copying them all 0.16 s, updating 4,000 (10%)
# 0.04 s. Below the count either way is quick, and the unchanged rows are better left alone.
_REWRITE_SHARE = 1 / 3
_REWRITE_MIN = 2000

Key = tuple[int, int]  # (target, organisation)
Figures = tuple[float, float, int, int, int]  # a stored value's _FIGURES, in that order


def schedule_targets_refresh(*, campaign_id: int) -> None:
    """Ask for a recomputation of the targets, in the caller's transaction: a mark in the database, whose task is
    queued after the commit; asks while one is open fold into it (suzhi.core.tasks.refresh_ask)."""
    refresh_ask(name=TARGETS_REFRESH, object_id=campaign_id)


def targets_follow_org_moves(moves: Any) -> None:
    """Organisations moved in the tree: every stored target value rolled up through them is out of date, so each
    campaign with targets asks for a recomputation, in the move's transaction (registered with
    `core.org_followers`; a few campaigns, one statement each)."""
    for campaign_id in Target.objects.order_by().values_list("campaign_id", flat=True).distinct():
        schedule_targets_refresh(campaign_id=campaign_id)


@transaction.atomic
def targets_refresh(*, actor: Any, campaign_id: int) -> datetime.datetime:
    """Compute every target of the campaign for every organisation and store the values (one grouped query
    per target, then only the values that changed are written). Organisations with nothing to show get no row,
    except the organiser. Every target of the campaign takes the time of the computation. The marks of the
    recomputation taken over before it started are deleted with the values stored."""
    # FOR NO KEY UPDATE: one refresh at a time per campaign, while the kinds' services go on inserting records
    # that reference the campaign (a plain FOR UPDATE would hold each of them until the refresh commits).
    campaign = Campaign.objects.select_related("organiser").select_for_update(no_key=True).get(pk=campaign_id)
    covered = refresh_covered(name=TARGETS_REFRESH, object_id=campaign.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The grouped queries hash up to a row per person: let them do it in memory rather than spill to
            # disk. JIT compilation costs more than it saves on queries of a second or two.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
    now = timezone.now()
    nodes = org_nodes(campaign)
    chains = ancestry(nodes)
    targets = list(campaign.targets.select_related("deadline").order_by("position"))
    computed: dict[Key, Figures] = {}
    for target in targets:
        values = compute_target(target, nodes, campaign.organiser.path, chains)
        values.setdefault(campaign.organiser_id, OrgValue())  # the campaign's row, zero or not
        for org_id, item in values.items():
            computed[(target.pk, org_id)] = (item.value(target.form), item.numerator, item.population, item.measured,
                                             item.met)
    _store_values(target_ids=[target.pk for target in targets], computed=computed)
    Target.objects.filter(campaign_id=campaign.pk).update(computed_at=now)
    refresh_done(covered)
    if actor is not None:
        oplog.record(actor=actor, action="campaign.targets_refresh", obj=campaign, organisation=campaign.organiser,
                     after={"targets": len(targets)}, summary=campaign.title)
    return now


@dataclasses.dataclass(frozen=True)
class Written:
    """How many stored values a refresh inserted, updated and deleted."""

    inserted: int
    updated: int
    deleted: int


def _store_values(*, target_ids: list[int], computed: dict[Key, Figures]) -> Written:
    """Make the stored values of these targets the computed ones, writing only the difference.

    A refresh follows a handful of new records, so most of the tens of thousands of values come out as they are
    stored: reading them all in one query and comparing costs a third of deleting and rewriting them all (on
    PostgreSQL, 40,000 values: 0.06 s against 0.16 s). The same computation gives the same doubles and the database
    keeps every digit, so equal means unchanged."""
    stored: dict[Key, tuple[int, Figures]] = {
        (target_id, org_id): (pk, (value, numerator, population, measured, met))
        for pk, target_id, org_id, value, numerator, population, measured, met
        # By the targets' ids: a range scan of the unique index, not a join to the targets.
        in TargetValue.objects.filter(target_id__in=target_ids).values_list(
            "pk", "target_id", "organisation_id", *_FIGURES)
    }
    deleted = [pk for key, (pk, _figures) in stored.items() if key not in computed]
    updated: list[tuple[int, Figures]] = []
    inserted: list[tuple[Key, Figures]] = []
    for key, figures in computed.items():
        found = stored.get(key)
        if found is None:
            inserted.append((key, figures))
        elif found[1] != figures:
            updated.append((found[0], figures))
    if len(updated) + len(deleted) > max(_REWRITE_MIN, len(stored) * _REWRITE_SHARE):
        # Most values changed (the first refresh after a large import, a plan's new thresholds): rewriting a row
        # in place costs more than deleting and inserting it, so past this share everything is written again.
        TargetValue.objects.filter(target_id__in=target_ids).delete()
        deleted, updated, inserted = [], [], list(computed.items())
        written = Written(inserted=len(inserted), updated=0, deleted=len(stored))
    else:
        written = Written(inserted=len(inserted), updated=len(updated), deleted=len(deleted))
    if connection.vendor == "postgresql":
        _write_postgresql(deleted, updated, inserted)
    else:
        _write_orm(deleted, updated, inserted)
    return written


def _write_orm(deleted: list[int], updated: list[tuple[int, Figures]], inserted: list[tuple[Key, Figures]]) -> None:
    """SQLite (a small installation): Django's bulk operations, which size their batches to SQLite's limit of
    variables (the deletes, batched here)."""
    for start in range(0, len(deleted), _BATCH):
        TargetValue.objects.filter(pk__in=deleted[start:start + _BATCH]).delete()
    TargetValue.objects.bulk_update([TargetValue(pk=pk, **dict(zip(_FIGURES, figures, strict=True)))
                                     for pk, figures in updated], _FIGURES)
    TargetValue.objects.bulk_create([TargetValue(target_id=target_id, organisation_id=org_id,
                                                 **dict(zip(_FIGURES, figures, strict=True)))
                                     for (target_id, org_id), figures in inserted])


def _write_postgresql(deleted: list[int], updated: list[tuple[int, Figures]],
                      inserted: list[tuple[Key, Figures]]) -> None:
    """One statement for each kind of write, whatever the number of rows: the ids and the new figures go as
    arrays (one parameter each, unnested on the server), the new rows by COPY."""
    table = TargetValue._meta.db_table
    with connection.cursor() as cursor:
        if deleted:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s::bigint[])", [deleted])  # noqa: S608 - model table
        if updated:
            columns = list(zip(*((pk, *figures) for pk, figures in updated), strict=True))
            cursor.execute(
                f"UPDATE {table} AS stored SET value = new.value, numerator = new.numerator, "  # noqa: S608 - model table
                "population = new.population, measured = new.measured, met = new.met "
                "FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::integer[], %s::integer[], %s::integer[]) "
                "AS new (id, value, numerator, population, measured, met) WHERE stored.id = new.id",
                [list(columns[0]), [float(v) for v in columns[1]], [float(v) for v in columns[2]],
                 list(columns[3]), list(columns[4]), list(columns[5])],
            )
    if inserted:
        _copy_values(inserted)


def _copy_values(rows: list[tuple[Key, Figures]]) -> None:
    """COPY instead of INSERT: the first refresh of a large campaign stores tens of thousands of values. The rows go
    as one block of text rather than row by row, which took longer than the server's part; repr() of a float
    reads back as the same double."""
    columns = "target_id, organisation_id, value, numerator, population, measured, met"
    sql = f"COPY {TargetValue._meta.db_table} ({columns}) FROM STDIN"
    text = "".join(f"{target_id}\t{org_id}\t{value!r}\t{numerator!r}\t{population}\t{measured}\t{met}\n"
                   for (target_id, org_id), (value, numerator, population, measured, met) in rows)
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(text)
