"""My exports (我的导出): the caller's jobs with progress, refreshed by HTMX while running, and downloads."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from suzhi.core.models import ExportJob
from suzhi.core.selectors.exports import export_job_get, export_jobs_of
from suzhi.core.web import AuthedHttpRequest, paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_file_response(job: ExportJob) -> FileResponse:
    """The finished file of a job the caller has already been allowed to fetch."""
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404()
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404() from exc
    # Most exports are spreadsheets; a few kinds (activation sheets) are PDF documents.
    suffix, content_type = (".pdf", "application/pdf") if (job.file.name or "").endswith(".pdf") else (".xlsx", XLSX)
    return FileResponse(handle, as_attachment=True, filename=f"{job.title}{suffix}", content_type=content_type)


@never_cache
@login_required
def export_list(request: AuthedHttpRequest) -> HttpResponse:
    context = paginate(request, export_jobs_of(user=request.user))
    context["highlight"] = request.GET.get("job", "")
    return render(request, "core/exports/list.html", context)


@never_cache
@login_required
def export_status(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """One row of the list, for HTMX polling; the row stops polling once the job has finished."""
    job = export_job_get(user=request.user, job_id=job_id)
    return render(request, "core/exports/_row.html", {"job": job})


@never_cache
@login_required
def export_download(request: AuthedHttpRequest, job_id: int) -> FileResponse:
    return export_file_response(export_job_get(user=request.user, job_id=job_id))


urlpatterns = [
    path("exports/", export_list, name="export_list"),
    path("exports/<int:job_id>/status/", export_status, name="export_status"),
    path("exports/<int:job_id>/download/", export_download, name="export_download"),
]
