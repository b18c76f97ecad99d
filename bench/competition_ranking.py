"""(ranking) Ranking one event of a competition round from the judges' raw scores against one ORDER BY over the
same score rows. Run by bench/competitions.py; it can run alone too:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/suzhi_bench .venv/bin/python bench/competition_ranking.py

50,000 contestants of one event over 2,000 units, theory (30%) and time measured, the practical (70%) scored by
5 judges each (250,000 submitted sheets), combined by a trimmed mean (the highest and the lowest dropped), places
by the total then 实操 → 理论 → 用时, the top 10 of each town's preliminary advancing. The contestants, sheets and
measures are written straight into the tables; `ranking_compute` then reads them, ranks and writes 50,000
standings. The bench checks the places against an independent ORDER BY in Python.
"""

import sys

_here = sys.path.pop(0)  # bench/collections.py would shadow the standard library's collections
sys.path.append(_here)

import argparse  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from targets import Loader, best_of, build_people, build_tree, setup_django  # noqa: E402

RUBRIC = [{"key": "skill", "label": "操作", "weight": 100, "max_score": 100}]
SETTINGS: dict[str, Any] = {
    "events": [{"key": "computer", "title": "计算机操作", "components": [
        {"key": "theory", "label": "理论", "source": "measured", "weight": 30},
        {"key": "practical", "label": "实操", "source": "judging", "weight": 70},
        {"key": "time", "label": "用时", "source": "measured", "better": "lower"}],
        "tie_break": ["practical", "theory", "time"]}],
    "rounds": [{"key": "prelim", "title": "初赛", "groups_by": ["town_federation"], "advance": {"top": 10}},
               {"key": "final", "title": "决赛"}],
    "judging": {"rubric": RUBRIC, "judges_per_entry": 5, "aggregation": "trimmed", "trim": 1,
                "min_judges_for_trim": 5},
}


