"""The one import pipeline of every spreadsheet import (organisations, roster, training lists, question banks).

An importer declares its `Columns` (header variants, required, dropdowns), reads the file with `read_sheet`
(header row under title rows, data rows, size and row limits), checks its rows into `(column key, message)`
errors, and lets `ImportResult` count, format the errors by row and column, decide whether anything is written
(atomic by default, or skip-invalid; never on a dry run) and write the error rows back as an .xlsx;
`template_xlsx` writes its template. Nothing here writes to the database: the importers' services do.
"""

from suzhi.core.imports.columns import Column, Columns, normalise_header
from suzhi.core.imports.reading import (
    HEADER_SEARCH_ROWS,
    MAX_UPLOAD_BYTES,
    Sheet,
    ensure_upload_size,
    find_header,
    read_sheet,
)
from suzhi.core.imports.result import ImportResult, error_rows_xlsx, row_error, written_unless_refused
from suzhi.core.imports.templates import template_xlsx

__all__ = [
    "HEADER_SEARCH_ROWS", "MAX_UPLOAD_BYTES", "Column", "Columns", "ImportResult", "Sheet", "ensure_upload_size",
    "error_rows_xlsx", "find_header", "normalise_header", "read_sheet", "row_error", "template_xlsx",
    "written_unless_refused",
]
