"""Targets against their baseline: (a) one GROUP BY organisation count over the metric records, (b) computing
and storing every target of a campaign for every organisation (`targets_refresh`).

Builds an organisation tree (1 root, 10 towns, 100 sub-federations, the rest units, some of them training
stations), people with categories, a campaign from a plan with a target of each form, and metric records
(5 per person on average; 2% of the people trained also at a unit before their transfer), written straight into
the tables (COPY on PostgreSQL, executemany on SQLite), and the roster's counts and the metric tallies recounted
from them, in a fresh database: a SQLite file in a temporary directory, or DATABASE_URL, which should then name an
empty PostgreSQL database. Both are timed in the same run; each is run --repeat times and the best time is kept.
Before each timed refresh, --writes people are trained for the first time, recorded through `metric_records_put`
(not timed), as a refresh in production follows new records: the refresh then rewrites the values that changed.
Goal: b/a <= 3 on PostgreSQL.

    .venv/bin/python bench/targets.py --orgs 1000 --people 100000 --records 500000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/suzhi_bench .venv/bin/python bench/targets.py
"""

import os
import sys

# bench/collections.py (named after its issue's area) would shadow the standard library's `collections` for a
# script run from this folder, which Python puts first on the path: the folder goes to the end instead.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    sys.path.append(sys.path.pop(0))