def build(loader: Loader, contestants: int, units: int, judges: int, env: dict[str, Any] | None = None) -> Any:
    """The tree (unless `env` brings one: bench/competitions.py), the people, the competition with its contestants
    drawn, 5 submitted sheets each, the measures."""
    from django.db import connection, transaction
    from django.utils import timezone

    from suzhi.campaigns.models import Activity, Campaign
    from suzhi.competitions.models import Draw
    from suzhi.core.models import Organisation, User

    now = timezone.now().isoformat()
    rng = random.Random(11)
    with transaction.atomic():
        unit_ids = env["unit_ids"] if env else build_tree(loader, units, now)[0]
        person_org, _categories = build_people(loader, contestants, unit_ids, now)
    with connection.cursor() as cursor:
        if loader.postgres:
            for table in ("core_organisation", "people_person"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    root = Organisation.objects.get(depth=1)
    admin = env["admin"] if env else User.objects.create_superuser(username="bench", password="x")  # noqa: S106
    campaign = Campaign.objects.create(code="bench-contest", title="基准技能比赛", year=2024, organiser=root)
    activity = Activity.objects.create(campaign=campaign, key="contest", kind="competition", title="全市职工技能大赛",
                                       organiser=root, settings=SETTINGS)
    judge_users = User.objects.bulk_create([User(username=f"judge{i}", full_name=f"评委{i}", organisation=root)
                                            for i in range(judges)])
    with transaction.atomic():
        loader.load("competitions_contestant", [
            "id", "activity_id", "event", "round", "person_id", "organisation_id", "official", "number", "state",
            "registered_by_id", "registered_at"],
            ((i, activity.pk, "computer", "prelim", i, person_org[i - 1], i % 50 != 0, i, "registered", admin.pk, now)
             for i in range(1, contestants + 1)))
        Draw.objects.create(activity=activity, event="computer", round="prelim", seed="bench", order=[],
                            drawn_by=admin)
        loader.load("judging_entry", [
            "id", "activity_id", "source", "title", "category", "organisation_id", "author_ids", "blind_label",
            "state", "created_at"],
            ((i, activity.pk, f"contestant:{i}", f"参赛号{i}", "computer", person_org[i - 1], "[]", f"B-{i:06d}",
              "active", now) for i in range(1, contestants + 1)))
        # Scores on a coarse scale, so that totals tie and the chain decides
        loader.load("judging_assignment", ["id", "entry_id", "judge_id", "state", "total", "submitted_at",
                                           "created_at"],
                    ((i * 5 + j, i, judge_users[(i + j) % judges].pk, "submitted", rng.randint(12, 20) * 5, now,
                      now) for i in range(1, contestants + 1) for j in range(5)))
        loader.load("competitions_measure", ["contestant_id", "component", "value", "entered_by_id", "entered_at"],
                    ((i, key, value, admin.pk, now) for i in range(1, contestants + 1)
                     for key, value in (("theory", rng.randint(60, 100)), ("time", rng.randint(20, 60)))))
    with connection.cursor() as cursor:
        if loader.postgres:
            for table in ("competitions_contestant", "judging_entry", "judging_assignment", "competitions_measure"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("VACUUM ANALYZE" if loader.postgres else "ANALYZE")
    return activity, admin


def independent_places(connection: Any, activity_id: int) -> dict[int, int]:
    """Places of the officials in each town, by one ORDER BY in SQL over what ranking_compute read, and a count."""
    rows = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT e.source, a.total FROM judging_assignment a JOIN judging_entry e ON e.id = a.entry_id "
                       "WHERE e.activity_id = %s AND a.state = 'submitted'", [activity_id])
        sheets: dict[int, list[Decimal]] = {}
        for source, total in cursor.fetchall():
            sheets.setdefault(int(source.split(":")[1]), []).append(Decimal(total))
        cursor.execute("SELECT c.id, c.official, o.path, "
                       "MAX(CASE WHEN m.component = 'theory' THEN m.value END), "
                       "MAX(CASE WHEN m.component = 'time' THEN m.value END) "
                       "FROM competitions_contestant c JOIN core_organisation o ON o.id = c.organisation_id "
                       "JOIN competitions_measure m ON m.contestant_id = c.id WHERE c.activity_id = %s "
                       "GROUP BY c.id, c.official, o.path", [activity_id])
        for cid, official, path, theory, spent in cursor.fetchall():
            kept = sorted(sheets[cid])[1:-1]
            practical = (sum(kept) / len(kept)).quantize(Decimal("0.0001"))
            total = (Decimal(theory) * 30 / 100 + practical * 70 / 100).quantize(Decimal("0.0001"))
            rows.append((path[:8], official, (-total, -practical, -Decimal(theory), Decimal(spent)), cid))
    places: dict[int, int] = {}
    for town in {r[0] for r in rows}:
        ranked = sorted((r for r in rows if r[0] == town and r[1]), key=lambda r: r[2])
        for index, row in enumerate(ranked):
            better = next(i for i, other in enumerate(ranked) if other[2] == row[2])
            places[row[3]] = better + 1 if better < index else index + 1
    return places


def run(args: argparse.Namespace, env: dict[str, Any] | None = None) -> None:
    from django.db import connection

    from suzhi.competitions.models import Ranking, Standing
    from suzhi.competitions.services.rankings import ranking_compute

    loader = Loader()
    started = time.perf_counter()
    activity, admin = build(loader, args.contestants, args.units, args.judges, env)
    print(f"built {args.contestants} contestants, {args.contestants * 5} submitted sheets, {args.contestants * 2} "
          f"measures in {time.perf_counter() - started:.1f} s")

    def order_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT a.entry_id, a.total FROM judging_assignment a ORDER BY a.total DESC, a.entry_id")
            assert len(cursor.fetchall()) == args.contestants * 5

    def clear() -> None:
        Ranking.objects.filter(activity=activity).delete()
        if loader.postgres:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM competitions_standing")

    def compute() -> None:
        ranking_compute(actor=admin, activity_id=activity.pk, event="computer", round_="prelim")

    base = best_of(args.repeat, order_by)
    took = best_of(args.repeat, compute, before=clear)
    computed = dict(Standing.objects.filter(ranking__activity=activity, position__isnull=False)
                    .values_list("contestant_id", "position"))
    assert computed == independent_places(connection, activity.pk), "the places differ from the independent count"
    advancing = Standing.objects.filter(ranking__activity=activity, advances=True).count()
    print(f"checked: {len(computed)} officials placed as an independent ORDER BY places them; {advancing} advance")
    print(f"(a) ORDER BY over the {args.contestants * 5} score rows: {base:8.3f} s")
    print(f"(b) ranking the event and choosing who advances: {took:8.3f} s")
    print(f"ranking b/a = {took / base:.2f} (goal <= 3)")


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contestants", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=2_000, help="organisations in the tree")
    parser.add_argument("--judges", type=int, default=60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parsed = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(parsed)
