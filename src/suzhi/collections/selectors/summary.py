"""The summary table (汇总表) of a collection activity as one reviewing organisation sees it: its subtree's figures
per organisation right below it and per category, and once the judging results are published the awarded and
adopted items. The committee reads it for the federation (its towns in the rows), a town for its units.

Who may read it: a user reviewing (collection.review) for the organisation, when the activity reaches that
organisation (organised at or above it, or within its subtree); anyone else gets 404. A fixed number of queries
whatever the number of organisations: one aggregate over the subtree grouped by branch and category, one for the
benefits of awarded items, and for the award list one for the items and one for their first authors."""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import pgettext

from suzhi.campaigns.models import Activity
from suzhi.collections.levels import settings_of
from suzhi.collections.manifest import REVIEW
from suzhi.collections.models import ReviewStep, Submission, SubmissionAuthor
from suzhi.collections.review import Action, State
from suzhi.collections.selectors.submissions import reviewing_organisation
from suzhi.collections.services.common import collection_activity
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation
from suzhi.core.pdf import html_to_pdf
from suzhi.judging.selectors.results import published_results

PDF_TEMPLATE = "collections/summary_pdf.html"

# Neither drafts nor what the author withdrew before any review were collected.
NOT_COLLECTED = (State.DRAFT, State.WITHDRAWN)
NOT_PASSED = (State.RETURNED, State.REJECTED)


@dataclasses.dataclass
class Counts:
    submitted: int = 0
    recommended: int = 0  # recommended beyond the row's organisation (accepted at the top included)
    not_passed: int = 0  # returned for revision or not recommended, as they stand now
    judging: int = 0  # accepted: handed to the expert judging
    adopted: int = 0
    awarded: int = 0
    benefit: Decimal = Decimal(0)  # 万元, of the awarded items

    def add(self, other: "Counts") -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class SummaryRow:
    label: str
    counts: Counts
    organisation_id: int | None = None  # a row of an organisation below (the page links its own summary)


@dataclasses.dataclass(frozen=True)
class AwardedRow:
    category: str
    place: int | None
    award: str
    adopted: bool
    title: str
    unit: str
    first_author: str  # the name only: no ID number, no phone
    score: Decimal | None


@dataclasses.dataclass(frozen=True)
class Summary:
    activity: Activity
    organisation: Organisation  # whose subtree is summed
    issuer: Organisation  # who issues the table: the organiser when the viewer reviews for it
    as_of: datetime.date
    by_organisation: list[SummaryRow]
    organisation_total: Counts
    by_category: list[SummaryRow]
    category_total: Counts
    published: bool
    awarded: list[AwardedRow]
    benefit_counted: bool  # the plan names a benefit field


def summary_organisation(*, user: Any, activity: Activity, organisation_id: Any = None) -> Organisation:
    """The organisation whose summary the user reads: the one asked for if they review for it, else their highest
    reviewing organisation (the federation for the committee); 404 when the activity does not reach it (another
    town's own activity)."""
    organisation = reviewing_organisation(user=user, organisation_id=organisation_id)
    organiser = activity.organiser.path
    if not (organisation.path.startswith(organiser) or organiser.startswith(organisation.path)):
        raise NotFound()
    return organisation


def activity_summary(*, user: Any, activity_id: Any, organisation_id: Any = None,
                     today: datetime.date | None = None) -> Summary:
    activity = collection_activity(activity_id)
    organisation = summary_organisation(user=user, activity=activity, organisation_id=organisation_id)
    settings = settings_of(activity)
    depth = organisation.depth
    children = list(Organisation.objects.filter(path__startswith=organisation.path, depth=depth + 1)
                    .only("pk", "name", "path", "is_active").order_by("path"))
    submissions = Submission.objects.filter(activity=activity, organisation__path__startswith=organisation.path) \
        .exclude(state__in=NOT_COLLECTED).annotate(
            branch=Substr("organisation__path", 1, len(organisation.path) + Organisation.steplen))
    cells = _cells(submissions, depth)
    for branch, category, values in submissions.filter(decision__award__gt="").values_list(
            "branch", "category", "values"):
        benefit = settings.benefit(values)
        if benefit is not None:
            cells.setdefault((branch, category), Counts()).benefit += benefit
    by_branch: dict[str, Counts] = {}
    by_category: dict[str, Counts] = {}
    for (branch, category), counts in cells.items():
        by_branch.setdefault(branch, Counts()).add(counts)
        by_category.setdefault(category, Counts()).add(counts)
    org_rows = _organisation_rows(organisation, children, by_branch)
    category_rows = [SummaryRow(name, by_category.get(name, Counts())) for name in settings.categories]
    category_rows += [SummaryRow(name, by_category[name]) for name in sorted(by_category)
                      if name and name not in settings.categories]
    if "" in by_category:
        category_rows.append(SummaryRow("", by_category[""]))
    results = published_results(activity)
    return Summary(
        activity=activity, organisation=organisation,
        issuer=activity.organiser if scope.may_manage(user, REVIEW, activity.organiser) else organisation,
        as_of=today or timezone.localdate(), by_organisation=org_rows, organisation_total=_total(org_rows),
        by_category=category_rows, category_total=_total(category_rows), published=bool(results),
        awarded=_awarded(activity, organisation, settings.categories) if results else [],
        benefit_counted=settings.benefit_field is not None)


