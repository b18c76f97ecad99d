"""The import's rows: what each row of the sheet says and is decided to do."""

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from suzhi.core.excel import cell_text
from suzhi.core.imports import Sheet, read_sheet
from suzhi.core.models import Organisation
from suzhi.core.org_sheet import COLUMNS
from suzhi.core.params import get_param

STEP = Organisation.steplen
DEFAULT_MAX_ROWS = 50000

_KEEP = "keep"  # an existing organisation stays under its current parent
_ROOT = "root"


@dataclasses.dataclass(eq=False)
class _Row:
    number: int
    raw: list[Any]
    data: dict[str, str]
    cleaned: dict[str, Any] = dataclasses.field(default_factory=dict)
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (column key, message)
    existing: Organisation | None = None
    parent_ref: Any = None  # _KEEP, _ROOT, ("row", code) or ("org", Organisation)
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)
    moves: bool = False
    level: int = 0
    node: Organisation | None = None  # the organisation once written

    @property
    def ok(self) -> bool:
        return not self.messages

    @property
    def code(self) -> str:
        return self.cleaned.get("code") or self.data.get("code", "")


def _fail(row: _Row, column: str, message: str) -> None:
    row.messages.append((column, message))


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _param_chunk() -> int:
    # SQLite counts every bound value; stay well below its limit.
    return max(100, min(2000, (connection.features.max_query_params or 2000) - 50))


def _parse(data: bytes, filename: str) -> tuple[Sheet, list[_Row]]:
    limit = get_param("org_import_max_rows", DEFAULT_MAX_ROWS) or DEFAULT_MAX_ROWS
    sheet = read_sheet(data, filename, COLUMNS, max_rows=limit)
    width, positions = sheet.width, sheet.positions
    rows = [_Row(number=number, raw=raw[:width], data={key: cell_text(raw[col]) for key, col in positions.items()})
            for number, raw in zip(sheet.numbers, sheet.rows, strict=True)]
    return sheet, rows


def _load_existing(codes: set[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    ordered = sorted(codes)
    for chunk in _chunks(ordered, _param_chunk()):
        for org in Organisation.objects.filter(code__in=chunk).select_related("org_type").order_by():
            found[org.code] = org
    return found


