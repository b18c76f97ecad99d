"""Paper score sheets over the API (/api/v1/judging/paper-sheets): the template of an activity's open sheets and
their import (check with dry_run, then import), for admins who manage the activity (404 outside their scope)."""

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.api.imports import ImportOut, import_out
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed
from suzhi.core.imports import ensure_upload_size
from suzhi.core.views.imports import xlsx_attachment
from suzhi.core.web import ensure_perm
from suzhi.judging.access import activity_managed
from suzhi.judging.manifest import MANAGE
from suzhi.judging.paper import sheets_template_xlsx, template_filename
from suzhi.judging.selectors.paper import open_sheets
from suzhi.judging.services.paper import sheets_import

router = Router(tags=["评审"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PlannedOut(Schema):
    row: int
    code: str
    judge: str
    scores: dict[str, Decimal]  # criterion key -> score
    changes: int
    submit: bool


class SheetImportOut(ImportOut):
    """`created`: sheets submitted (every criterion given); `updated`: sheets given some scores and left open;
    `unchanged`: rows without a score. `rows`: what each valid row saves."""

    rows: list[PlannedOut]


@router.get("/{activity_id}/template", response={200: None, **ERRORS},
            summary="Template of the open score sheets (.xlsx)")
def sheets_template(request: HttpRequest, activity_id: int, category: str | None = None):
    """A row per sheet not yet submitted: 编号 (the entry's code), 评委, a column per criterion with its range;
    `category` keeps one category's sheets."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    found = open_sheets(user, activity_id, category=category)
    return xlsx_attachment(sheets_template_xlsx(found.rules, found.rows, title=found.activity.title),
                           template_filename(found.activity.title, category))


@router.post("/{activity_id}/import", response={200: SheetImportOut, **ERRORS},
             summary="Import paper score sheets from .xlsx/.xls/.ods/.csv")
def sheets_import_post(request: HttpRequest, activity_id: int, file: File[UploadedFile | None] = None,
                       dry_run: Form[bool] = False, skip_invalid: Form[bool] = False):
    """All or nothing unless `skip_invalid`; `dry_run` only checks."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    # The activity first: another organisation's answers 404 whatever the body.
    activity_managed(user, activity_id)
    if file is None:
        raise ValidationFailed(_("Choose a file to upload."), code=CoreErrors.EMPTY_FILE)
    ensure_upload_size(file.size or 0)
    result = sheets_import(actor=user, activity_id=activity_id, data=file.read(), filename=file.name or "",
                           dry_run=dry_run, skip_invalid=skip_invalid)
    return import_out(result, rows=[{"row": p.number, "code": p.code, "judge": p.judge, "scores": p.values,
                                     "changes": p.changes, "submit": p.submit} for p in result.planned])
