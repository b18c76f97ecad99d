"""What an import did, or would do on a dry run: counts, errors by row and column (in Chinese for Chinese
users), the first rows for the preview, and the rows not imported as an .xlsx with the reasons."""

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core.excel import write_xlsx
from suzhi.core.imports.reading import Sheet


class ImportRow(Protocol):
    """A row under import as the result reads it: `messages` are (column key, message)."""

    number: int
    messages: list[tuple[str, str]]

    @property
    def raw(self) -> list[Any]: ...

    @property
    def ok(self) -> bool: ...


def row_error(number: int, column: str, message: str) -> dict[str, Any]:
    """One error of an import as the pages, the API and the CLI show it: row, column title and the sentence."""
    if column:
        text = _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": number, "column": column, "message": message}
    else:
        text = _("Row %(row)d: %(message)s") % {"row": number, "message": message}
    return {"row": number, "column": column, "message": text}


@dataclasses.dataclass
class ImportResult:
    """Counts are what the valid rows do (or did, when `written`); errors are {row, column, message}."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    total_rows: int = 0
    headers: list[str] = dataclasses.field(default_factory=list)
    error_rows: list[tuple[list[Any], str]] = dataclasses.field(default_factory=list)
    preview: list[tuple[int, list[Any]]] = dataclasses.field(default_factory=list)  # (row number, cells)

    @classmethod
    def of(cls, sheet: Sheet, *, dry_run: bool, **counts: Any) -> Any:
        return cls(dry_run=dry_run, total_rows=len(sheet.rows), headers=sheet.header, preview=sheet.preview(),
                   **counts)

    @property
    def invalid_rows(self) -> int:
        return len(self.error_rows)

    def collect(self, rows: Sequence[ImportRow], titles: dict[str, str]) -> None:
        """Keep each invalid row's errors (column keys shown as the file's headers) and its line for the error
        report."""
        for row in rows:
            if row.messages:
                formatted = [row_error(row.number, titles.get(key, ""), message) for key, message in row.messages]
                self.errors.extend(formatted)
                self.error_rows.append((row.raw, "\n".join(e["message"] for e in formatted)))

    def tally(self, rows: Sequence[Any], titles: dict[str, str], *, is_update: Callable[[Any], bool],
              skip_invalid: bool) -> list[Any]:
        """Count what the rows do (a row also has `existing`: None for a new record), keep the errors, and return
        the valid rows to write: none on a dry run, or when there are errors and the user did not choose to skip
        them."""
        self.collect(rows, titles)
        for row in rows:
            if not row.ok:
                continue
            if row.existing is None:
                self.created += 1
            elif is_update(row):
                self.updated += 1
            else:
                self.unchanged += 1
        if not self.writes(skip_invalid=skip_invalid):
            return []
        return [row for row in rows if row.ok]

    def writes(self, *, skip_invalid: bool) -> bool:
        """Atomic by default: a file with errors writes nothing unless the user chose to skip the invalid rows."""
        return not self.dry_run and (skip_invalid or not self.errors)


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def written_unless_refused(result: ImportResult, *, skip_invalid: bool) -> Iterator[None]:
    """For importers that find some errors only while writing (through the services the pages use): the writes
    inside are rolled back on a dry run, or when there are errors and the user did not choose to skip them;
    otherwise `result.written` is set."""
    try:
        with transaction.atomic():
            yield
            if not result.writes(skip_invalid=skip_invalid):
                raise _Rollback
            result.written = True
    except _Rollback:
        pass


def error_rows_xlsx(result: ImportResult) -> bytes:
    """The rows that were not imported, as uploaded, with the reasons in an added column."""
    headers = [*result.headers, str(_("Error reason"))]
    return write_xlsx(headers, [[*raw, reason] for raw, reason in result.error_rows],
                      sheet_title=str(_("Errors")))
