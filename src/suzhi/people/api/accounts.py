"""Opening accounts in bulk over the API (/api/v1/people/accounts): for listed people or everyone without an account in
an organisation; the answer gives the counts and where to fetch the activation sheet (the caller's alone)."""

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import ExportJob
from suzhi.core.selectors.exports import export_job_get
from suzhi.core.views.exports import export_file_response
from suzhi.core.web import ensure_perm
from suzhi.people.services.accounts import (
    MAX_BATCH,
    SHEET_KIND,
    AccountsBatch,
    accounts_create_for_people,
    activation_codes_reissue,
)

router = Router(tags=["people"])


class AccountsIn(Schema):
    person_ids: list[int] | None = Field(None, description=f"The people to open accounts for (at most {MAX_BATCH})")
    org_id: int | None = Field(None, description="With `all`: the organisation (and those below it)")
    all: bool = Field(False, description=f"Everyone active without an account in `org_id`, up to {MAX_BATCH} "
                                         "at a time (`remaining` says how many more)")


class AccountsOut(Schema):
    created: int
    reissued: int
    already: int
    no_account: int
    skipped: int
    inactive: int
    remaining: int
    sheet_url: str | None


@router.post("", response={201: AccountsOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Open participant accounts with activation codes")
def accounts_create(request: HttpRequest, payload: AccountsIn):
    """Needs person.manage and user.manage. Each new account is "ry" and the person's id, holds the participant role
    and has a one-time activation code; the codes are in the PDF at `sheet_url` only (fetchable by the caller alone).
    Ids that are unknown or outside the caller's scope are counted in `skipped`; when none is in scope, 404."""
    user = current_user(request)
    ensure_perm(user, "user.manage")
    url = request.build_absolute_uri(reverse("core:activate"))
    if payload.all:
        if payload.org_id is None:
            message = _("With “all”, give the organisation (org_id) whose people get accounts.")
            raise ValidationFailed(message, detail=[{"field": "org_id", "message": message}])
        batch = accounts_create_for_people(actor=user, activate_url=url, org_id=payload.org_id, all_in_org=True)
    else:
        batch = accounts_create_for_people(actor=user, activate_url=url, person_ids=payload.person_ids or [])
    return Status(201, _answer(batch))


def _answer(batch: AccountsBatch) -> dict:
    sheet_url = f"/api/v1/people/accounts/sheets/{batch.sheet.pk}" if batch.sheet is not None else None
    return {"created": batch.created, "reissued": batch.reissued, "already": batch.already,
            "no_account": batch.no_account, "skipped": batch.skipped, "inactive": batch.inactive,
            "remaining": batch.remaining, "sheet_url": sheet_url}


class ReissueIn(Schema):
    person_ids: list[int] = Field(..., description=f"The people to give new codes (at most {MAX_BATCH})")


@router.post("/codes", response={201: AccountsOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="New activation codes for accounts not yet activated")
def accounts_reissue(request: HttpRequest, payload: ReissueIn):
    """For people whose account still waits for activation: new codes on a new sheet, the old codes stop working.
    People without an account (`no_account`) or already activated (`already`) are counted and left alone."""
    user = current_user(request)
    ensure_perm(user, "user.manage")
    batch = activation_codes_reissue(actor=user, activate_url=request.build_absolute_uri(reverse("core:activate")),
                                     person_ids=payload.person_ids)
    return Status(201, _answer(batch))


@router.get("/sheets/{job_id}", response={200: None, 404: ErrorOut}, summary="An activation sheet (PDF)")
def accounts_sheet(request: HttpRequest, job_id: int) -> FileResponse:
    """Only the caller's own sheets; any other id answers 404."""
    job = export_job_get(user=current_user(request), job_id=job_id)
    if job.kind != SHEET_KIND or job.status != ExportJob.Status.DONE:
        raise NotFound()
    return export_file_response(job)
