"""What the parts of the roster import share: a row under import, chunking."""

import dataclasses
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from suzhi.core.models import Organisation
from suzhi.people.models import Person
from suzhi.people.sheet import COLUMNS

IMPORT = "person.import"
DEFAULT_MAX_ROWS = 200000
CHUNK = 500  # bulk_update batches stay below SQLite's older 999 bound-parameter limit
LOOKUP_CHUNK = 5000
MAX_PARAMS = 32766  # bound values per statement at most, whatever the database allows
STEP = Organisation.steplen
_KEYS = COLUMNS.keys

_ID_TYPES = {
    "居民身份证": Person.IdType.RESIDENT, "身份证": Person.IdType.RESIDENT,
    "港澳居民来往内地通行证": Person.IdType.HK_MACAO, "港澳通行证": Person.IdType.HK_MACAO,
    "回乡证": Person.IdType.HK_MACAO,
    "台湾居民来往大陆通行证": Person.IdType.TAIWAN, "台胞证": Person.IdType.TAIWAN,
    "外国人永久居留身份证": Person.IdType.FOREIGN_PERMANENT, "外国人永久居留证": Person.IdType.FOREIGN_PERMANENT,
    "护照": Person.IdType.PASSPORT, "其他": Person.IdType.OTHER,
}
_LIST_SEPARATORS = re.compile(r"[、,，/;；\s]+")
_GENDER_LABEL = {"M": "男", "F": "女"}


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
