"""Judging results: per category for organisers, and the published ones for the kind."""

import dataclasses
from decimal import Decimal
from typing import Any

from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.models import Assignment, Entry, Result, ResultSet
from suzhi.judging.scoring import aggregate


@dataclasses.dataclass(frozen=True)
class CategoryResults:
    category: str
    rows: list[Result]


def results_by_category(user: Any, activity_id: Any) -> tuple[ResultSet | None, list[CategoryResults]]:
    activity = activity_managed(user, activity_id)
    result_set = ResultSet.objects.filter(activity=activity).select_related(
        "computed_by", "verified_by", "published_by").first()
    if result_set is None:
        return None, []
    groups: dict[str, list[Result]] = {}
    for row in result_set.results.select_related("entry__organisation").order_by("entry__category", "rank",
                                                                                  "entry_id"):
        groups.setdefault(row.entry.category, []).append(row)
    return result_set, [CategoryResults(category=c, rows=rows) for c, rows in groups.items()]


def published_results(activity: Any) -> dict[str, tuple[Decimal | None, int | None, str]]:
    """The published results by the kind's source key: (score, place within the category, category). Empty until
    the results are published. For the kind (decisions, awards), not scoped: the kind has scoped its caller."""
    rows = Result.objects.filter(result_set__activity=activity, result_set__state=ResultSet.State.PUBLISHED)
    return {source: (score, rank, category) for source, score, rank, category in rows.values_list(
        "entry__source", "aggregate", "rank", "entry__category")}


def combined_scores(activity: Any, *, category: str | None = None) -> dict[str, Decimal | None]:
    """Each active entry's submitted sheets combined by the plan's rule (mean, median, trimmed mean), by the
    kind's source key; None for an entry no judge has submitted yet. For a kind that keeps its own results on
    the way to publication (a competition's ranking, signed, verified and published per event): it reads the
    judges' combined scores here rather than the activity's one result set. Not scoped: the kind scoped its
    caller. Two queries."""
    rules = judging_settings(activity)
    entries = Entry.objects.filter(activity=activity, state=Entry.State.ACTIVE)
    if category is not None:
        entries = entries.filter(category=category)
    totals: dict[str, list[Decimal]] = {source: [] for source in entries.values_list("source", flat=True)}
    for source, total in Assignment.objects.filter(
            entry__in=entries, state=Assignment.State.SUBMITTED).values_list("entry__source", "total"):
        totals[source].append(total)
    return {source: aggregate(values, method=rules.aggregation, trim=rules.trim,
                              min_judges=rules.min_judges_for_trim) for source, values in totals.items()}
