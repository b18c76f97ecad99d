"""Expert judging against its baselines, on the finalists of a collection: (assignment) automatic assignment of
judges with conflicts from the organisation tree against reading the entries and the judges with their
organisation paths; (results) the results of every finalist (weighted totals combined by a trimmed mean, places
per category) against one GROUP BY over the score rows.

The issue's full size is 100,000 submissions over 10,000 units; judging sees only the finalists: 20,000 entries,
500 judges, 5 criteria, 3 judges per entry. The tree comes from bench/targets.py; the entries are handed over with
`entries_put` (as the collection kind does), the panel set with `panel_set`, the judges spread over the units (one
in ten at a sub-federation, whose whole subtree is then out of bounds for them), each entry nominated by its
sub-federation, 1,000 declared conflicts. The assignment is checked: no pair conflicts, every entry has its judges,
every load is within one entry of the mean. Scores are then written straight into the tables (5 per sheet, sheets
submitted with their weighted totals). Each timing is the best of --repeat.

    .venv/bin/python bench/collections.py --entries 2000 --judges 100 --units 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/suzhi_bench .venv/bin/python bench/collections.py
"""

import sys

# This file is named after the area, and Python puts its folder first on the path: the standard library's
# `collections` would be shadowed by it. Its folder goes to the end instead (for bench/targets.py).
_here = sys.path.pop(0)
sys.path.append(_here)

import argparse  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

from targets import Loader, best_of, build_tree, setup_django  # noqa: E402

