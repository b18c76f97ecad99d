"""The campaign dashboard (进度看板): each target at one organisation, its children for drill-down, the
lagging units and the progress over time. A fixed number of queries whatever the size of the tree; the
values are the stored ones (`TargetValue`), with the time their target was computed (`Target.computed_at`)."""

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Min, Sum

from suzhi.campaigns import kinds
from suzhi.campaigns.kinds import Aggregate
from suzhi.campaigns.metrics import records_for
from suzhi.campaigns.models import Campaign, Target, TargetValue
from suzhi.campaigns.selectors.campaigns import VIEW
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation

LAGGING_LIMIT = 50


@dataclasses.dataclass
class Cell:
    """A target at one organisation; `computed_at` is the target's (an organisation without a stored value has
    nothing to show as of that time)."""

    value: float = 0
    numerator: float = 0
    population: int = 0
    measured: int = 0
    met: int = 0
    computed_at: datetime.datetime | None = None

    @classmethod
    def of(cls, row: TargetValue | None, target: Target) -> "Cell":
        if row is None:
            return cls(computed_at=target.computed_at)
        return cls(row.value, row.numerator, row.population, row.measured, row.met, target.computed_at)


@dataclasses.dataclass
class TargetRow:
    target: Target
    cell: Cell
    unit: str
    # coverage and percentage: how many of the organisations directly below (with people in scope) reach it
    children_met: int = 0
    children_counted: int = 0

    @property
    def per_cent(self) -> float:
        """Progress towards the threshold, capped at 100 (per_org: the share of organisations meeting it)."""
        if self.target.form == "per_org":
            return round(100.0 * self.cell.met / self.cell.measured, 1) if self.cell.measured else 0.0
        return min(100.0, round(100.0 * self.cell.value / self.target.threshold, 1))

    @property
    def reached(self) -> bool:
        if self.target.form == "per_org":
            return self.cell.measured > 0 and self.cell.met == self.cell.measured
        return self.cell.value >= self.target.threshold


@dataclasses.dataclass
class Dashboard:
    campaign: Campaign
    focus: Organisation
    breadcrumbs: list[Organisation]
    rows: list[TargetRow]
    children: list[tuple[Organisation, list[Cell]]]
    lagging: list[tuple[Target, Organisation, Cell]]
    computed_at: datetime.datetime | None


def focus_for(*, user: Any, campaign: Campaign, org_id: Any = None) -> Organisation:
    """The organisation the dashboard shows: the one asked for, else the highest one the viewer oversees in
    the campaign's tree. Outside their scope or the campaign's tree: NotFound."""
    tree = Organisation.objects.filter(path__startswith=campaign.organiser.path)
    if org_id not in (None, ""):
        return scope.get_in_scope(tree, user, VIEW, pk=org_id, org_field="")
    found = scope.filter_queryset(tree, user, VIEW, org_field="").order_by("depth", "path").first()
    if found is None:
        raise NotFound()
    return found


def _unit(target: Target) -> str:
    if target.form in ("coverage", "percentage"):
        return "%"
    metric = kinds.metric(target.metric)
    return str(metric.unit) if metric else ""


