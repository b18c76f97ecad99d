"""Reading spreadsheets (python-calamine) and writing them (openpyxl), for every import and export."""

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed

SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".csv")

# Control characters the XML of a sheet cannot hold (openpyxl refuses them, failing the whole file).
_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Text a spreadsheet program could take for a formula when the cell is edited or the file saved as CSV
# (OWASP's CSV injection guidance), with the full-width forms a Chinese input method types.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _text(value: str) -> str:
    if value.isprintable() or not _ILLEGAL_CHARACTERS.search(value):  # isprintable: the quick common answer
        return value
    return _ILLEGAL_CHARACTERS.sub("", value)


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """`value` ready for a write-only openpyxl sheet: text without the control characters a sheet cannot
    hold, and text that starts like a formula stored as text (never a formula) with Excel's quote prefix, so
    it shows as typed and stays text when edited. Numbers, dates and booleans stay what they are."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, dict | list):
        value = str(value)
    if not isinstance(value, str):
        return value
    value = _text(str(value))
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "",
    validations: dict[int, Sequence[str]] | None = None,
    widths: dict[int, int] | None = None,
) -> bytes:
    """An .xlsx with a bold, frozen header row. `validations` maps a column index to dropdown values, `widths`
    a column index to its width (otherwise the header's length sets it).

    Written in openpyxl's write-only mode, so a 100,000-row export streams rows instead of holding
    every cell object in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet((sheet_title or "Sheet1")[:31])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(index - 1) or max(10, min(40, len(str(header)) * 2 + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    if validations:
        for col_index, values in validations.items():
            letter = get_column_letter(col_index + 1)
            rule = DataValidation(
                type="list", formula1=f"=_lists!${letter}$1:${letter}${max(1, len(values))}", allow_blank=True
            )
            rule.add(f"{letter}2:{letter}5000")
            sheet.data_validations.append(rule)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_text(str(header)))
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    if validations:
        lists = workbook.create_sheet("_lists")
        lists.sheet_state = "hidden"
        longest = max(len(v) for v in validations.values())
        width = max(validations) + 1
        for r in range(longest):
            line: list[Any] = [None] * width
            for col_index, values in validations.items():
                if r < len(values):
                    line[col_index] = xlsx_cell(lists, values[r])
            lists.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(_("The CSV file is neither UTF-8 nor GBK/GB18030 encoded."), code=CoreErrors.BAD_ENCODING)


def read_rows(data: bytes, filename: str) -> list[list[Any]]:
    """All rows of the first sheet as lists of cell values (str, float, int, bool, date/datetime or "")."""
    from suzhi.core.excel_limits import check_spreadsheet

    # Before calamine, which aborts the process when a sheet's block cannot be allocated; a CSV for its size.
    check_spreadsheet(data, filename)
    name = (filename or "").lower()
    if name.endswith(".csv"):
        import csv

        text = _decode_csv(data)
        return [list(row) for row in csv.reader(io.StringIO(text))]
    if not name.endswith(SPREADSHEET_SUFFIXES):
        raise ValidationFailed(
            _("“%(name)s” is not a spreadsheet. Upload an .xlsx, .xls, .ods or .csv file.") % {"name": filename},
            code=CoreErrors.NOT_A_SPREADSHEET,
        )
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise ValidationFailed(_("The file has no sheet."), code=CoreErrors.EMPTY_FILE)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        # calamine already builds a new list per row; copying 100,000 of them again costs a tenth of a second
        return rows if all(row.__class__ is list for row in rows) else [list(row) for row in rows]
    except ValidationFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for damaged files
        raise ValidationFailed(
            _("“%(name)s” could not be read as a spreadsheet; it may be damaged.") % {"name": filename},
            code=CoreErrors.NOT_A_SPREADSHEET,
        ) from exc


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole floats lose their ".0" (Excel stores codes typed as numbers so)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