CATEGORIES = ["技术革新", "节能降耗", "安全生产", "管理创新", "质量提升"]
RUBRIC = [
    {"key": "tech", "label": "技术水平", "weight": 30, "max_score": 100},
    {"key": "benefit", "label": "经济效益", "weight": 30, "max_score": 100},
    {"key": "scope", "label": "应用范围", "weight": 20, "max_score": 100},
    {"key": "use", "label": "实用性", "weight": 10, "max_score": 100},
    {"key": "novelty", "label": "创新性", "weight": 10, "max_score": 100},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--judges", type=int, default=500)
    parser.add_argument("--units", type=int, default=10_000, help="organisations in the tree")
    parser.add_argument("--per-entry", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        setup_django(Path(tmp_dir))
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.utils import timezone

        from suzhi.campaigns.models import Activity, Campaign
        from suzhi.core.models import Organisation, Role, RoleAssignment, User
        from suzhi.judging.access import judging_settings
        from suzhi.judging.graph import planned_pairs
        from suzhi.judging.models import Assignment, DeclaredConflict, Entry
        from suzhi.judging.scoring import sheet_total
        from suzhi.judging.services.assignments import assignment_auto
        from suzhi.judging.services.entries import EntryIn, entries_put, panel_set
        from suzhi.judging.services.results import results_compute

        call_command("migrate", verbosity=0)
        loader = Loader()
        rng = random.Random(7)
        started = time.perf_counter()
        with transaction.atomic():
            unit_ids, _stations = build_tree(loader, args.units, timezone.now().isoformat())
        if loader.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence('core_organisation', 'id'), "
                               "(SELECT max(id) FROM core_organisation))")
        paths = dict(Organisation.objects.values_list("pk", "path"))
        by_path = {path: pk for pk, path in paths.items()}
        parent_of = {pk: by_path[paths[pk][:-4]] for pk in unit_ids}
        admin = User.objects.create_superuser(username="bench", password="x")  # noqa: S106
        root = Organisation.objects.get(depth=1)
        campaign = Campaign.objects.create(code="bench-judging", title="基准评审", year=2024, organiser=root)
        activity = Activity.objects.create(
            campaign=campaign, key="suggestions", kind="collection", title="合理化建议征集", organiser=root,
            settings={"judging": {"rubric": RUBRIC, "judges_per_entry": args.per_entry, "aggregation": "trimmed",
                                  "trim": 1, "min_judges_for_trim": 3}})
        judge_role = Role.objects.get(code="judge")
        judges = []
        for index in range(args.judges):
            unit = rng.choice(unit_ids)
            org = parent_of[unit] if index % 10 == 0 else unit  # one in ten at a sub-federation
            judges.append(User(username=f"judge{index}", full_name=f"评委{index}", organisation_id=org))
        judges = User.objects.bulk_create(judges)
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=judge_role, organisation_id=u.organisation_id)
                                            for u in judges])
        with transaction.atomic():
            panel_set(actor=admin, activity_id=activity.pk, judge_ids=[u.pk for u in judges], title="评审组")
            entries_put(actor=admin, activity=activity, entries=[
                EntryIn(source=f"submission:{i}", title=f"合理化建议{i}", category=rng.choice(CATEGORIES),
                        organisation_id=(unit := rng.choice(unit_ids)), nominating_organisation_id=parent_of[unit])
                for i in range(args.entries)])
        entry_ids = list(Entry.objects.filter(activity=activity).values_list("pk", flat=True))
        DeclaredConflict.objects.bulk_create([
            DeclaredConflict(activity=activity, judge=rng.choice(judges), entry_id=rng.choice(entry_ids),
                             reason="亲属关系", declared_by=admin) for _ in range(min(1000, args.entries // 20))])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if loader.postgres else "ANALYZE")
        print(f"built {len(paths)} organisations, {args.judges} judges, {len(entry_ids)} entries in "
              f"{time.perf_counter() - started:.1f} s")

        # (assignment)
        def read_entries_and_judges() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT e.id, o.path, e.author_ids, n.path, e.category FROM judging_entry e "
                    "JOIN core_organisation o ON o.id = e.organisation_id "
                    "LEFT JOIN core_organisation n ON n.id = e.nominating_organisation_id "
                    "WHERE e.activity_id = %s AND e.state = 'active'", [activity.pk])
                assert len(cursor.fetchall()) == len(entry_ids)
                cursor.execute(
                    "SELECT pj.user_id, o.path FROM judging_paneljudge pj JOIN judging_panel p ON p.id = pj.panel_id "
                    "JOIN core_user u ON u.id = pj.user_id JOIN core_organisation o ON o.id = u.organisation_id "
                    "WHERE p.activity_id = %s", [activity.pk])
                assert len(cursor.fetchall()) == args.judges

        def clear() -> None:
            """Untimed: the previous run's assignments go, and their dead rows with them (as on the first run)."""
            Assignment.objects.filter(entry__activity=activity).delete()
            if loader.postgres:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM judging_assignment")

        def auto() -> None:
            assignment_auto(actor=admin, activity_id=activity.pk)

        def compute_only() -> None:
            planned_pairs(activity, judging_settings(activity))

        base = best_of(args.repeat, read_entries_and_judges)
        clear()
        compute_time = best_of(args.repeat, compute_only)
        assign_time = best_of(args.repeat, auto, before=clear)
        check_assignment(connection, activity.pk, len(entry_ids), args.judges, args.per_entry)

        # Every sheet scored and submitted, written straight into the tables
        sheets = list(Assignment.objects.filter(entry__activity=activity).values_list("pk", flat=True))
        rubric = [(c["key"], Decimal(c["weight"]), Decimal(c["max_score"])) for c in RUBRIC]
        score_rows, totals = [], []
        for sheet in sheets:
            values = {key: Decimal(rng.randint(40, 100)) for key, _w, _m in rubric}
            score_rows.extend((sheet, key, value) for key, value in values.items())
            totals.append((sheet, sheet_total(values, rubric)))
        with transaction.atomic():
            loader.load("judging_score", ["assignment_id", "criterion", "value"], iter(score_rows))
            with connection.cursor() as cursor:
                if loader.postgres:
                    cursor.execute(
                        "UPDATE judging_assignment a SET total = v.total, state = 'submitted', submitted_at = now() "
                        "FROM unnest(%s::bigint[], %s::numeric[]) AS v (id, total) WHERE a.id = v.id",
                        [[s for s, _t in totals], [t for _s, t in totals]])
                else:
                    cursor.executemany("UPDATE judging_assignment SET total = %s, state = 'submitted', "
                                       "submitted_at = CURRENT_TIMESTAMP WHERE id = %s",
                                       [(str(t), s) for s, t in totals])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if loader.postgres else "ANALYZE")

        # (results)
        def group_by() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT assignment_id, SUM(value) FROM judging_score GROUP BY assignment_id")
                assert len(cursor.fetchall()) == len(sheets)

        def results() -> None:
            results_compute(actor=admin, activity_id=activity.pk)

        results_base = best_of(args.repeat, group_by)
        results_time = best_of(args.repeat, results)
        ranked = activity.pk and Entry.objects.filter(activity=activity, result__rank=1).count()
        print(f"database: {connection.vendor}; best of {args.repeat} runs each; {len(score_rows)} score rows, "
              f"{ranked} entries placed first in their category")
        print(f"(a) read entries and judges with paths: {base:8.3f} s")
        print(f"(b) automatic assignment:               {assign_time:8.3f} s")
        print(f"assignment b/a = {assign_time / base:.2f} (goal <= 10)")
        print(f"  of which computing the pairs (read, conflicts, balance; no writes): {compute_time:.3f} s = "
              f"{compute_time / base:.2f} a; the rest writes {len(sheets)} assignment rows")
        print(f"(a) GROUP BY over the score rows:       {results_base:8.3f} s")
        print(f"(b) results of every finalist:          {results_time:8.3f} s")
        print(f"results b/a = {results_time / results_base:.2f} (goal <= 3)")


def check_assignment(connection, activity_id: int, entries: int, judges: int, k: int) -> None:  # type: ignore[no-untyped-def]
    """No pair conflicts (own subtree, nominator's subtree, declared); every entry has k judges; loads balanced."""
    from suzhi.judging.assign import is_balanced

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM judging_assignment a JOIN judging_entry e ON e.id = a.entry_id "
            "JOIN core_organisation eo ON eo.id = e.organisation_id "
            "LEFT JOIN core_organisation n ON n.id = e.nominating_organisation_id "
            "JOIN core_user u ON u.id = a.judge_id JOIN core_organisation jo ON jo.id = u.organisation_id "
            "WHERE e.activity_id = %s AND (eo.path LIKE jo.path || '%%' OR n.path LIKE jo.path || '%%' "
            "OR EXISTS (SELECT 1 FROM judging_declaredconflict d WHERE d.judge_id = a.judge_id "
            "AND d.entry_id = a.entry_id))", [activity_id])
        assert cursor.fetchone()[0] == 0, "a judge was given a conflicting entry"
        cursor.execute("SELECT a.entry_id, a.judge_id FROM judging_assignment a JOIN judging_entry e "
                       "ON e.id = a.entry_id WHERE e.activity_id = %s", [activity_id])
        pairs = cursor.fetchall()
    per_entry = Counter(entry for entry, _judge in pairs)
    assert len(per_entry) == entries and set(per_entry.values()) == {k}, "an entry lacks judges"
    loads = Counter(judge for _entry, judge in pairs)
    assert len(loads) == judges and is_balanced(loads.values(), entries, k), "loads are not balanced"
    print(f"checked: no conflicting pair; {entries} entries × {k} judges; loads {min(loads.values())}–"
          f"{max(loads.values())} (mean {entries * k / judges:.1f})")


if __name__ == "__main__":
    main()
