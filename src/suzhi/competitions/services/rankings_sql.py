"""An event's ranking computed and written by PostgreSQL in one statement: the rule of ranking.py (weighted total to
four places, the tie-break chain, shared positions 1-2-2-4 among the officials of each preliminary, 列名参赛 and
incomplete results listed without a place, advancement by top N, per cent or score line with ties shared or kept
back) over the measured values and the judges' trimmed or plain means, without carrying 50,000 contestants through
Python (bench/competition_ranking.py). tests/competitions/test_ranking_sql.py checks it against ranking.py."""

from typing import Any

from django.db import connection

from suzhi.competitions.models import Contestant, Measure, Ranking, Standing
from suzhi.competitions.ranking import Advancement
from suzhi.competitions.settings import Event
from suzhi.judging.selectors.results import combined_scores_sql

SOURCE_PREFIX = "contestant:"


def _judged(activity: Any, event: Event) -> tuple[str, list[Any]]:
    """The judges' combined score of each contestant: (contestant id, score) rows as SQL, with its parameters."""
    sql, params = combined_scores_sql(activity, category=event.key)
    return (f"SELECT CAST(substr(source, %s) AS bigint) AS contestant_id, score FROM ({sql}) combined",  # noqa: S608
            [len(SOURCE_PREFIX) + 1, *params])


def _order(column: str, better: str) -> str:
    return f"{column} {'DESC' if better == 'higher' else 'ASC'} NULLS LAST"


def standings_in_database(ranking: Ranking, event: Event, rule: Advancement | None,
                          groups: dict[int, int]) -> tuple[int, int, int]:
    """Write the ranking's standings; (contestants, placed, advancing)."""
    activity = ranking.activity
    components = event.components
    columns = [f"k{index}" for index in range(len(components))]
    params: list[Any] = []
    # The measured values as one row per contestant (a column per component)
    pivot = ", ".join(f"MAX(value) FILTER (WHERE component = %s) AS {col}" for col in columns)
    params += [c.key for c in components]
    judged_sql, judged_params = _judged(activity, event) if any(c.source == "judging" for c in components) \
        else ("SELECT NULL::bigint AS contestant_id, NULL::numeric AS score WHERE false", [])
    # A judged component takes an appeal's correction (a measure) before the judges' score
    values = ", ".join(
        f"COALESCE(m.{col}, j.score) AS {col}" if c.source == "judging" else f"m.{col} AS {col}"
        for col, c in zip(columns, components, strict=True))
    weighted = [(col, c.weight) for col, c in zip(columns, components, strict=True) if c.weight > 0]
    total = ("CASE WHEN " + " OR ".join(f"{col} IS NULL" for col, _w in weighted) + " THEN NULL ELSE ROUND("
             + " + ".join(f"{col} * CAST(%s AS numeric) / 100" for col, _w in weighted) + ", 4) END")
    total_params = [str(w) for _col, w in weighted]
    by_key = {c.key: (col, c.better) for col, c in zip(columns, components, strict=True)}
    chain = [_order("total", "higher")] + [_order(*by_key[key]) for key in event.tie_break if key in by_key]
    ranked = ", ".join(chain)
    json = "jsonb_build_object(" + ", ".join(f"%s, {col}::text" for col in columns) + ")"
    json_params = [c.key for c in components]
    advancing, advance_params = _advancing_sql(rule)
    sql = (
        "WITH c AS ("  # noqa: S608 - table names from the models; every value a parameter
        f" SELECT c.id, c.official, g.grp FROM {Contestant._meta.db_table} c"
        " LEFT JOIN unnest(%s::bigint[], %s::bigint[]) AS g (org, grp) ON g.org = c.organisation_id"
        " WHERE c.activity_id = %s AND c.event = %s AND c.round = %s AND c.state = %s),"
        f" m AS (SELECT mm.contestant_id, {pivot} FROM {Measure._meta.db_table} mm"
        f" JOIN {Contestant._meta.db_table} cc ON cc.id = mm.contestant_id"
        " WHERE cc.activity_id = %s AND cc.event = %s AND cc.round = %s GROUP BY mm.contestant_id),"
        f" j AS ({judged_sql}),"
        f" v AS (SELECT c.id, c.official, c.grp, {values} FROM c"
        " LEFT JOIN m ON m.contestant_id = c.id LEFT JOIN j ON j.contestant_id = c.id),"
        f" t AS (SELECT v.*, {total} AS total FROM v),"
        f" placed AS (SELECT id, RANK() OVER (PARTITION BY grp ORDER BY {ranked}) AS position,"
        "  COUNT(*) OVER (PARTITION BY grp) AS officials FROM t WHERE official AND total IS NOT NULL),"
        " tied AS (SELECT id, position, officials, COUNT(*) OVER (PARTITION BY p.grp, position) AS ties"
        "  FROM placed JOIN t p USING (id))"
        f" INSERT INTO {Standing._meta.db_table} (ranking_id, contestant_id, total, position, \"order\", group_id,"
        " advances, \"values\")"
        f" SELECT %s, t.id, t.total, tied.position, ROW_NUMBER() OVER (ORDER BY {ranked}, t.id), t.grp,"
        f" {advancing}, {json}"
        " FROM t LEFT JOIN tied ON tied.id = t.id")
    params = [list(groups), list(groups.values()), activity.pk, event.key, ranking.round,
              Contestant.State.REGISTERED.value, *params, activity.pk, event.key, ranking.round,
              *judged_params, *total_params, ranking.pk,
              *advance_params, *json_params]
    with connection.cursor() as cursor:
        # For this transaction only: the statement sorts the sheets and the contestants a few times over, in
        # memory rather than on disk (PostgreSQL's default is 4 MB a sort); and the planner, which cannot estimate
        # the rows of joined CTEs, would spend a second compiling it (JIT) to save milliseconds.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        cursor.execute(f"SELECT COUNT(*), COUNT(position), COUNT(*) FILTER (WHERE advances)"  # noqa: S608
                       f" FROM {Standing._meta.db_table} WHERE ranking_id = %s", [ranking.pk])
        contestants, placed, going = cursor.fetchone()
    return contestants, placed, going


def _advancing_sql(rule: Advancement | None) -> tuple[str, list[Any]]:
    """Whether a standing advances (the officials placed), per preliminary: ranking.advancing's rule."""
    if rule is None:
        return "false", []
    if rule.score_line is not None:
        return "(tied.position IS NOT NULL AND t.total >= CAST(%s AS numeric))", [str(rule.score_line)]
    limit = "%s" if rule.top is not None else "FLOOR(tied.officials * CAST(%s AS numeric) / 100)"
    value = rule.top if rule.top is not None else str(rule.percent)
    if rule.ties == "exclude":
        return (f"(tied.position IS NOT NULL AND tied.position + tied.ties - 1 <= {limit})", [value])
    return f"(tied.position IS NOT NULL AND tied.position <= {limit})", [value]
