"""The submissions export through the API (/api/v1/collections/exports): the same .xlsx as the page's button."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from suzhi.collections.manifest import VIEW
from suzhi.collections.selectors.exports import ExportFilters
from suzhi.collections.services.exports import submissions_export_logged
from suzhi.collections.views.exports import xlsx_response
from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.web import ensure_perm

router = Router(tags=["征集"])


@router.get("/submissions", response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def submissions_xlsx(request: HttpRequest, activity: int, state: str = "", level: int | None = None,
                     category: str = "") -> HttpResponse:
    """The activity's submissions in the caller's collection.view scope as .xlsx (filters: state, level index,
    category); phones masked without pii.view, ID numbers never; 422 `export_too_large` past the export limit."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    filters = ExportFilters.of({"state": state, "level": "" if level is None else str(level), "category": category})
    return xlsx_response(submissions_export_logged(actor=user, activity_id=activity, filters=filters))
