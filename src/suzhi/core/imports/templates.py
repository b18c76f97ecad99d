"""The empty sheet an import offers for download: its columns' headers, dropdowns, optional example rows."""

from collections.abc import Mapping, Sequence
from typing import Any

from suzhi.core.excel import write_xlsx
from suzhi.core.imports.columns import Columns


def template_xlsx(columns: Columns, *, sheet_title: str, choices: Mapping[str, Sequence[str]] | None = None,
                  rows: Sequence[Sequence[Any]] = (), widths: Mapping[str, int] | None = None) -> bytes:
    """`choices` adds dropdown values (from dictionaries) to the columns' own; `widths` are by column key."""
    lists = {key: list(values) for key, values in (choices or {}).items() if values}
    validations = {}
    for index, column in enumerate(columns):
        values = lists.get(column.key) or list(column.choices)
        if values:
            validations[index] = values
    return write_xlsx(
        columns.labels, rows, sheet_title=sheet_title, validations=validations,
        widths={columns.index(key): width for key, width in (widths or {}).items()},
    )
