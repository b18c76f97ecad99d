"""Reading a roster file through the import pipeline: its header row, found by name, and its data rows."""

from suzhi.core.imports import Sheet, read_sheet
from suzhi.core.params import get_param
from suzhi.people.services.imports.common import COLUMNS, DEFAULT_MAX_ROWS, _Row


def _parse(data: bytes, filename: str) -> tuple[Sheet, list[_Row]]:
    """The data rows, each padded to the header's width and ending in one extra None: the cell that
    an absent column (index -1) reads, as `dict.get` would."""
    limit = get_param("import_max_rows", DEFAULT_MAX_ROWS) or DEFAULT_MAX_ROWS
    sheet = read_sheet(data, filename, COLUMNS, max_rows=limit)
    width = sheet.width
    parsed: list[_Row] = []
    append = parsed.append
    for number, raw in zip(sheet.numbers, sheet.rows, strict=True):
        raw.append(None)
        append(_Row(number=number, source=raw, width=width))
    return sheet, parsed
