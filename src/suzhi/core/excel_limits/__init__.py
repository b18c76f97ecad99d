"""Limits checked before python-calamine sees an uploaded spreadsheet.

calamine builds the whole first sheet as one block from A1 to its last cell and aborts the process when that
block cannot be allocated: a 2 KB .xlsx with cells at A1 and XFD1048576 asks for 512 GiB. It also keeps every
shared string, copies a shared string into each cell using it, and inflates zip parts whatever size they
declare. So, for .xlsx/.xlsm/.ods, before calamine runs:

- each zip part's declared size, the total and the compression ratio are checked, and each part is inflated here
  in chunks, never beyond its declared size (a part whose data is longer than it declares is refused);
- the sheet XML is scanned chunk by chunk. The common file (every row and cell tagged with its reference, first)
  is checked by one regular-expression search per chunk against the block the sheet declares in <dimension>;
  anything else is walked tag by tag the way calamine places cells, stopping at the first limit exceeded;
- the text the shared strings put into the cells (calamine copies one into each cell using it) is bounded.

For .xls (a compound file holding BIFF records), the header counts calamine allocates from are checked, and the
Workbook stream's records are read for each sheet's declared dimensions and its farthest cell. An .xlsb (binary
cells in a zip) is refused: the platform does not take that format. The limits are settings (SUZHI_SHEET_*; see
config/settings.py).

The checks are in common.py (limits and refusals), zipped.py (.xlsx, .ods) and xls.py.
"""

import re

from django.utils.translation import gettext as _

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed
from suzhi.core.excel_limits.common import Limits, column_number, refuse
from suzhi.core.excel_limits.xls import CFB_MAGIC, check_xls
from suzhi.core.excel_limits.zipped import ZipParts, check_ods, check_shared_strings, check_xlsx_sheet

__all__ = ["Limits", "check_spreadsheet", "column_number"]


def check_spreadsheet(data: bytes, filename: str) -> None:
    """Refuse, with a Chinese message giving the limit, a spreadsheet calamine should not be given."""
    limits = Limits.current()
    if len(data) > limits.file_bytes:
        raise refuse(_("The file is larger than %(mb)d MB.") % {"mb": limits.file_bytes // 2**20})
    if (filename or "").lower().endswith(".csv"):
        return  # read by Python's csv module
    if data.startswith(CFB_MAGIC):
        check_xls(data, limits)  # calamine goes by the content, not the name
        return
    if not data.startswith(b"PK"):
        return  # neither zip nor compound file: calamine refuses it as damaged
    archive = ZipParts(data, filename, limits)
    names = archive.names
    if any(re.match(r"xl/worksheets/[^/]+\.bin$", n, re.IGNORECASE) for n in names):
        raise ValidationFailed(
            _("“%(name)s” is not a spreadsheet. Upload an .xlsx, .xls, .ods or .csv file.") % {"name": filename},
            code=CoreErrors.NOT_A_SPREADSHEET,
        )
    sheets = [i for n, i in names.items() if re.match(r"xl/worksheets/[^/]+\.xml$", n, re.IGNORECASE)]
    cells = 0
    for sheet in sheets:
        rows, columns = check_xlsx_sheet(archive, sheet, limits)
        cells = max(cells, rows * columns)
    if "content.xml" in names:
        check_ods(archive, limits)
    for name, info in names.items():
        if info not in sheets and name != "content.xml" and not name.lower().endswith("sharedstrings.xml"):
            archive.whole(info)
    check_shared_strings(archive, sheets, cells, limits)

