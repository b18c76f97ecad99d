"""Contests over the API (/api/v1/contests): organisers set up, publish and read results; participants start,
save each answer, and submit. The same selectors and services as the pages."""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, current_user, page_slice
from suzhi.core.errors import NotFound
from suzhi.core.web import ensure_perm
from suzhi.people.selectors.persons import person_for_user
from suzhi.quizzes.api.contest_schemas import (
    AnswerIn,
    CardOut,
    ItemOut,
    LiveOut,
    MarkIn,
    PersonResultPage,
    PublishIn,
    QuizIn,
    QuizOut,
    QuizPage,
    QuizPatchIn,
    RegradeChangePage,
    RegradeOut,
    SavedOut,
    SheetOut,
    ToMarkOut,
    UnitRankingOut,
)
from suzhi.quizzes.selectors import results as result_selectors
from suzhi.quizzes.selectors.attempts import attempt_sheet, contests_for
from suzhi.quizzes.selectors.banks import MANAGE, VIEW
from suzhi.quizzes.selectors.contests import quiz_get, quiz_managed, quizzes_visible
from suzhi.quizzes.services import attempts as attempt_services
from suzhi.quizzes.services import contests as contest_services
from suzhi.quizzes.services import results as result_services

router = Router(tags=["contests"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut}


def _unit(row: Any) -> dict[str, Any]:
    return {"rank": row.rank, "organisation": {"id": row.organisation_id, "name": row.organisation.name},
            "eligible": row.eligible, "participants": row.participants,
            "participation_rate": round(row.participation_rate, 4), "average_score": round(row.average_score, 2),
            "attempts": row.attempts, "attempts_per_person": round(row.attempts_per_person, 2)}


# Participant endpoints first: their fixed paths must not be read as a contest id.

@router.get("/mine", response={200: list[CardOut], 403: ErrorOut}, summary="My contests")
def my_contests(request: HttpRequest):
    """The contests open to the caller's person, each with whether they may start now and why not."""
    person = person_for_user(current_user(request))
    if person is None:
        return []
    return [{"quiz_id": c.quiz.pk, "title": c.quiz.title, "may_start": c.decision.allowed,
             "reason_code": c.decision.code, "reason": str(c.decision.message),
             "in_progress_attempt_id": c.in_progress.pk if c.in_progress else None,
             "score": float(c.result.score) if c.result and c.results_visible else None,
             "rank": c.result.rank if c.result and c.results_visible else None} for c in contests_for(person)]


@router.get("/attempts/{attempt_id}", response={200: SheetOut, **READ_ERRORS}, summary="My attempt's sheet")
def attempt_detail(request: HttpRequest, attempt_id: int):
    """The paper with the saved answers and the server's remaining time; the key only after the results show."""
    return attempt_sheet(attempt_services.attempt_current(actor=current_user(request), attempt_id=attempt_id))


@router.put("/attempts/{attempt_id}/answers/{slot}", response={200: SavedOut, **ERRORS}, summary="Save an answer")
def answer_save(request: HttpRequest, attempt_id: int, slot: int, payload: AnswerIn):
    """Choices are display positions (0 = A); {"value": true} for true/false; {"blanks": [...]}; {"text": ...}.
    An empty response clears the answer. 409 `finished` or `time_up` once the attempt is over."""
    saved = attempt_services.answer_save(actor=current_user(request), attempt_id=attempt_id, slot=slot,
                                         response=payload.response)
    return {"saved_at": saved.saved_at, "remaining_seconds": saved.remaining_seconds}


@router.post("/attempts/{attempt_id}/submit", response={200: SheetOut, **ERRORS}, summary="Submit (交卷)")
def attempt_submit(request: HttpRequest, attempt_id: int):
    """Idempotent: repeating it returns the same submission."""
    attempt = attempt_services.attempt_submit(actor=current_user(request), attempt_id=attempt_id)
    return attempt_sheet(attempt)


@router.post("/{quiz_id}/attempts", response={201: SheetOut, **ERRORS}, summary="Start or resume an attempt")
def attempt_start(request: HttpRequest, quiz_id: int):
    """Starts a new attempt on a paper frozen for the caller, or returns the one in progress."""
    attempt = attempt_services.attempt_start(actor=current_user(request), quiz_id=quiz_id)
    return Status(201, attempt_sheet(attempt))


# Organisers.

@router.get("/", response={200: QuizPage, **READ_ERRORS}, summary="Contests in the caller's scope")
def quiz_list(request: HttpRequest, activity_id: int | None = None, page: int = 1, page_size: int = 20):
    user = current_user(request)
    ensure_perm(user, VIEW)
    quizzes = quizzes_visible(user=user, activity_id=activity_id)
    rows_on_page = page_slice(page, page_size)
    return {"items": list(quizzes[rows_on_page]), "count": quizzes.count()}


@router.post("/", response={201: QuizOut, **ERRORS}, summary="Set up a contest")
def quiz_create(request: HttpRequest, payload: QuizIn):
    """`rules` default to the activity's settings in the plan (see docs/plan-format.md, kind `quiz`)."""
    user = current_user(request)
    quiz = contest_services.quiz_create(actor=user, **payload.dict())
    return Status(201, quiz_get(user=user, quiz_id=quiz.pk))


@router.get("/{quiz_id}", response={200: QuizOut, **READ_ERRORS}, summary="One contest")
def quiz_detail(request: HttpRequest, quiz_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    return quiz_get(user=user, quiz_id=quiz_id)


@router.patch("/{quiz_id}", response={200: QuizOut, **ERRORS}, summary="Change a contest")
def quiz_patch(request: HttpRequest, quiz_id: int, payload: QuizPatchIn):
    """Once people have started, the paper and the scoring rules cannot change."""
    user = current_user(request)
    quiz = quiz_managed(user=user, quiz_id=quiz_id)
    data = payload.dict(exclude_unset=True)
    contest_services.quiz_update(actor=user, quiz_id=quiz.pk, title=data.get("title", quiz.title),
                                 bank_id=data.get("bank_id", quiz.bank_id),
                                 description=data.get("description", quiz.description),
                                 rules=data.get("rules") or quiz.rules)
    return quiz_get(user=user, quiz_id=quiz.pk)


@router.post("/{quiz_id}/publish", response={200: QuizOut, **ERRORS}, summary="Publish or withdraw")
def quiz_publish(request: HttpRequest, quiz_id: int, payload: PublishIn):
    user = current_user(request)
    contest_services.quiz_publish(actor=user, quiz_id=quiz_id, published=payload.published)
    return quiz_get(user=user, quiz_id=quiz_id)


@router.get("/{quiz_id}/results", response={200: PersonResultPage, **READ_ERRORS}, summary="People's ranking")
def person_results(request: HttpRequest, quiz_id: int, org_id: int | None = None, q: str = "", page: int = 1,
                   page_size: int = 50):
    """Counted results by stored rank (ties: less time, then earlier finish), within the caller's scope."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    quiz = quiz_get(user=user, quiz_id=quiz_id)
    organisation = result_selectors.org_in_quiz(user=user, quiz=quiz, organisation_id=org_id) if org_id else None
    rows = result_selectors.person_ranking(user=user, quiz=quiz, organisation=organisation, q=q)
    rows_on_page = page_slice(page, page_size)
    items = [{"rank": r.rank, "person_id": r.person_id, "name": r.person.name,
              "organisation": {"id": r.organisation_id, "name": r.organisation.name}, "score": float(r.score),
              "seconds_used": r.seconds_used, "finished_at": r.finished_at, "attempts": r.attempts}
             for r in rows[rows_on_page]]
    return {"items": items, "count": rows.count(), "computed_at": quiz.results_computed_at}


@router.get("/{quiz_id}/units", response={200: UnitRankingOut, **READ_ERRORS}, summary="Organisations' ranking")
def unit_results(request: HttpRequest, quiz_id: int, org_id: int | None = None):
    """The organisation's figures and its sub-organisations ranked by the plan's rule."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    quiz = quiz_get(user=user, quiz_id=quiz_id)
    parent = result_selectors.org_in_quiz(user=user, quiz=quiz, organisation_id=org_id)
    figures = result_selectors.org_figures(quiz=quiz, organisation=parent)
    return {"organisation": {"id": parent.pk, "name": parent.name}, "figures": _unit(figures) if figures else None,
            "children": [_unit(r) for r in result_selectors.org_ranking(quiz=quiz, parent=parent)],
            "computed_at": quiz.results_computed_at}


@router.post("/{quiz_id}/results/refresh", response={200: QuizOut, **ERRORS}, summary="Recompute the ranks now")
def results_refresh(request: HttpRequest, quiz_id: int):
    user = current_user(request)
    result_services.quiz_results_refresh(actor=user, quiz_id=quiz_id)
    return quiz_get(user=user, quiz_id=quiz_id)


@router.get("/{quiz_id}/live", response={200: LiveOut, **READ_ERRORS}, summary="Live participation")
def live(request: HttpRequest, quiz_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    return result_selectors.live_participation(user=user, quiz=quiz_get(user=user, quiz_id=quiz_id))


@router.get("/{quiz_id}/items", response={200: list[ItemOut], **READ_ERRORS}, summary="Item analysis")
def items(request: HttpRequest, quiz_id: int):
    """Facility and discrimination index per question, hardest first."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return result_selectors.item_analysis(quiz=quiz_managed(user=user, quiz_id=quiz_id))


@router.post("/{quiz_id}/regrade", response={200: RegradeOut, **ERRORS}, summary="Regrade after a corrected key")
def regrade(request: HttpRequest, quiz_id: int):
    return result_services.quiz_regrade(actor=current_user(request), quiz_id=quiz_id)


@router.get("/{quiz_id}/regrades", response={200: RegradeChangePage, **READ_ERRORS},
            summary="Scores changed by regrading")
def regrade_record(request: HttpRequest, quiz_id: int, page: int = 1, page_size: int = 50):
    """Each score a regrade changed, newest first, for attempts in the caller's scope."""
    user = current_user(request)
    rows = result_selectors.regrade_changes(user=user, quiz=quiz_managed(user=user, quiz_id=quiz_id))
    rows_on_page = page_slice(page, page_size)
    return {"count": rows.count(), "items": [
        {"attempt_id": r.attempt_id, "attempt_number": r.attempt.number, "person": r.attempt.person.name,
         "organisation": r.attempt.organisation.name, "at": r.at,
         "old_score": None if r.old_score is None else str(r.old_score),
         "new_score": None if r.new_score is None else str(r.new_score),
         "actor": r.actor.username if r.actor else None} for r in rows[rows_on_page]]}


@router.get("/{quiz_id}/marking", response={200: list[ToMarkOut], **READ_ERRORS}, summary="Short answers to mark")
def to_mark(request: HttpRequest, quiz_id: int):
    user = current_user(request)
    quiz = quiz_managed(user=user, quiz_id=quiz_id)
    rows = result_selectors.answers_to_mark(user=user, quiz=quiz)[:200]
    return [{"answer_id": a.pk, "attempt_id": a.attempt_id, "person": a.attempt.person.name, "stem": a.version.stem,
             "text": (a.response or {}).get("text", ""), "points": float(a.points)} for a in rows]


@router.post("/answers/{answer_id}/mark", response={200: ToMarkOut, **ERRORS}, summary="Mark a short answer")
def mark(request: HttpRequest, answer_id: int, payload: MarkIn):
    answer = result_services.answer_mark(actor=current_user(request), answer_id=answer_id, score=payload.score)
    if answer is None:
        raise NotFound()
    return {"answer_id": answer.pk, "attempt_id": answer.attempt_id, "person": answer.attempt.person.name,
            "stem": answer.version.stem, "text": (answer.response or {}).get("text", ""),
            "points": float(answer.points)}
