"""The summary table (汇总表) of a collection activity: the printable page and its PDF. Thin: selectors/summary.py
reads and typesets, services/summary.py logs the PDF."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from suzhi.collections.manifest import REVIEW
from suzhi.collections.selectors.summary import activity_summary
from suzhi.collections.services.summary import SummaryPdf, summary_pdf_logged
from suzhi.core.files.serving import content_disposition, safe_download_name
from suzhi.core.web import AuthedHttpRequest, require_perm


def pdf_response(pdf: SummaryPdf) -> HttpResponse:
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(safe_download_name(pdf.filename, "pdf"))
    response["Cache-Control"] = "private, no-store"
    return response


@require_perm(REVIEW)
def summary(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    """?organisation=: whose subtree (one the user reviews for; default their highest)."""
    found = activity_summary(user=request.user, activity_id=activity_id,
                             organisation_id=request.GET.get("organisation"))
    pdf_url = f"{reverse('collections:summary_pdf', args=[activity_id])}?organisation={found.organisation.pk}"
    return render(request, "collections/summary.html", {"summary": found, "pdf_url": pdf_url})


@require_perm(REVIEW)
def summary_pdf(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    return pdf_response(summary_pdf_logged(actor=request.user, activity_id=activity_id,
                                           organisation_id=request.GET.get("organisation")))
