"""Reading a roster file: its header row, found by name, and its data rows."""

from typing import Any

from django.utils.translation import gettext as _

from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import cell_text, read_rows
from suzhi.core.params import get_param
from suzhi.core.services.org_import import ensure_upload_size, find_header
from suzhi.people.services.imports.common import (
    COLUMNS,
    DEFAULT_MAX_ROWS,
    HEADER_SEARCH_ROWS,
    _header_lookup,
    _normalise_header,
    _Row,
)


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    return find_header(
        rows, lookup=_header_lookup(), normalise=_normalise_header, columns=COLUMNS,
        is_header=lambda found: len(found) >= 2 and ("name" in found or "id_number" in found),
        search_rows=HEADER_SEARCH_ROWS,
    )


def _parse(data: bytes, filename: str) -> tuple[list[str], list[_Row], dict[str, int], dict[str, str]]:
    """The data rows, each padded to the header's width and ending in one extra None: the cell that
    an absent column (index -1) reads, as `dict.get` would."""
    ensure_upload_size(len(data))
    rows = read_rows(data, filename)
    if not any(any(cell_text(c) for c in row) for row in rows):
        raise ValidationFailed(_("The sheet is empty."), code="empty_file")
    header_index, columns = _find_header(rows)
    header = [cell_text(c) for c in rows[header_index]]
    headers_by_key = {key: header[col] for key, col in columns.items()}
    width = len(header)
    indices = list(columns.values())
    parsed: list[_Row] = []
    append = parsed.append
    for index in range(header_index + 1, len(rows)):
        raw = rows[index]
        if len(raw) < width:  # a short CSV line: blank cells, and the None below stays outside `raw`
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
        raw.append(None)
        append(_Row(number=index + 1, source=raw, width=width))
    if not parsed:
        raise ValidationFailed(_("There are no data rows below the header row."), code="empty_file")
    limit = get_param("import_max_rows", DEFAULT_MAX_ROWS) or DEFAULT_MAX_ROWS
    if len(parsed) > limit:
        raise ValidationFailed(
            _("The file has %(count)d rows; at most %(max)d can be imported at once.")
            % {"count": len(parsed), "max": limit},
            code="too_many_rows",
        )
    return header, parsed, columns, headers_by_key
