"""Judging results: per category for organisers, and the published ones for the kind."""

import dataclasses
from decimal import Decimal
from typing import Any

from django.db import connection

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
    caller. Two queries.

    On PostgreSQL the mean and the trimmed mean are taken in the database (a window numbers each entry's sheets in
    order of their totals; the first and the last `trim` are left out when enough judges scored; combined_scores_sql),
    the exact numeric average rounded as `scoring.aggregate` rounds: the same figures without carrying every sheet
    into Python (tests/judging/test_combined_scores.py compares the two)."""
    rules = judging_settings(activity)
    entries = Entry.objects.filter(activity=activity, state=Entry.State.ACTIVE)
    if category is not None:
        entries = entries.filter(category=category)
    sources = dict(entries.values_list("pk", "source"))
    combined: dict[str, Decimal | None] = dict.fromkeys(sources.values())
    if connection.vendor == "postgresql" and rules.aggregation in SQL_AGGREGATIONS:
        sql, params = combined_scores_sql(activity, category=category)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            combined.update(cursor.fetchall())
        return combined
    totals: dict[int, list[Decimal]] = {pk: [] for pk in sources}
    for entry_id, total in Assignment.objects.filter(
            entry__in=entries, state=Assignment.State.SUBMITTED).values_list("entry_id", "total"):
        totals[entry_id].append(total)
    for entry_id, values in totals.items():
        combined[sources[entry_id]] = aggregate(values, method=rules.aggregation, trim=rules.trim,
                                                min_judges=rules.min_judges_for_trim)
    return combined


SQL_AGGREGATIONS = ("mean", "trimmed")  # what combined_scores_sql computes; the median is taken in Python


def combined_scores_sql(activity: Any, *, category: str | None = None) -> tuple[str, list[Any]]:
    """PostgreSQL: the query of each active entry's combined score, columns (source, score), the score to four
    places (ROUND, halves away from zero: as round_score for scores, which are never negative), with its
    parameters. For the plan's mean or trimmed mean only (SQL_AGGREGATIONS). A kind may use it as a subquery (a
    competition ranks its contestants in one statement)."""
    rules = judging_settings(activity)
    trim = rules.trim if rules.aggregation == "trimmed" else 0
    # Only the models' own table names are put into the text; every value is a parameter.
    sql = (
        f"SELECT source, ROUND(AVG(total), 4) AS score FROM ("  # noqa: S608
        f" SELECT e.source, a.total,"
        f"  ROW_NUMBER() OVER (PARTITION BY a.entry_id ORDER BY a.total) AS low,"
        f"  COUNT(*) OVER (PARTITION BY a.entry_id) AS judges"
        f" FROM {Assignment._meta.db_table} a JOIN {Entry._meta.db_table} e ON e.id = a.entry_id"
        f" WHERE e.activity_id = %s AND e.state = %s AND (%s::text IS NULL OR e.category = %s) AND a.state = %s)"
        f" sheets WHERE %s = 0 OR judges < %s OR judges <= 2 * %s OR (low > %s AND low <= judges - %s)"
        f" GROUP BY source")
    params = [activity.pk, Entry.State.ACTIVE.value, category, category, Assignment.State.SUBMITTED.value,
              trim, rules.min_judges_for_trim, trim, trim, trim]
    return sql, params
