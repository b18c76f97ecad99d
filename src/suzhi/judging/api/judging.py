"""Judging over the API (/api/v1/judging), through the same selectors and services as the pages. A judge reads
and scores only the entries assigned to them; under blind review no answer names an author, an organisation or a
nominee. Organisers' operations are scoped by the activity's organiser (404 outside)."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, current_user, page_slice
from suzhi.core.web import ensure_perm
from suzhi.judging.access import activities_managed
from suzhi.judging.manifest import MANAGE, SCORE
from suzhi.judging.selectors.admin import assignment_overview, entry_exclusions
from suzhi.judging.selectors.results import results_by_category
from suzhi.judging.selectors.sheets import EntryView, my_assignments, sheet_for
from suzhi.judging.services import assignments as assignment_services
from suzhi.judging.services import results as result_services
from suzhi.judging.services import scores as score_services
from suzhi.judging.services.entries import conflict_declare, panel_set

router = Router(tags=["评审"])
ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EntryOut(Schema):
    id: int
    label: str
    title: str
    category: str
    organisation: str | None  # null under blind review


class AssignedOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    state: str
    total: Decimal | None
    entry: EntryOut


class AssignedPage(Schema):
    items: list[AssignedOut]
    count: int


class CriterionOut(Schema):
    key: str
    label: str
    weight: float
    max_score: float
    description: str


class OtherOut(Schema):
    judge: str
    total: Decimal | None
    scores: dict[str, Decimal]


class ContentOut(Schema):
    title: str
    fields: list[tuple[str, str]]
    attachments: list[tuple[str, str]]


class SheetOut(Schema):
    id: int
    state: str
    total: Decimal | None
    entry: EntryOut
    content: ContentOut
    criteria: list[CriterionOut]
    scores: dict[str, Decimal]
    others: list[OtherOut]


class ScoresIn(Schema):
    values: dict[str, Decimal] = {}


class ConflictIn(Schema):
    judge_id: int
    reason: str
    entry_id: int | None = None
    organisation_id: int | None = None


class PanelIn(Schema):
    judge_ids: list[int] = []
    category: str = ""
    title: str = ""


class ActivityOut(Schema):
    id: int
    title: str
    campaign: str
    organiser: str


class LoadOut(Schema):
    user_id: int
    name: str
    organisation: str
    categories: list[str]
    assigned: int
    submitted: int


class OverviewOut(Schema):
    entries: int
    judges_per_entry: int
    balanced: bool
    judges: list[LoadOut]


class ExclusionOut(Schema):
    user_id: int
    name: str
    reasons: list[str]


class ResultOut(Schema):
    entry_id: int
    source: str
    label: str
    title: str
    category: str
    organisation: str
    score: Decimal | None
    rank: int | None
    judges: int


class ResultsOut(Schema):
    state: str | None
    computed_at: datetime.datetime | None
    items: list[ResultOut]


class StateOut(Schema):
    state: str


class JudgeIn(Schema):
    judge_id: int


class CountOut(Schema):
    count: int


def _entry(view: EntryView) -> dict[str, Any]:
    return {"id": view.id, "label": view.label, "title": view.title, "category": view.category,
            "organisation": view.organisation}


def _sheet(request: HttpRequest, sheet_id: int) -> dict[str, Any]:
    sheet = sheet_for(current_user(request), sheet_id)
    return {"id": sheet.assignment.pk, "state": sheet.assignment.state, "total": sheet.assignment.total,
            "entry": _entry(sheet.entry),
            "content": {"title": sheet.content.title, "fields": list(sheet.content.fields),
                        "attachments": list(sheet.content.attachments)},
            "criteria": [c.model_dump(include={"key", "label", "weight", "max_score", "description"})
                         for c in sheet.criteria],
            "scores": sheet.scores,
            "others": [{"judge": o.judge, "total": o.total, "scores": o.scores} for o in sheet.others]}


# Judges

@router.get("/sheets", response={200: AssignedPage, 403: ErrorOut}, summary="My entries to judge")
def assignment_list(request: HttpRequest, page: int = 1, page_size: int = 20):
    user = current_user(request)
    ensure_perm(user, SCORE)
    rows, count = my_assignments(user, rows=page_slice(page, page_size))
    return {"count": count, "items": [
        {"id": r.assignment_id, "activity_id": r.activity_id, "activity_title": r.activity_title, "state": r.state,
         "total": r.total, "entry": _entry(r.entry)} for r in rows]}


@router.get("/sheets/{sheet_id}", response={200: SheetOut, **ERRORS}, summary="My score sheet")
def assignment_get(request: HttpRequest, sheet_id: int):
    """The entry (blind when the plan says), the rubric, my scores; the other judges' sheets after I submit."""
    return _sheet(request, sheet_id)


@router.put("/sheets/{sheet_id}/scores", response={200: SheetOut, **ERRORS}, summary="Save scores")
def scores_save(request: HttpRequest, sheet_id: int, payload: ScoresIn):
    score_services.score_save(actor=current_user(request), assignment_id=sheet_id, values=payload.values)
    return _sheet(request, sheet_id)


