"""The submissions export as a download (导出), from the review queue's button; the API answers with the same
file (api/exports.py). Thin: selectors.exports reads and writes the sheet."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from suzhi.collections.manifest import VIEW
from suzhi.collections.selectors.exports import ExportFilters, SubmissionsExport
from suzhi.collections.services.exports import submissions_export_logged
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.files.serving import content_disposition, safe_download_name
from suzhi.core.web import AuthedHttpRequest, require_perm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(export: SubmissionsExport) -> HttpResponse:
    response = HttpResponse(export.content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(safe_download_name(export.filename, "xlsx"))
    response["Cache-Control"] = "private, no-store"
    return response


@require_perm(VIEW)
def export(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    """?state=&level=&category=: the activity's submissions in the user's scope as .xlsx; too many: back to the
    queue with the reason."""
    try:
        return xlsx_response(submissions_export_logged(actor=request.user, activity_id=activity_id,
                                                       filters=ExportFilters.of(request.GET)))
    except NotFound:
        raise
    except ValidationFailed as refused:
        messages.error(request, str(refused.message))
        return redirect(f"{reverse('collections:queue')}?activity={activity_id}")