def dashboard_get(*, user: Any, campaign: Campaign, org_id: Any = None) -> Dashboard:
    focus = focus_for(user=user, campaign=campaign, org_id=org_id)
    targets = list(campaign.targets.select_related("deadline").order_by("position"))
    children = list(Organisation.objects.filter(path__startswith=focus.path, depth=focus.depth + 1)
                    .order_by("path"))
    wanted = [focus.pk, *(c.pk for c in children)]
    stored: dict[tuple[int, int], TargetValue] = {
        (row.target_id, row.organisation_id): row
        for row in TargetValue.objects.filter(target__campaign=campaign, organisation_id__in=wanted)
    }
    rows = [TargetRow(t, Cell.of(stored.get((t.pk, focus.pk)), t), _unit(t)) for t in targets]
    child_rows = [(child, [Cell.of(stored.get((t.pk, child.pk)), t) for t in targets]) for child in children]
    for index, row in enumerate(rows):
        if row.target.form in ("coverage", "percentage"):
            counted = [cells[index] for _child, cells in child_rows if cells[index].population]
            row.children_counted = len(counted)
            row.children_met = sum(1 for cell in counted if cell.value >= row.target.threshold)
    top = Organisation.objects.filter(path__startswith=campaign.organiser.path)
    ancestors = [focus.path[:end] for end in range(Organisation.steplen, len(focus.path) + 1, Organisation.steplen)]
    visible = scope.filter_queryset(top.filter(path__in=ancestors), user, VIEW, org_field="")
    breadcrumbs = list(visible.order_by("depth"))
    # The targets already read carry the time (no join to them from the values); a target added to the plan since
    # the last refresh has none yet.
    computed = [t.computed_at for t in targets if t.computed_at is not None]
    return Dashboard(
        campaign=campaign, focus=focus, breadcrumbs=breadcrumbs, rows=rows, children=child_rows,
        lagging=_lagging(campaign, focus, targets), computed_at=max(computed) if computed else None,
    )


def _lagging(campaign: Campaign, focus: Organisation, targets: list[Target]) -> list[tuple[Target, Organisation, Cell]]:
    """Units below the threshold: for per_org targets the organisations measured, for coverage and
    percentage the lowest-level organisations with people in scope. Two queries in all."""
    per_org = [t for t in targets if t.form == "per_org"]
    shares = [t for t in targets if t.form in ("coverage", "percentage")]
    if not per_org and not shares:
        return []
    subtree = Organisation.objects.filter(path__startswith=focus.path)
    types = {code for t in per_org for code in t.per_org_types}
    measured = list(subtree.filter(org_type__code__in=types).select_related("org_type")) if types else []
    values = {
        (row.target_id, row.organisation_id): row
        for row in TargetValue.objects.filter(target__in=targets, organisation__path__startswith=focus.path)
        .select_related("organisation")
    }
    result: list[tuple[Target, Organisation, Cell]] = []
    for target in per_org:
        for org in measured:
            if org.org_type is None or org.org_type.code not in target.per_org_types:
                continue
            row = values.get((target.pk, org.pk))
            if row is None or row.value < target.threshold:
                result.append((target, org, Cell.of(row, target)))
    for target in shares:
        for (target_id, _org_id), row in values.items():
            if target_id == target.pk and row.population and row.organisation.numchild == 0 \
                    and row.value < target.threshold:
                result.append((target, row.organisation, Cell.of(row, target)))
    result.sort(key=lambda item: (item[0].position, item[2].value, item[1].name))
    return result[:LAGGING_LIMIT]


def progress_over_time(*, target: Target, focus: Organisation) -> list[tuple[datetime.date, float]]:
    """The metric accumulated day by day within the focus organisation's subtree (one grouped query).
    For a people metric each person counts on the day of their first record."""
    metric = kinds.metric(target.metric)
    records = records_for(target).filter(organisation__path__startswith=focus.path)
    if metric is not None and metric.aggregate == Aggregate.PEOPLE:
        firsts = records.values("person_id").annotate(day=Min("occurred_on")).values_list("day", flat=True)
        daily: dict[datetime.date, float] = defaultdict(float)
        for day in firsts:
            daily[day] += 1
    elif metric is not None and metric.aggregate == Aggregate.SUM:
        daily = {day: float(n or 0) for day, n in records.values("occurred_on").annotate(n=Sum("quantity"))
                 .values_list("occurred_on", "n")}
    else:
        daily = {day: float(n) for day, n in records.values("occurred_on").annotate(n=Count("id"))
                 .values_list("occurred_on", "n")}
    total, series = 0.0, []
    for day in sorted(daily):
        total += daily[day]
        series.append((day, total))
    return series
