"""Exporting the roster (人员导出) from the list's filters: a small export downloads at once, a large
one becomes a background job shown on "my exports"."""

from typing import Any

from django.contrib import messages
from django.http import QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from suzhi.core.models import ExportJob
from suzhi.core.services.exports import sync_max_rows
from suzhi.core.views.exports import export_file_response
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.people.selectors.persons import VIEW, pii_viewer
from suzhi.people.services.exports import people_export_count, people_export_start

FILTER_KEYS = ("org", "category", "active", "q")


def export_filters(query: QueryDict) -> dict[str, Any]:
    """The list page's filters (same names and defaults: active people unless asked otherwise)."""
    return {
        "org_id": query.get("org", "").strip() or None,
        "category": query.get("category", "").strip()[:64],
        "active": {"1": True, "0": False}.get(query.get("active", "1")),
        "q": query.get("q", "").strip()[:100],
    }


@never_cache
@require_perm(VIEW)
def person_export(request: AuthedHttpRequest) -> HttpResponseBase:
    """Without `run=1`: what would be exported, and the unmasked option for pii.view holders.
    With it: export (logged) and download, or hand over to the background job."""
    filters = export_filters(request.GET)
    if request.GET.get("run") != "1":
        total = people_export_count(user=request.user, **filters)
        hidden = [(key, request.GET[key]) for key in FILTER_KEYS if key in request.GET]
        if "active" not in request.GET:
            hidden.append(("active", "1"))
        return render(request, "people/exports/confirm.html", {
            "total": total, "background": total > sync_max_rows(), "hidden": hidden,
            "offer_unmasked": pii_viewer(request.user),
            "back": f"{reverse('people:person_list')}?{request.GET.urlencode()}",
        })
    job = people_export_start(actor=request.user, unmasked=request.GET.get("unmasked") == "1", **filters)
    if job.status == ExportJob.Status.DONE:
        return export_file_response(job)
    if job.status == ExportJob.Status.FAILED:
        messages.error(request, job.error)
    else:
        messages.info(request, _("The export of %(count)d rows is being written in the background; download it "
                                 "here when it is ready.") % {"count": job.total})
    return redirect(f"{reverse('core:export_list')}?job={job.pk}")


urlpatterns = [path("export/", person_export, name="person_export")]
