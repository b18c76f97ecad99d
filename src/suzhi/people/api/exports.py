"""Roster exports over the API (/api/v1/people/exports): start one with the list's filters, poll it,
fetch the file. Small exports are finished in the answer; large ones are background jobs."""

import datetime

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.errors import NotFound
from suzhi.core.models import ExportJob
from suzhi.core.selectors.exports import export_job_get
from suzhi.core.views.exports import export_file_response
from suzhi.people.services.exports import KIND, people_export_start

router = Router(tags=["people"])


class ExportIn(Schema):
    org_id: int | None = None
    category: str = ""
    active: bool | None = True
    q: str = ""
    unmasked: bool = False


class ExportJobOut(Schema):
    id: int
    title: str
    status: str
    total: int
    done: int
    percent: int
    unmasked: bool
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    file_url: str | None

    @staticmethod
    def resolve_file_url(obj: ExportJob) -> str | None:
        if obj.status != ExportJob.Status.DONE:
            return None
        return f"/api/v1/people/exports/{obj.pk}/file"


def _own_job(request: HttpRequest, job_id: int) -> ExportJob:
    job = export_job_get(user=current_user(request), job_id=job_id)
    if job.kind != KIND:
        raise NotFound()
    return job


@router.post("/", response={201: ExportJobOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Export the roster")
def export_create(request: HttpRequest, payload: ExportIn):
    """Filters as on the list (`active` defaults to true; null for everyone). `unmasked` needs pii.view
    over every organisation exported. Every export is written to the operation log. The answer's
    `status` is "done" with a `file_url` for a small export, else "queued": poll `GET /{id}`."""
    job = people_export_start(actor=current_user(request), **payload.dict())
    return Status(201, job)


@router.get("/{job_id}", response={200: ExportJobOut, 404: ErrorOut}, summary="An export's progress")
def export_detail(request: HttpRequest, job_id: int):
    """Only the caller's own exports; any other id answers 404."""
    return _own_job(request, job_id)


@router.get("/{job_id}/file", response={200: None, 404: ErrorOut}, summary="The exported .xlsx")
def export_file(request: HttpRequest, job_id: int) -> FileResponse:
    job = _own_job(request, job_id)
    if job.status != ExportJob.Status.DONE:
        raise NotFound()
    return export_file_response(job)