@router.post("/sheets/{sheet_id}/submit", response={200: SheetOut, **ERRORS}, summary="Submit sheet")
def sheet_submit(request: HttpRequest, sheet_id: int):
    score_services.sheet_submit(actor=current_user(request), assignment_id=sheet_id)
    return _sheet(request, sheet_id)


@router.post("/activities/{activity_id}/conflicts", response={201: CountOut, **ERRORS},
             summary="Declare a conflict of interest")
def conflict_create(request: HttpRequest, activity_id: int, payload: ConflictIn):
    conflict = conflict_declare(actor=current_user(request), activity_id=activity_id, judge_id=payload.judge_id,
                                reason=payload.reason, entry_id=payload.entry_id,
                                organisation_id=payload.organisation_id)
    return Status(201, {"count": 1 if conflict.pk else 0})


# Organisers

@router.get("/activities", response={200: list[ActivityOut], 403: ErrorOut}, summary="Judged activities")
def activity_list(request: HttpRequest):
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return [{"id": a.pk, "title": a.title, "campaign": a.campaign.title, "organiser": a.organiser.name}
            for a in activities_managed(user)]


@router.put("/activities/{activity_id}/panel", response={200: CountOut, **ERRORS}, summary="Set a panel")
def panel_put(request: HttpRequest, activity_id: int, payload: PanelIn):
    panel = panel_set(actor=current_user(request), activity_id=activity_id, judge_ids=payload.judge_ids,
                      category=payload.category, title=payload.title)
    return {"count": panel.judges.count()}


@router.post("/activities/{activity_id}/assign", response={200: CountOut, **ERRORS},
             summary="Assign judges automatically")
def assign_auto(request: HttpRequest, activity_id: int):
    made = assignment_services.assignment_auto(actor=current_user(request), activity_id=activity_id)
    return {"count": made}


@router.get("/activities/{activity_id}/overview", response={200: OverviewOut, **ERRORS}, summary="Judges' loads")
def overview(request: HttpRequest, activity_id: int):
    found = assignment_overview(current_user(request), activity_id)
    return {"entries": found.entries, "judges_per_entry": found.judges_per_entry, "balanced": found.balanced,
            "judges": [vars(load) for load in found.judges]}


@router.get("/entries/{entry_id}/exclusions", response={200: list[ExclusionOut], **ERRORS},
            summary="Why judges may not score an entry")
def exclusions(request: HttpRequest, entry_id: int):
    _entry_row, excluded, _assignments = entry_exclusions(current_user(request), entry_id)
    return [{"user_id": e.user_id, "name": e.name, "reasons": [str(r) for r in e.reasons]} for e in excluded]


@router.post("/entries/{entry_id}/assignments", response={201: CountOut, **ERRORS}, summary="Assign a judge")
def assignment_create(request: HttpRequest, entry_id: int, payload: JudgeIn):
    assignment = assignment_services.assignment_add(actor=current_user(request), entry_id=entry_id,
                                                    judge_id=payload.judge_id)
    return Status(201, {"count": 1 if assignment.pk else 0})


@router.delete("/sheets/{sheet_id}", response={204: None, **ERRORS}, summary="Remove a judge")
def assignment_delete(request: HttpRequest, sheet_id: int):
    assignment_services.assignment_remove(actor=current_user(request), assignment_id=sheet_id)
    return Status(204, None)


@router.post("/sheets/{sheet_id}/reopen", response={200: StateOut, **ERRORS}, summary="Reopen a sheet")
def sheet_reopen(request: HttpRequest, sheet_id: int, reason: str = ""):
    assignment = score_services.sheet_reopen(actor=current_user(request), assignment_id=sheet_id,
                                             reason=reason)
    return {"state": assignment.state}


@router.get("/activities/{activity_id}/results", response={200: ResultsOut, **ERRORS}, summary="Results")
def results_get(request: HttpRequest, activity_id: int):
    result_set, groups = results_by_category(current_user(request), activity_id)
    return {"state": result_set.state if result_set else None,
            "computed_at": result_set.computed_at if result_set else None,
            "items": [{"entry_id": r.entry_id, "source": r.entry.source, "label": r.entry.blind_label,
                       "title": r.entry.title, "category": r.entry.category,
                       "organisation": r.entry.organisation.name, "score": r.aggregate, "rank": r.rank,
                       "judges": r.judges_counted} for group in groups for r in group.rows]}


def _results_step(step: Any) -> Any:
    def handler(request: HttpRequest, activity_id: int):
        result_set = step(actor=current_user(request), activity_id=activity_id)
        return {"state": result_set.state}

    return handler


for _name, _step in (("compute", result_services.results_compute), ("verify", result_services.results_verify),
                     ("publish", result_services.results_publish)):
    router.add_api_operation(f"/activities/{{activity_id}}/results/{_name}", ["POST"], _results_step(_step),
                             response={200: StateOut, **ERRORS}, summary=f"Results: {_name}",
                             operation_id=f"judging_results_{_name}")
