"""What the parts of the roster import share: the columns, a row under import, chunking."""

import dataclasses
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from suzhi.core.excel import cell_text
from suzhi.core.models import Organisation
from suzhi.people import validation as v
from suzhi.people.models import (
    Person,
)

IMPORT = "person.import"
HEADER_SEARCH_ROWS = 20
DEFAULT_MAX_ROWS = 200000
CHUNK = 500  # bulk_update batches stay below SQLite's older 999 bound-parameter limit
LOOKUP_CHUNK = 5000
MAX_PARAMS = 32766  # bound values per statement at most, whatever the database allows
STEP = Organisation.steplen


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # what the template writes
    required: bool
    variants: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("name", pgettext_lazy("roster column", "Name"), True, ("姓名", "名字", "name")),
    Column("id_type", gettext_lazy("ID type"), False, ("证件类型", "id type")),
    Column("id_number", gettext_lazy("ID number"), True,
           ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号", "id number")),
    Column("gender", gettext_lazy("Gender"), False, ("性别", "gender", "sex")),
    Column("birth_date", gettext_lazy("Date of birth"), False, ("出生日期", "出生年月日", "date of birth")),
    Column("phone", gettext_lazy("Mobile phone"), False,
           ("手机", "手机号", "手机号码", "联系电话", "电话", "mobile phone", "phone")),
    Column("organisation", pgettext_lazy("roster column", "Organisation"), False,
           ("单位", "所在单位", "单位名称", "单位编码", "组织编码", "组织", "organisation", "organization")),
    Column("categories", gettext_lazy("Categories"), False, ("人员类别", "类别", "categories", "category")),
    Column("post", gettext_lazy("Post"), False, ("岗位", "职务", "岗位职务", "岗位/职务", "post", "job title")),
    Column("education", gettext_lazy("Education"), False, ("学历", "education")),
    Column("political_status", gettext_lazy("Political status"), False, ("政治面貌", "political status")),
    Column("union_member", gettext_lazy("Union member"), False,
           ("是否工会会员", "工会会员", "union member")),
    Column("hire_date", gettext_lazy("Hire date"), False,
           ("入职日期", "参加工作时间", "参加工作日期", "入职时间", "hire date")),
)
_KEYS = [c.key for c in COLUMNS]

_ID_TYPES = {
    "居民身份证": Person.IdType.RESIDENT, "身份证": Person.IdType.RESIDENT,
    "港澳居民来往内地通行证": Person.IdType.HK_MACAO, "港澳通行证": Person.IdType.HK_MACAO,
    "回乡证": Person.IdType.HK_MACAO,
    "台湾居民来往大陆通行证": Person.IdType.TAIWAN, "台胞证": Person.IdType.TAIWAN,
    "外国人永久居留身份证": Person.IdType.FOREIGN_PERMANENT, "外国人永久居留证": Person.IdType.FOREIGN_PERMANENT,
    "护照": Person.IdType.PASSPORT, "其他": Person.IdType.OTHER,
}
_NOISE = re.compile(r"[\s\u3000*＊_\-:：]|[(（][^)）]*[)）]")
_LIST_SEPARATORS = re.compile(r"[、,，/;；\s]+")
_GENDER_LABEL = {"M": "男", "F": "女"}


def _normalise_header(value: Any) -> str:
    return _NOISE.sub("", v.to_halfwidth(cell_text(value))).lower()


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (*column.variants, str(column.label)):
            lookup.setdefault(_normalise_header(name), column.key)
    return lookup


def _id_type_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {key.lower(): str(code) for key, code in _ID_TYPES.items()}
    for code, label in Person.IdType.choices:
        lookup.setdefault(code, code)
        lookup.setdefault(str(label).lower(), code)
    return lookup


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _max_params() -> int:
    """How many values one statement may bind. Django's SQLite backend says 999, the limit of SQLite
    before 3.32; the library in use says what it really allows (usually 32,766 or 250,000)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return min(MAX_PARAMS, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return min(MAX_PARAMS, connection.features.max_query_params or MAX_PARAMS)


def _lookup_chunk() -> int:
    """IN lists for lookups by ID number: as long as the database binds, so a 100,000-row file takes
    a few dozen queries rather than hundreds."""
    return max(1, min(LOOKUP_CHUNK, _max_params() - 1))


@dataclasses.dataclass(eq=False, slots=True)
class _Row:
    number: int  # the row number the clerk sees in the spreadsheet
    source: list[Any]  # the sheet's row; its first `width` cells are what the error report shows
    width: int
    cleaned: dict[str, Any] = dataclasses.field(default_factory=dict)
    org_text: str = ""  # the organisation cell, normalised
    categories: list[int] | None = None  # None: the file says nothing about them
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    existing: Person | None = None
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)
    categories_change: bool = False
    pk: int | None = None  # a new person's primary key, once written

    @property
    def raw(self) -> list[Any]:
        return (self.source + [""] * self.width)[: self.width]

    @property
    def ok(self) -> bool:
        return not self.messages

    def fail(self, column: str, message: str) -> None:
        self.messages.append((column, message))
