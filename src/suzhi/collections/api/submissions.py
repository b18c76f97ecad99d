"""The collection API (/api/v1/collections): the same operations as the pages. Thin: services decide, selectors
read; another town's submissions answer 404, a participant cannot review."""

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from suzhi.collections.manifest import REVIEW
from suzhi.collections.selectors import submissions as selectors
from suzhi.collections.selectors.attachments import attachment_for
from suzhi.collections.services import reviews, submissions
from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.files.serving import file_response
from suzhi.core.web import ensure_perm

router = Router(tags=["征集"])


class AuthorIn(Schema):
    person: int
    share: int = 100


class SubmissionIn(Schema):
    activity: int
    title: str
    values: dict[str, Any] = {}
    category: str = ""
    organisation: int | None = None  # a unit submitting for `authors`
    authors: list[AuthorIn] | None = None
    submit: bool = False


class SubmissionEdit(Schema):
    title: str
    values: dict[str, Any] = {}
    category: str = ""
    authors: list[AuthorIn] | None = None


class AttachmentOut(Schema):
    name: str
    size: int
    ref: str


class AuthorOut(Schema):
    person: int
    name: str
    share: int


class SubmissionOut(Schema):
    id: int
    activity: int
    title: str
    state: str
    category: str
    organisation: int
    reviewer: int | None
    level: int
    values: dict[str, Any]
    authors: list[AuthorOut]
    submitted_at: datetime.datetime | None


class SubmissionPage(Schema):
    count: int
    page: int
    pages: int
    items: list[SubmissionOut]


class ReviewIn(Schema):
    action: str = ""
    comment: str = ""
    category: str = ""


class BulkIn(ReviewIn):
    ids: list[int]


class OutcomeOut(Schema):
    id: int
    ok: bool
    state: str
    code: str
    message: str


class PendingOut(Schema):
    id: int
    name: str
    n: int


def _out(s: Any) -> SubmissionOut:
    return SubmissionOut(id=s.pk, activity=s.activity_id, title=s.title, state=s.state, category=s.category,
                         organisation=s.organisation_id, reviewer=s.reviewer_id, level=s.level, values=s.values,
                         authors=[AuthorOut(person=a.person_id, name=a.person.name, share=a.share)
                                  for a in s.authors.all()], submitted_at=s.submitted_at)


def _authors(items: list[AuthorIn] | None) -> list[submissions.AuthorIn] | None:
    return None if items is None else [submissions.AuthorIn(a.person, a.share) for a in items]


def _fresh(user: Any, pk: int) -> SubmissionOut:
    return _out(selectors.submission_detail(user=user, submission_id=pk))


@router.get("/submissions", response=list[SubmissionOut])
def my_list(request: HttpRequest, activity: int | None = None) -> list[SubmissionOut]:
    """The caller's own submissions (as submitter or author)."""
    return [_out(s) for s in selectors.my_submissions(user=current_user(request), activity_id=activity)]


@router.post("/submissions", response={201: SubmissionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                       409: ErrorOut, 422: ErrorOut})
def create(request: HttpRequest, payload: SubmissionIn) -> Status:
    user = current_user(request)
    saved = submissions.submission_save(actor=user, activity_id=payload.activity, title=payload.title,
                                        values=payload.values, category=payload.category,
                                        organisation_id=payload.organisation, authors=_authors(payload.authors))
    if payload.submit:
        submissions.submission_submit(actor=user, submission_id=saved.pk)
    return Status(201, _fresh(user, saved.pk))


@router.get("/submissions/{submission_id}", response={200: SubmissionOut, 404: ErrorOut})
def detail(request: HttpRequest, submission_id: int) -> SubmissionOut:
    return _fresh(current_user(request), submission_id)


@router.put("/submissions/{submission_id}", response={200: SubmissionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                           422: ErrorOut})
def edit(request: HttpRequest, submission_id: int, payload: SubmissionEdit) -> SubmissionOut:
    user = current_user(request)
    submissions.submission_edit(actor=user, submission_id=submission_id, title=payload.title, values=payload.values,
                                category=payload.category, authors=_authors(payload.authors))
    return _fresh(user, submission_id)


@router.post("/submissions/{submission_id}/submit", response={200: SubmissionOut, 403: ErrorOut, 404: ErrorOut,
                                                   409: ErrorOut, 422: ErrorOut})
def submit(request: HttpRequest, submission_id: int) -> SubmissionOut:
    user = current_user(request)
    submissions.submission_submit(actor=user, submission_id=submission_id)
    return _fresh(user, submission_id)


@router.post("/submissions/{submission_id}/withdraw", response={200: SubmissionOut, 404: ErrorOut, 409: ErrorOut})
def withdraw(request: HttpRequest, submission_id: int) -> SubmissionOut:
    user = current_user(request)
    submissions.submission_withdraw(actor=user, submission_id=submission_id)
    return _fresh(user, submission_id)


@router.post("/submissions/{submission_id}/files", response={200: list[AttachmentOut], 403: ErrorOut, 404: ErrorOut,
                                                  409: ErrorOut, 422: ErrorOut})
