"""What every import page shares: its context for `core/imports/page.html`, the staged error rows, and the
message after a confirmed import."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from suzhi.core.imports import ImportResult, error_rows_xlsx
from suzhi.core.uploads import StagedUpload

ERRORS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_context(request: HttpRequest, *, title: Any, form: Any, result: ImportResult | None, stage: str,
                   filename: str, upload_url: str, errors_url: str, template_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title, "form": form, "result": result,
        "errors": result.errors[:ERRORS_SHOWN] if result else [],
        "errors_truncated": bool(result and len(result.errors) > ERRORS_SHOWN),
        "stage": stage, "filename": filename, "skip_invalid": request.POST.get("skip_invalid") == "on",
        "upload_url": upload_url, "errors_url": errors_url, "template_url": template_url, **extra,
    }


def stage_errors(request: HttpRequest, staged: StagedUpload, result: ImportResult) -> None:
    """Keep the rows with errors for their download (or drop the last file's)."""
    staged.store_errors(request, error_rows_xlsx(result) if result.error_rows else None)


def refused_message(request: HttpRequest) -> None:
    messages.error(request, _("Nothing was imported: the file has errors. Correct them, or choose to "
                              "import the valid rows only."))


def finished_message(request: HttpRequest, result: ImportResult) -> None:
    messages.success(request, _("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d "
                                "unchanged, %(skipped)d rows not imported.") % {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "skipped": result.invalid_rows})


def xlsx_attachment(data: bytes, filename: str) -> HttpResponse:
    """A template (or other prepared .xlsx) as a download under a file name in any script."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def errors_download(request: HttpRequest, staged: StagedUpload) -> FileResponse:
    """The rows with errors of the last checked file (404 when there are none)."""
    return FileResponse(staged.errors_file(request).open("rb"), as_attachment=True,
                        filename=_("import-errors.xlsx"), content_type=XLSX)
