"""A form definition as export columns: one header per field (with its unit: 金额（万元）), and stored values as
row cells for `core.excel.write_xlsx`, which passes every cell through `xlsx_cell`.

Numbers stay numbers, dates become dates, choices show their labels, yes/no shows 是/否, people and
organisations their names, attachments their file names. A table gives one column per table column
(成员·姓名), each cell holding the rows' values one per line, so one submission stays one spreadsheet row.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from suzhi.campaigns.formdefs.fields import (
    AttachmentDef,
    ChoiceDef,
    DateDef,
    FormDef,
    MultiChoiceDef,
    NumberDef,
    OrganisationDef,
    PersonDef,
    TableDef,
    YesNoDef,
    is_empty,
)
from suzhi.campaigns.formdefs.values import stored_names

LIST_SEPARATOR = "、"


def header_of(definition: Any) -> str:
    unit = getattr(definition, "unit", "")
    return _("%(label)s (%(unit)s)") % {"label": definition.label, "unit": unit} if unit else definition.label


def export_headers(form: FormDef) -> list[str]:
    headers = []
    for definition in form.fields:
        if isinstance(definition, TableDef):
            headers += [f"{definition.label}·{header_of(column)}" for column in definition.columns]
        else:
            headers.append(header_of(definition))
    return headers


def cell_value(definition: Any, stored: Any) -> Any:
    """One stored value as a cell: a number, a date, a boolean's 是/否 or text; None when empty."""
    if is_empty(stored):
        return None
    if isinstance(definition, NumberDef):
        return stored if isinstance(stored, int | float) and not isinstance(stored, bool) else str(stored)
    if isinstance(definition, DateDef):
        try:
            return datetime.date.fromisoformat(str(stored))
        except ValueError:
            return str(stored)
    if isinstance(definition, ChoiceDef):
        return definition.text_of(str(stored))
    if isinstance(definition, MultiChoiceDef):
        items = stored if isinstance(stored, list) else [stored]
        return LIST_SEPARATOR.join(definition.text_of(str(item)) for item in items)
    if isinstance(definition, YesNoDef):
        return _("Yes") if stored else _("No")
    if isinstance(definition, PersonDef | OrganisationDef):
        return LIST_SEPARATOR.join(stored_names(stored))
    if isinstance(definition, AttachmentDef):
        items = stored if isinstance(stored, list) else [stored]
        return LIST_SEPARATOR.join(str(item.get("name", "")) for item in items if isinstance(item, dict))
    return str(stored)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def export_cells(form: FormDef, values: Mapping[str, Any] | None) -> list[Any]:
    """The cells of one stored submission, in the order of `export_headers`."""
    values = values or {}
    cells: list[Any] = []
    for definition in form.fields:
        stored = values.get(definition.key)
        if isinstance(definition, TableDef):
            rows = [row for row in stored or [] if isinstance(row, Mapping)]
            for column in definition.columns:
                lines = [_text(cell_value(column, row.get(column.key))) for row in rows]
                cells.append("\n".join(lines) if any(lines) else None)
        else:
            cells.append(cell_value(definition, stored))
    return cells
