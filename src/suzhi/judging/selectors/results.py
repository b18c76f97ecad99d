"""Judging results: per category for organisers, and the published ones for the kind."""

import dataclasses
from decimal import Decimal
from typing import Any

from suzhi.judging.access import activity_managed
from suzhi.judging.models import Result, ResultSet


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
