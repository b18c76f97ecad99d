"""The roster import over the API: check or import a spreadsheet, fetch the template."""

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router
from ninja.files import UploadedFile

from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.api.imports import ImportOut, import_out
from suzhi.core.imports import ensure_upload_size
from suzhi.core.web import ensure_perm
from suzhi.people import sheet
from suzhi.people.services import imports as importer

router = Router(tags=["people"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/template", summary="The roster import template (.xlsx) with dictionary dropdowns")
def person_import_template(request: HttpRequest):
    ensure_perm(current_user(request), importer.IMPORT)
    response = HttpResponse(sheet.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=people-import-template.xlsx"
    return response


@router.post("", response={200: ImportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
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
    return import_out(result)