def attachment_add(request: HttpRequest, submission_id: int, key: Form[str] = "",
                   file: File[UploadedFile | None] = None) -> list[AttachmentOut]:
    """Store a file in the attachment field `key` of a submission the caller may still edit; the field's files
    after (a field of one file has it replaced). A refused file answers 422 with the reason in Chinese."""
    value = submissions.attachment_add(actor=current_user(request), submission_id=submission_id, key=key,
                                       upload=file)
    return [AttachmentOut(**entry) for entry in value]


@router.get("/submissions/{submission_id}/files/{ref}", response={404: ErrorOut})
def attachment(request: HttpRequest, submission_id: int, ref: str, thumbnail: bool = False) -> FileResponse:
    """A file of a submission the caller may see, named "<item>-<submission>-附件<n>"; `thumbnail`: an image's
    thumbnail."""
    stored, name = attachment_for(user=current_user(request), submission_id=submission_id, ref=ref)
    return file_response(request=request, stored=stored, download_name=name, thumbnail=thumbnail)


@router.post("/submissions/{submission_id}/review", response={200: SubmissionOut, 403: ErrorOut, 404: ErrorOut,
                                                   409: ErrorOut, 422: ErrorOut})
def review(request: HttpRequest, submission_id: int, payload: ReviewIn) -> SubmissionOut:
    user = current_user(request)
    ensure_perm(user, REVIEW)
    reviews.submission_review(actor=user, submission_id=submission_id, action=payload.action, comment=payload.comment,
                              category=payload.category)
    return _fresh(user, submission_id)


@router.post("/review", response={200: list[OutcomeOut], 403: ErrorOut})
def review_bulk(request: HttpRequest, payload: BulkIn) -> list[OutcomeOut]:
    """The same action on many submissions; the outcome of each, in order."""
    user = current_user(request)
    ensure_perm(user, REVIEW)
    return [OutcomeOut(**vars(o)) for o in reviews.submissions_review_bulk(
        actor=user, submission_ids=payload.ids[:500], action=payload.action, comment=payload.comment,
        category=payload.category)]


def _reviewing(request: HttpRequest, organisation: int | None, activity: int | None) -> tuple[Any, Any]:
    user = current_user(request)
    ensure_perm(user, REVIEW)
    org = selectors.reviewing_organisation(user=user, organisation_id=organisation)
    found = selectors.collection_activities(user=user).filter(pk=activity).first() if activity else None
    return org, found


@router.get("/queue", response={200: SubmissionPage, 403: ErrorOut, 404: ErrorOut})
def queue(request: HttpRequest, organisation: int | None = None, activity: int | None = None,
          tab: selectors.Tab = selectors.Tab.RECEIVED, page: int = 1) -> SubmissionPage:
    """A reviewing organisation's received, forwarded, returned or rejected submissions, 50 a page."""
    org, found = _reviewing(request, organisation, activity)
    shown = selectors.queue(organisation=org, activity=found, tab=tab, page=page)
    return SubmissionPage(count=shown.paginator.count, page=shown.number, pages=shown.paginator.num_pages,
                          items=[_out(s) for s in shown.object_list])


@router.get("/pending", response={200: list[PendingOut], 403: ErrorOut, 404: ErrorOut})
def pending(request: HttpRequest, organisation: int | None = None, activity: int | None = None) -> list[PendingOut]:
    """The organisations below that have submissions still waiting for their review."""
    org, found = _reviewing(request, organisation, activity)
    return [PendingOut(**row) for row in selectors.pending_below(organisation=org, activity=found)]


@router.get("/counts", response={200: dict[str, int], 403: ErrorOut, 404: ErrorOut})
def counts(request: HttpRequest, organisation: int | None = None, activity: int | None = None) -> dict[str, int]:
    org, found = _reviewing(request, organisation, activity)
    return selectors.state_counts(organisation=org, activity=found)


class RankedRowOut(Schema):
    submission_id: int
    place: int | None
    title: str
    unit: str
    score: float | None
    award: str
    adopted: bool
    implementation: str
    implementation_confirmed: bool


class CategoryRankingOut(Schema):
    category: str
    rows: list[RankedRowOut]


class DecisionsOut(Schema):
    decided: int
    adopted: int
    awarded: int


@router.get("/activities/{activity_id}/results", response={200: list[CategoryRankingOut], 404: ErrorOut})
def results(request: HttpRequest, activity_id: int) -> list[CategoryRankingOut]:
    from suzhi.collections.selectors.results import activity_results

    _activity, groups = activity_results(current_user(request), activity_id)
    return [CategoryRankingOut(category=g.category, rows=[RankedRowOut(
        submission_id=r.submission_id, place=r.place, title=r.title, unit=r.unit,
        score=float(r.score) if r.score is not None else None, award=r.award, adopted=r.adopted,
        implementation=r.implementation, implementation_confirmed=r.implementation_confirmed)
        for r in g.rows]) for g in groups]


@router.post("/activities/{activity_id}/decisions", response={200: DecisionsOut, 403: ErrorOut, 404: ErrorOut,
                                                              409: ErrorOut})
def decisions(request: HttpRequest, activity_id: int) -> DecisionsOut:
    from suzhi.collections.services.decisions import decisions_apply

    done = decisions_apply(actor=current_user(request), activity_id=activity_id)
    return DecisionsOut(decided=len(done), adopted=sum(d.adopted for d in done),
                        awarded=sum(bool(d.award) for d in done))
