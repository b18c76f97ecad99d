"""The summary table through the API (/api/v1/collections/activities/{id}/summary): the page's figures as JSON, and
the same PDF as the page's download (…/summary.pdf, logged)."""

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from suzhi.collections.manifest import REVIEW
from suzhi.collections.selectors.summary import Counts, SummaryRow, activity_summary
from suzhi.collections.services.summary import summary_pdf_logged
from suzhi.collections.views.summary import pdf_response
from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.web import ensure_perm

router = Router(tags=["征集"])


class CountsOut(Schema):
    submitted: int
    recommended: int
    not_passed: int
    judging: int
    adopted: int
    awarded: int
    benefit: float | None  # 万元; null when the plan names no benefit field


class RowOut(Schema):
    label: str
    organisation: int | None
    counts: CountsOut


class AwardedOut(Schema):
    category: str
    place: int | None
    award: str
    adopted: bool
    title: str
    unit: str
    first_author: str
    score: float | None


class SummaryOut(Schema):
    activity: int
    title: str
    organisation: int
    organisation_name: str
    issuer: str
    as_of: datetime.date
    by_organisation: list[RowOut]
    organisation_total: CountsOut
    by_category: list[RowOut]
    category_total: CountsOut
    published: bool
    awarded: list[AwardedOut]


def _counts(counts: Counts, benefit: bool) -> CountsOut:
    return CountsOut(**{**counts.as_dict(), "benefit": float(counts.benefit) if benefit else None})


def _rows(rows: list[SummaryRow], benefit: bool) -> list[RowOut]:
    return [RowOut(label=r.label, organisation=r.organisation_id, counts=_counts(r.counts, benefit)) for r in rows]


@router.get("/{activity_id}/summary", response={200: SummaryOut, 403: ErrorOut, 404: ErrorOut})
def summary(request: HttpRequest, activity_id: int, organisation: int | None = None) -> SummaryOut:
    """The summary table's figures for `organisation` (one the caller reviews for; default their highest): per
    organisation right below, per category, totals, and the awarded items once the results are published."""
    user = current_user(request)
    ensure_perm(user, REVIEW)
    found = activity_summary(user=user, activity_id=activity_id, organisation_id=organisation)
    benefit = found.benefit_counted
    return SummaryOut(
        activity=found.activity.pk, title=found.activity.title, organisation=found.organisation.pk,
        organisation_name=found.organisation.name, issuer=found.issuer.name, as_of=found.as_of,
        by_organisation=_rows(found.by_organisation, benefit),
        organisation_total=_counts(found.organisation_total, benefit),
        by_category=_rows(found.by_category, benefit), category_total=_counts(found.category_total, benefit),
        published=found.published, awarded=[AwardedOut(
            category=r.category, place=r.place, award=r.award, adopted=r.adopted, title=r.title, unit=r.unit,
            first_author=r.first_author, score=float(r.score) if r.score is not None else None)
            for r in found.awarded])


@router.get("/{activity_id}/summary.pdf", response={403: ErrorOut, 404: ErrorOut})
def summary_pdf(request: HttpRequest, activity_id: int, organisation: int | None = None) -> HttpResponse:
    """The summary table as an A4 PDF (the page's download); the operation log records it."""
    user = current_user(request)
    ensure_perm(user, REVIEW)
    return pdf_response(summary_pdf_logged(actor=user, activity_id=activity_id, organisation_id=organisation))