def _cells(submissions: Any, depth: int) -> dict[tuple[str, str], Counts]:
    """The counts per (branch, category) in one query. Reviewers are the submitting unit or its ancestors, so an
    item has left its branch when its reviewer is at the viewed organisation's depth or above; it was recommended
    from the branch when a reviewer inside it (deeper) recommended it."""
    recommended_inside = Exists(ReviewStep.objects.filter(submission=OuterRef("pk"), action=Action.RECOMMEND,
                                                          organisation__depth__gt=depth))
    onward = Q(recommended_inside) & (Q(reviewer__depth__lte=depth) | Q(state=State.ACCEPTED))
    rows = submissions.order_by().values("branch", "category").annotate(
        submitted=Count("pk"), recommended=Count("pk", filter=onward),
        not_passed=Count("pk", filter=Q(state__in=NOT_PASSED)), judging=Count("pk", filter=Q(state=State.ACCEPTED)),
        adopted=Count("pk", filter=Q(decision__adopted=True)),
        awarded=Count("pk", filter=Q(decision__award__gt="")))
    return {(row["branch"], row["category"]): Counts(
        submitted=row["submitted"], recommended=row["recommended"], not_passed=row["not_passed"],
        judging=row["judging"], adopted=row["adopted"], awarded=row["awarded"]) for row in rows}


def _organisation_rows(organisation: Organisation, children: list[Organisation],
                       by_branch: dict[str, Counts]) -> list[SummaryRow]:
    """Every organisation right below, with zeros for those that collected nothing (an inactive one only if it
    has figures); what the organisation itself submitted comes first, if anything."""
    rows = []
    if organisation.path in by_branch:
        rows.append(SummaryRow(organisation.name, by_branch[organisation.path]))
    for child in children:
        counts = by_branch.get(child.path)
        if counts is not None or child.is_active:
            rows.append(SummaryRow(child.name, counts or Counts(), organisation_id=child.pk))
    return rows


def _total(rows: list[SummaryRow]) -> Counts:
    total = Counts()
    for row in rows:
        total.add(row.counts)
    return total


def _awarded(activity: Activity, organisation: Organisation, categories: list[str]) -> list[AwardedRow]:
    """The subtree's awarded or adopted items: by the plan's category order, then place."""
    items = list(Submission.objects.filter(activity=activity, organisation__path__startswith=organisation.path)
                 .filter(Q(decision__award__gt="") | Q(decision__adopted=True))
                 .select_related("organisation", "decision")
                 .only("pk", "title", "category", "organisation__name", "decision__award", "decision__adopted",
                       "decision__place", "decision__score"))
    firsts: dict[int, str] = {}
    for submission_id, name in SubmissionAuthor.objects.filter(submission__in=[s.pk for s in items]).order_by(
            "submission_id", "position", "pk").values_list("submission_id", "person__name"):
        firsts.setdefault(submission_id, name)
    order = {name: index for index, name in enumerate(categories)}
    items.sort(key=lambda s: (order.get(s.category, len(order)), s.category, s.decision.place or 10**9, s.pk))
    return [AwardedRow(category=s.category, place=s.decision.place, award=s.decision.award,
                       adopted=s.decision.adopted, title=s.title, unit=s.organisation.name,
                       first_author=firsts.get(s.pk, ""), score=s.decision.score) for s in items]


def summary_filename(summary: Summary) -> str:
    return f"{summary.activity.title}-{pgettext('summary file name', 'summary table')}-{summary.organisation.name}.pdf"


def summary_pdf(summary: Summary) -> bytes:
    """The summary as an A4 PDF: the same tables as the page, with a running header and page numbers."""
    return html_to_pdf(render_to_string(PDF_TEMPLATE, {"summary": summary}))
