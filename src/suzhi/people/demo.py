"""Synthetic rosters for the demo campaign: a few hundred people with valid ID numbers and phones.

The roster goes in the way a clerk's would: as a spreadsheet through the import service, so the demo
exercises the real path. The generator is seeded, so loading twice imports the same rows: unchanged.
"""

import datetime
import random
from typing import Any

from stdnum.cn import ric

from suzhi.core.excel import write_xlsx
from suzhi.core.models import Organisation
from suzhi.people.validation import dunhuang_region

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "志强", "海燕", "晓东",
         "春梅", "国庆", "永福"]
CATEGORY_BY_TYPE = {
    "enterprise": ["在岗职工", "在岗职工", "在岗职工", "在岗职工、工会干部", "农民工"],
    "training_station": ["下岗职工", "农民工", "农民工", "下岗职工"],
    "school": ["教师", "教师", "教师、工会干部"],
}
EDUCATION = ["大学本科", "大学专科", "普通高中", "中等职业教育", "硕士研究生", "初中及以下"]
POLITICAL = ["群众", "群众", "中共党员", "共青团员"]
HEADERS = ["姓名", "身份证号", "手机号", "单位编码", "人员类别", "岗位", "学历", "政治面貌", "是否工会会员", "入职日期"]
PEOPLE_PER_UNIT = 12


def demo_id_number(birth: datetime.date, serial: int) -> str:
    """A Dunhuang ID number. Most carry the region code of the birth year; every third person born
    before 1987 is an older worker whose number was issued when they turned 16 (the first cards came
    in 1985) and keeps the code in force then, as real numbers do: 622103 for one born in 1975."""
    issued = birth
    if birth.year < 1987 and serial % 3 == 0:
        issued = datetime.date(max(birth.year + 16, 1985), 1, 1)
    body = f"{dunhuang_region(issued)}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def roster_rows(rng: random.Random, units: list[Organisation]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    serial = 0
    for unit in units:
        categories = CATEGORY_BY_TYPE.get(unit.org_type.code, ["在岗职工"])
        for _ in range(PEOPLE_PER_UNIT):
            serial += 1
            birth = datetime.date(1968, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 36))
            hired = birth + datetime.timedelta(days=365 * rng.randrange(19, 25))
            rows.append([
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                demo_id_number(birth, serial),
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                unit.code,
                rng.choice(categories),
                "教师" if unit.org_type.code == "school" else rng.choice(["操作工", "技术员", "班组长", "学员"]),
                rng.choice(EDUCATION),
                rng.choice(POLITICAL),
                rng.choice(["是", "是", "否"]),
                f"{hired:%Y-%m-%d}",
            ])
    return rows


def load_people_demo(admin: Any) -> None:
    from suzhi.people.services.imports import people_import

    units = list(
        Organisation.objects.filter(code__startswith="DH-", org_type__code__in=list(CATEGORY_BY_TYPE))
        .select_related("org_type")
        .order_by("code")
    )
    data = write_xlsx(HEADERS, roster_rows(random.Random(2024), units), sheet_title="人员名册")
    preview = people_import(actor=admin, data=data, filename="演示人员名册.xlsx", dry_run=True, skip_invalid=False)
    if preview.errors:
        raise RuntimeError(f"demo roster would not import: {preview.errors[:3]}")
    if preview.created or preview.updated:  # a second run finds everything loaded and writes nothing
        people_import(actor=admin, data=data, filename="演示人员名册.xlsx", dry_run=False, skip_invalid=False)
