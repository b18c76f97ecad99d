"""The roster import over the API: check or import a spreadsheet, fetch the template."""

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.services.org_import import ensure_upload_size
from suzhi.core.web import ensure_perm
from suzhi.people.services import imports as importer

router = Router(tags=["people"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class PersonImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    invalid_rows: int
    total_rows: int
    dry_run: bool
    written: bool = Field(description="Whether anything was written; counts are what the valid rows do")
    errors: list[ImportErrorOut]


@router.get("/template", summary="The roster import template (.xlsx) with dictionary dropdowns")
def person_import_template(request: HttpRequest):
    ensure_perm(current_user(request), importer.IMPORT)
    response = HttpResponse(importer.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=people-import-template.xlsx"
    return response


@router.post("", response={200: PersonImportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Check (dry_run) or import people from .xlsx/.xls/.ods/.csv")
def person_import(
    request: HttpRequest,
    file: File[UploadedFile],
    org_id: Form[int | None] = None,
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
):
    user = current_user(request)
    ensure_perm(user, importer.IMPORT)
    ensure_upload_size(file.size or 0)
    result = importer.people_import(
        actor=user, data=file.read(), filename=file.name or "", default_org_id=org_id, dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    return {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "invalid_rows": result.invalid_rows, "total_rows": result.total_rows, "dry_run": result.dry_run,
        "written": result.written, "errors": result.errors,
    }
