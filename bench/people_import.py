"""Roster import against its baseline: (a) python-calamine reading the sheet, (b) the full validated import.

Writes an .xlsx of realistic rows (valid ID numbers, names, phones, categories, organisations of a generated
tree), migrates an empty database (a fresh SQLite file in a temporary directory, or DATABASE_URL — which
should then name an empty PostgreSQL database), and times both in the same run. Goal: b/a <= 4.

    .venv/bin/python bench/people_import.py [--rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/suzhi_bench .venv/bin/python bench/people_import.py
"""

import os
import sys

# bench/collections.py (named after its issue's area) would shadow the standard library's `collections` for a
# script run from this folder, which Python puts first on the path: the folder goes to the end instead.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    sys.path.append(sys.path.pop(0))

import argparse
import datetime
import io
import random
import tempfile
import time
from pathlib import Path

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "志强", "海燕", "晓东", "春梅"]
CATEGORIES = ["在岗职工", "在岗职工", "在岗职工、工会干部", "农民工", "下岗职工", "教师", "教师、工会干部"]
EDUCATION = ["大学本科", "大学专科", "普通高中", "中等职业教育", "硕士研究生", "初中及以下"]
POLITICAL = ["群众", "群众", "中共党员", "共青团员"]
REGIONS = ["110101", "110105", "110108", "310101", "310104"]  # codes valid for every birth year used
HEADERS = ["姓名", "身份证号", "性别", "手机号", "单位编码", "人员类别", "岗位", "学历", "政治面貌", "是否工会会员",
           "入职日期"]
TOWNS, UNITS_PER_TOWN = 10, 30


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

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATABASES["default"]["OPTIONS"] = {
            "timeout": 20, "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }


def build_tree():
    from suzhi.core.models import DictItem, Organisation, User

    kind = DictItem.objects.get(dict_type__code="org_type", code="enterprise")
    root = Organisation.objects.add_root(create_kwargs={"name": "基准市总工会", "code": "B", "org_type": kind})
    units = []
    for t in range(TOWNS):
        town = Organisation.objects.add_child(root, create_kwargs={"name": f"第{t}镇工会", "code": f"B-{t}",
                                                                   "org_type": kind})
        for u in range(UNITS_PER_TOWN):
            units.append(Organisation.objects.add_child(
                town, create_kwargs={"name": f"第{t}镇企业{u}", "code": f"B-{t}-{u}", "org_type": kind}).code)
    admin = User.objects.create_superuser(username="bench", password="x")  # noqa: S106
    return admin, units


def sheet_rows(count: int, units: list[str]) -> list[list]:
    from stdnum.cn import ric

    rng = random.Random(2024)
    rows = []
    for serial in range(count):
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 38))
        body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{serial % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        hired = birth + datetime.timedelta(days=365 * rng.randrange(19, 25))
        rows.append([
            rng.choice(SURNAMES) + rng.choice(GIVEN), number, "男" if serial % 2 else "女",
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", rng.choice(units), rng.choice(CATEGORIES),
            rng.choice(["操作工", "技术员", "班组长", "教师", "职员"]), rng.choice(EDUCATION), rng.choice(POLITICAL),
            rng.choice(["是", "是", "否"]), f"{hired:%Y-%m-%d}",
        ])
    # Serial numbers repeat every thousand rows; keep the ID numbers unique the way a real roster is.
    seen: set[str] = set()
    for row in rows:
        while row[1] in seen:
            body = f"{rng.choice(REGIONS)}{row[1][6:14]}{rng.randrange(1000):03d}"
            row[1] = body + ric.calc_check_digit(body + "0")
            row[2] = "男" if int(row[1][16]) % 2 else "女"
        seen.add(row[1])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        setup_django(tmp)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from python_calamine import CalamineWorkbook

        from suzhi.core.excel import write_xlsx
        from suzhi.people.models import Person
        from suzhi.people.services.imports import people_import

        admin, units = build_tree()
        started = time.perf_counter()
        data = write_xlsx(HEADERS, sheet_rows(args.rows, units), sheet_title="人员名册")
        print(f"wrote {args.rows} rows ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")

        started, cpu = time.perf_counter(), time.process_time()
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        read = workbook.get_sheet_by_index(0).to_python()
        baseline, baseline_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert len(read) == args.rows + 1

        started, cpu = time.perf_counter(), time.process_time()
        result = people_import(actor=admin, data=data, filename="bench.xlsx", dry_run=False, skip_invalid=False)
        full, full_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not result.errors, result.errors[:3]
        assert Person.objects.count() == args.rows == result.created

        from django.db import connection

        print(f"database: {connection.vendor}")
        print(f"(a) calamine read:   {baseline:8.2f} s")
        print(f"(b) validated import:{full:8.2f} s")
        print(f"b/a = {full / baseline:.2f} (goal <= 4)")
        # Wall-clock time is the goal; this process's CPU time (which leaves out the database server's)
        # helps to tell a slower import from a busy machine.
        print(f"cpu of this process: (a) {baseline_cpu:.2f} s, (b) {full_cpu:.2f} s; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
