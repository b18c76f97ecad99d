"""Reading an import file: the first sheet of an .xlsx/.xls/.ods or a CSV (UTF-8, with or without BOM, or GBK;
see `suzhi.core.excel.read_rows`), its header row found by name under any title rows, and its data rows."""

import dataclasses
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import cell_text, read_rows
from suzhi.core.imports.columns import Columns, normalise_header

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
PREVIEW_ROWS = 10


def ensure_upload_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code=CoreErrors.FILE_TOO_LARGE,
        )


def _listed(labels: list[str]) -> str:
    return pgettext("list separator", ", ").join(labels)


def find_header(rows: list[list[Any]], columns: Columns, *,
                search_rows: int = HEADER_SEARCH_ROWS) -> tuple[int, dict[str, int]]:
    """The header row of an import sheet, under any title rows: its index and each known column's position."""
    lookup = columns.lookup()
    for index, row in enumerate(rows[:search_rows]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = lookup.get(normalise_header(value))
            if key and key not in found:
                found[key] = col
        if columns.is_header(found):
            missing = [str(c.label) for c in columns.required if c.key not in found]
            if missing:
                raise ValidationFailed(
                    _("The header row (row %(row)d) lacks the column(s) %(columns)s.")
                    % {"row": index + 1, "columns": _listed(missing)},
                    code=CoreErrors.MISSING_COLUMNS,
                    detail=[{"row": index + 1, "column": m, "message": _("Missing column")} for m in missing],
                )
            return index, found
    raise ValidationFailed(
        _("No header row found. The first rows must include the columns %(columns)s.")
        % {"columns": _listed([str(c.label) for c in columns.required])},
        code=CoreErrors.NO_HEADER,
    )


@dataclasses.dataclass(eq=False)
class Sheet:
    """A read import file. `rows` are the data rows (a row is data when a known column is not blank), each
    padded in place to the header's width; `numbers` are their row numbers as the clerk sees them."""

    header: list[str]
    positions: dict[str, int]  # column key -> position
    rows: list[list[Any]]
    numbers: list[int]

    @property
    def width(self) -> int:
        return len(self.header)

    @property
    def titles(self) -> dict[str, str]:
        """Column key -> the header as the file writes it, for the errors."""
        return {key: self.header[col] for key, col in self.positions.items()}

    def cell(self, row: list[Any], key: str) -> str:
        col = self.positions.get(key)
        return cell_text(row[col]) if col is not None else ""

    def preview(self, count: int = PREVIEW_ROWS) -> list[tuple[int, list[Any]]]:
        width = self.width
        return [(number, [cell_text(v) for v in row[:width]])
                for number, row in zip(self.numbers[:count], self.rows[:count], strict=True)]


def read_sheet(data: bytes, filename: str, columns: Columns, *, max_rows: int,
               search_rows: int = HEADER_SEARCH_ROWS) -> Sheet:
    """The file's header and data rows; refused (ValidationFailed) when too large, empty, without a header row
    or with more than `max_rows` data rows."""
    ensure_upload_size(len(data))
    rows = read_rows(data, filename)
    if not any(any(cell_text(c) for c in row) for row in rows):
        raise ValidationFailed(_("The sheet is empty."), code=CoreErrors.EMPTY_FILE)
    header_index, positions = find_header(rows, columns, search_rows=search_rows)
    header = [cell_text(c) for c in rows[header_index]]
    width = len(header)
    indices = list(positions.values())
    kept: list[list[Any]] = []
    numbers: list[int] = []
    keep, number = kept.append, numbers.append
    # The roster import's hot loop (100,000 rows): no call per row unless a cell is neither text nor blank.
    for index in range(header_index + 1, len(rows)):
        raw = rows[index]
        if len(raw) < width:  # a short CSV line: blank cells
            raw.extend([""] * (width - len(raw)))
        for col in indices:  # a row is data if any mapped cell is not blank; the first usually is not
            value = raw[col]
            if value.__class__ is str:
                if value and not value.isspace():
                    break
            elif value is not None and cell_text(value):
                break
        else:
            continue
        keep(raw)
        number(index + 1)
    if not kept:
        raise ValidationFailed(_("There are no data rows below the header row."), code=CoreErrors.EMPTY_FILE)
    if len(kept) > max_rows:
        raise ValidationFailed(
            _("The file has %(count)d rows; at most %(max)d can be imported at once.")
            % {"count": len(kept), "max": max_rows},
            code=CoreErrors.TOO_MANY_ROWS,
        )
    return Sheet(header=header, positions=positions, rows=kept, numbers=numbers)
