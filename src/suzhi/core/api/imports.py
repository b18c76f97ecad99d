"""The one API shape of every import's result (organisations, roster, question banks)."""

from typing import Any

from ninja import Field, Schema

from suzhi.core.imports import ImportResult


class ImportErrorOut(Schema):
    row: int = Field(description="The row number as the spreadsheet shows it (a text file's line)")
    column: str = Field(description="The column's header as the file writes it; empty for the whole row")
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    invalid_rows: int
    total_rows: int
    dry_run: bool
    written: bool = Field(description="Whether anything was written; counts are what the valid rows do")
    errors: list[ImportErrorOut]


def import_out(result: ImportResult, **extra: Any) -> dict[str, Any]:
    return {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "invalid_rows": result.invalid_rows, "total_rows": result.total_rows, "dry_run": result.dry_run,
        "written": result.written, "errors": result.errors, **extra,
    }