import argparse
import datetime
import gc
import io
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's default for MP_Node paths
STEP = 4
TOWNS, SUB_FEDERATIONS = 10, 100
STATION_EVERY = 10  # one unit in ten is a training station (培训站)
# Person categories with their weights; a tenth of the in-post workers are also union cadres.
CATEGORIES = [(("in_post",), 45), (("in_post", "union_cadre"), 5), (("migrant",), 15), (("laid_off",), 10),
              (("teacher",), 12), (("student",), 8), (("other",), 5)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚文华红"
DAY = datetime.date(2024, 4, 25)
TRANSFERRED = 0.02  # the share of the people trained who were trained first at another unit, then transferred
CHUNK = 100_000

PLAN = """
code: bench-2024
title: 基准市职工素质提升活动工作方案
year: 2024
organiser: B
goals: 提升职工素质。
phases:
  - {key: launch, title: 启动阶段, start: 2024-04-10, end: 2024-04-20}
  - {key: rollout, title: 实施阶段, start: 2024-04-20, end: 2024-05-31}
activities:
  - key: lectures
    kind: training
    title: 职工素质提升培训、讲座
    open_in: {enroll: [launch, rollout], check_in: [launch, rollout]}
  - key: skills
    kind: training
    title: 职工技能培训
    person_categories: [laid_off, migrant, in_post]
    open_in: {enroll: [launch, rollout], check_in: [launch, rollout]}
targets:
  - {key: city, title: 全市培训职工万名以上, metric: training.people, form: total, threshold: 10000,
     deadline: rollout}
  - key: stations
    title: 各培训站培训下岗职工、农民工不少于300人
    metric: training.people
    activity: skills
    form: per_org
    per_org_types: [training_station]
    threshold: 300
    filter: {person_categories: [laid_off, migrant]}
    deadline: rollout
  - {key: every-worker, title: 每名在岗职工接受培训, metric: training.participations, form: coverage, at_least: 1,
     threshold: 100, filter: {person_categories: [in_post]}, deadline: rollout}
  - {key: teachers, title: 教师培训比例, metric: training.people, form: percentage, threshold: 8,
     filter: {person_categories: [teacher]}, deadline: rollout}
"""


def setup_django(tmp: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suzhi.config.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SUZHI_DATA_DIR"] = str(tmp)
    # The development settings without DEBUG, which would keep every query in memory.
    os.environ.setdefault("SUZHI_TESTING", "1")
    import django

    django.setup()
    from django.conf import settings

    # The refresh each recorded participation schedules would run at once in the testing settings: the bench times
    # the refresh itself instead.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATABASES["default"]["OPTIONS"] = {
            "timeout": 20, "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }


def step(n: int) -> str:
    """The n-th (1-based) path step, as treebeard numbers children."""
    digits = ""
    while n:
        n, r = divmod(n, len(ALPHABET))
        digits = ALPHABET[r] + digits
    return digits.rjust(STEP, "0")


class Loader:
    """Rows straight into a table: COPY on PostgreSQL, executemany on SQLite, in chunks."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def load(self, table: str, columns: list[str], rows: Iterator[tuple]) -> int:
        count = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    buffer = io.StringIO()
                    for row in rows:
                        buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
                        buffer.write("\n")
                        count += 1
                        if count % CHUNK == 0:
                            copy.write(buffer.getvalue())
                            buffer = io.StringIO()
                    copy.write(buffer.getvalue())
            else:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"
                chunk: list[tuple] = []
                for row in rows:
                    chunk.append(row)
                    count += 1
                    if len(chunk) == CHUNK:
                        cursor.executemany(sql, chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)
        return count


def dict_ids(dict_type: str) -> dict[str, int]:
    from suzhi.core.models import DictItem

    return dict(DictItem.objects.filter(dict_type__code=dict_type).values_list("code", "id"))


def build_tree(loader: Loader, orgs: int, now: str) -> tuple[list[int], set[int]]:
    """The organisation tree with treebeard's paths; returns the ids of the units and of the stations."""
    types = dict_ids("org_type")
    subs = max(1, min(SUB_FEDERATIONS, (orgs - 1) // 10))
    towns = max(1, min(TOWNS, subs // 2))
    units = max(0, orgs - 1 - towns - subs)
    rows = []
    next_id = 1

    def add(path: str, code: str, name: str, kind: str, children: int) -> int:
        nonlocal next_id
        rows.append((next_id, path, len(path) // STEP, children, code, name, "", "", types[kind], "", "", "", "",
                     True, now, now))
        next_id += 1
        return next_id - 1

    add(step(1), "B", "基准市职工素质提升活动组委会", "committee", towns)
    unit_ids, station_ids = [], set()
    sub_index = 0
    for t in range(towns):
        town_path = step(1) + step(t + 1)
        town_subs = subs // towns + (1 if t < subs % towns else 0)
        add(town_path, f"B-{t}", f"第{t}镇工会联合会", "town_federation", town_subs)
        for s in range(town_subs):
            sub_path = town_path + step(s + 1)
            sub_units = units // subs + (1 if sub_index < units % subs else 0)
            add(sub_path, f"B-{t}-{s}", f"第{t}镇第{s}片区工会", "federation", sub_units)
            for u in range(sub_units):
                station = u % STATION_EVERY == 0
                unit = add(sub_path + step(u + 1), f"B-{t}-{s}-{u}", f"第{t}镇第{s}片区单位{u}",
                           "training_station" if station else "enterprise", 0)
                unit_ids.append(unit)
                if station:
                    station_ids.add(unit)
            sub_index += 1
    loader.load("core_organisation", ["id", "path", "depth", "numchild", "code", "name", "short_name",
                                      "name_initials", "org_type_id", "region_code", "contact_person",
                                      "contact_phone", "address", "is_active", "created_at", "updated_at"], iter(rows))
    return unit_ids, station_ids


def build_people(loader: Loader, count: int, units: list[int], now: str) -> tuple[list[int], list[tuple[str, ...]]]:
    """People spread over the units; returns each person's organisation and categories (index = id - 1)."""
    from suzhi.people.category_keys import category_key

    rng = random.Random(2024)
    categories = [c for c, _w in CATEGORIES]
    weights = [w for _c, w in CATEGORIES]
    person_org = [rng.choice(units) for _ in range(count)]
    person_categories = rng.choices(categories, weights, k=count)

    def people() -> Iterator[tuple]:
        base = datetime.date(1965, 1, 1)
        for i in range(count):
            number = f"B{i:017d}"  # unique, 18 characters: the bench needs no checksum
            birth = base + datetime.timedelta(days=rng.randrange(365 * 38))
            yield (i + 1, rng.choice(SURNAMES) + rng.choice(GIVEN), "", "MF"[i % 2], "resident", number, number[-4:],
                   birth.isoformat(), "", person_org[i], "", False, "{}", rng.random() > 0.02, "", now, now,
                   keys[person_categories[i]])

    codes = dict_ids("person_category")
    keys = {cats: category_key(codes[code] for code in cats) for cats in categories}
    loader.load("people_person", ["id", "name", "name_initials", "gender", "id_type", "id_number", "id_last4",
                                  "birth_date", "phone", "organisation_id", "post", "union_member", "extra",
                                  "is_active", "leave_reason", "created_at", "updated_at", "category_key"], people())

    def through() -> Iterator[tuple]:
        for i, cats in enumerate(person_categories):
            for code in cats:
                yield (i + 1, codes[code])

    loader.load("people_person_categories", ["person_id", "dictitem_id"], through())
    return person_org, person_categories


def build_records(loader: Loader, target: int, campaign_id: int, activities: dict[str, int],
                  person_org: list[int], person_categories: list[tuple[str, ...]]) -> int:
    """About `target` records: per person 0..2*mean facts, one training.people per activity attended and
    training.participations for the rest; the skills training only for the categories it admits. A share of the
    people (TRANSFERRED) were trained at another unit before their transfer: their first lecture and participation
    were given there (their training.people is counted at both units)."""
    rng = random.Random(7)
    mean = target / len(person_org)
    top = max(1, round(2 * mean))
    skills_ok = {"in_post", "laid_off", "migrant"}
    lectures, skills = activities["lectures"], activities["skills"]

    def records() -> Iterator[tuple]:
        day = DAY.isoformat()
        for i, org in enumerate(person_org):
            k = rng.randint(0, top)
            if not k:
                continue
            pid = i + 1
            earlier = person_org[rng.randrange(len(person_org))] if rng.random() < TRANSFERRED else org
            if earlier != org:
                yield (campaign_id, lectures, "training.people", pid, earlier, 1.0, day, f"e{pid}")
                yield (campaign_id, lectures, "training.participations", pid, earlier, 2.0, day, f"f{pid}")
            attended = [lectures]
            if k >= 3 and skills_ok.intersection(person_categories[i]):
                attended.append(skills)
            for activity in attended:
                yield (campaign_id, activity, "training.people", pid, org, 1.0, day, f"p{pid}-{activity}")
            for j in range(k - len(attended)):
                yield (campaign_id, attended[j % len(attended)], "training.participations", pid, org, 2.0, day,
                       f"q{pid}-{j}")

    return loader.load("campaigns_metricrecord", ["campaign_id", "activity_id", "metric", "person_id",
                                                  "organisation_id", "quantity", "occurred_on", "source"], records())


def best_of(repeat: int, work, before=None) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        if before is not None:
            before()  # not timed
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--writes", type=int, default=100,
                        help="people trained for the first time, recorded through the service before each timed "
                             "refresh")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        setup_django(Path(tmp_dir))
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.utils import timezone

        from suzhi.campaigns.models import MetricRecord, TargetValue
        from suzhi.campaigns.services.plans import plan_load
        from suzhi.campaigns.services.records import MetricFact, metric_records_put, metric_tallies_rebuild
        from suzhi.campaigns.services.targets import targets_refresh
        from suzhi.core.models import Organisation, User
        from suzhi.people.models import Person
        from suzhi.people.services.counts import person_counts_rebuild

        call_command("migrate", verbosity=0)
        loader = Loader()
        now = timezone.now().isoformat()
        started = time.perf_counter()
        with transaction.atomic():
            if loader.postgres:
                # The generated rows are consistent; checking four foreign keys per row would triple the load.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            units, stations = build_tree(loader, args.orgs, now)
            person_org, person_categories = build_people(loader, args.people, units, now)
        admin = User.objects.create_superuser(username="bench", password="x")  # noqa: S106
        campaign = plan_load(actor=admin, text=PLAN)
        activities = dict(campaign.activities.values_list("key", "id"))
        with transaction.atomic():
            if loader.postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            records = build_records(loader, args.records, campaign.pk, activities, person_org, person_categories)
        # The generator's million-entry lists would otherwise stay alive through the timings, and every collection
        # of the garbage collector's oldest generation would walk them: a worker process holds nothing like them.
        del person_org, person_categories, units
        gc.collect()
        # The people and records bypassed the services, which keep the roster's counts and each person's tallies:
        # recount them as after a bulk load.
        person_counts_rebuild(actor=None)
        metric_tallies_rebuild(actor=None, campaign_id=campaign.pk)
        with connection.cursor() as cursor:
            if loader.postgres:
                for table, column in (("core_organisation", "id"), ("people_person", "id")):
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                                   f"(SELECT max({column}) FROM {table}))")
            # What autovacuum does to a freshly loaded table; VACUUM also lets PostgreSQL answer from indexes alone.
            cursor.execute("VACUUM ANALYZE" if loader.postgres else "ANALYZE")
        print(f"built {Organisation.objects.count()} organisations ({len(stations)} training stations), "
              f"{Person.objects.count()} people, {records} metric records in {time.perf_counter() - started:.1f} s")
        assert MetricRecord.objects.count() == records
        assert not any(Organisation.objects.find_problems()), "the generated tree is not what treebeard would build"

        def baseline() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT organisation_id, COUNT(*) FROM campaigns_metricrecord GROUP BY organisation_id")
                assert len(cursor.fetchall()) > 0

        rng = random.Random(11)
        lectures = campaign.activities.get(key="lectures")
        untrained = list(Person.objects.filter(is_active=True, metric_tallies__isnull=True).values_list(
            "pk", flat=True))
        written = 0

        def record_some() -> None:
            """What a refresh follows in production: people trained for the first time, recorded through the
            service (a participation and a person trained each), which changes the values of their units and of
            everything above them."""
            nonlocal written
            for person in Person.objects.filter(pk__in=rng.sample(untrained, args.writes)):
                with transaction.atomic():
                    metric_records_put(activity=lectures, person=person, facts=[
                        MetricFact(metric="training.participations", source=f"bench-q{written}", occurred_on=DAY),
                        MetricFact(metric="training.people", source=f"bench-p{written}", occurred_on=DAY)])
                untrained.remove(person.pk)
                written += 1

        def refresh() -> None:
            targets_refresh(actor=None, campaign_id=campaign.pk)

        # As a worker does once it has started (suzhi/config/wsgi.py): what is loaded is not walked by every
        # collection of the garbage collector's oldest generation.
        gc.collect()
        gc.freeze()
        base = best_of(args.repeat, baseline)
        refresh()  # the first refresh of the values the setup's records give (the setup's refresh task had none)
        full = best_of(args.repeat, refresh, before=record_some)
        rows = TargetValue.objects.filter(target__campaign=campaign).count()

        print(f"database: {connection.vendor}; best of {args.repeat} runs each")
        print(f"orgs {args.orgs}, people {args.people}, records {records}, target values stored {rows}")
        print(f"(a) GROUP BY organisation count: {base:8.2f} s")
        print(f"(b) targets_refresh:             {full:8.2f} s (after {args.writes} people trained)")
        print(f"b/a = {full / base:.2f} (goal <= 3 on PostgreSQL)")


if __name__ == "__main__":
    main()
