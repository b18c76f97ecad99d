"""Campaigns over the API (/api/v1/campaigns): plans (validate, load, download), phases, gating, targets
and the dashboard. The same services and selectors as the pages."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from suzhi.campaigns.eligibility import can
from suzhi.campaigns.models import Activity
from suzhi.campaigns.plan.check import check_plan_text
from suzhi.campaigns.selectors.campaigns import MANAGE, VIEW, campaign_get, campaigns_visible, phases_of
from suzhi.campaigns.selectors.dashboard import dashboard_get
from suzhi.campaigns.selectors.plans import plan_file
from suzhi.campaigns.services import plans as services
from suzhi.campaigns.services.phases import phase_set_end
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.core.api.base import ErrorOut, Pagination, current_user
from suzhi.core.errors import NotFound
from suzhi.core.web import ensure_perm

router = Router(tags=["campaigns"])
ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OrgRef(Schema):
    id: int
    code: str
    name: str


class CampaignOut(Schema):
    id: int
    code: str
    title: str
    year: int
    organiser: OrgRef


class PhaseOut(Schema):
    key: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    effective_end: datetime.date
    override_reason: str


class ActivityOut(Schema):
    key: str
    kind: str
    title: str
    org_types: list[str]
    person_categories: list[str]
    open_in: dict[str, list[str]]
    settings: dict[str, Any]


class TargetOut(Schema):
    key: str
    title: str
    metric: str
    form: str
    threshold: float
    at_least: float
    per_org_types: list[str]
    filter: dict[str, Any]
    deadline: str
    computed_at: datetime.datetime | None  # when the target's values were last computed

    @staticmethod
    def resolve_deadline(obj: Any) -> str:
        return obj.deadline.key


class CampaignDetailOut(CampaignOut):
    phases: list[PhaseOut]
    activities: list[ActivityOut]
    targets: list[TargetOut]


class PlanIn(Schema):
    text: str


class PlanErrorOut(Schema):
    path: str
    line: int | None
    message: str


class ValidationOut(Schema):
    valid: bool
    errors: list[PlanErrorOut]


class PhaseEndIn(Schema):
    ends_on: datetime.date | None = None
    reason: str = ""


class DecisionOut(Schema):
    allowed: bool
    code: str
    message: str


class CellOut(Schema):
    value: float
    numerator: float
    population: int
    measured: int
    met: int
    computed_at: datetime.datetime | None


class TargetValueOut(Schema):
    key: str
    title: str
    form: str
    threshold: float
    unit: str
    per_cent: float
    reached: bool
    value: CellOut
    children_met: int
    children_counted: int


class ChildOut(Schema):
    organisation: OrgRef
    values: dict[str, CellOut]


class DashboardOut(Schema):
    organisation: OrgRef
    computed_at: datetime.datetime | None
    targets: list[TargetValueOut]
    children: list[ChildOut]
    lagging: list[dict[str, Any]]


def _org(org: Any) -> dict[str, Any]:
    return {"id": org.pk, "code": org.code, "name": org.name}


def _cell(cell: Any) -> dict[str, Any]:
    return {"value": cell.value, "numerator": cell.numerator, "population": cell.population,
            "measured": cell.measured, "met": cell.met, "computed_at": cell.computed_at}


@router.get("/", response={200: list[CampaignOut], 403: ErrorOut}, summary="Campaigns the caller sees")
@paginate(Pagination)
def campaign_list(request: HttpRequest):
    user = current_user(request)
    ensure_perm(user, VIEW)
    return campaigns_visible(user=user)


@router.post("/validate", response={200: ValidationOut, 403: ErrorOut}, summary="Check a plan file")
def plan_validate(request: HttpRequest, payload: PlanIn):
    """Every error with its field path and line; nothing is stored."""
    ensure_perm(current_user(request), MANAGE)
    _plan, errors = check_plan_text(payload.text)
    return {"valid": not errors, "errors": [{"path": e.path, "line": e.line, "message": e.message} for e in errors]}


@router.post("/load", response={200: CampaignOut, 201: CampaignOut, **ERRORS}, summary="Load a plan file")
def plan_load(request: HttpRequest, payload: PlanIn):
    """Creates the campaign (201) or updates the one with the plan's code in place (200). A 422 lists the
    errors in `detail` as {field, line, message}."""
    from suzhi.campaigns.models import Campaign

    existed = Campaign.objects.filter(code__in=_code_of(payload.text)).exists()
    campaign = services.plan_load(actor=current_user(request), text=payload.text)
    return Status(200 if existed else 201, campaign)


def _code_of(text: str) -> list[str]:
    from suzhi.campaigns.plan.source import YamlSyntaxError, load_yaml

    try:
        data = load_yaml(text)
    except YamlSyntaxError:
        return []
    return [str(data["code"])] if isinstance(data, dict) and "code" in data else []


@router.get("/{campaign_id}", response={200: CampaignDetailOut, 403: ErrorOut, 404: ErrorOut}, summary="One campaign")
def campaign_detail(request: HttpRequest, campaign_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    campaign = campaign_get(user=user, campaign_id=campaign_id)
    return {
        "id": campaign.pk, "code": campaign.code, "title": campaign.title, "year": campaign.year,
        "organiser": _org(campaign.organiser), "phases": phases_of(campaign),
        "activities": list(campaign.activities.order_by("position")),
        "targets": list(campaign.targets.select_related("deadline").order_by("position")),
    }


@router.get("/{campaign_id}/plan", response={200: None, 403: ErrorOut, 404: ErrorOut}, summary="The plan file")
def plan_download(request: HttpRequest, campaign_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    campaign = campaign_get(user=user, campaign_id=campaign_id)
    return HttpResponse(plan_file(campaign), content_type="application/x-yaml; charset=utf-8")


@router.post("/{campaign_id}/phases/{phase_key}", response={200: PhaseOut, **ERRORS},
             summary="Close a phase early or extend it")
def phase_end(request: HttpRequest, campaign_id: int, phase_key: str, payload: PhaseEndIn):
    """`ends_on` null returns to the plan's date; otherwise a `reason` is required. Logged."""
    return phase_set_end(actor=current_user(request), campaign_id=campaign_id, phase_key=phase_key,
                         ends_on=payload.ends_on, reason=payload.reason)


@router.get("/{campaign_id}/activities/{activity_key}/can", response={200: DecisionOut, 403: ErrorOut, 404: ErrorOut},
            summary="May the caller do this action now?")
def activity_can(request: HttpRequest, campaign_id: int, activity_key: str, action: str = ""):
    """Yes, or a reason code (not_open, not_started, closed, org_type, category, outside, unknown_action)
    and the sentence to show instead of the button."""
    user = current_user(request)
    campaign = campaign_get(user=user, campaign_id=campaign_id) if user.has_perm(VIEW) else None
    activity = Activity.objects.select_related("organiser").filter(
        campaign_id=campaign.pk if campaign else campaign_id, key=activity_key).first()
    if activity is None or (campaign is None and not _takes_part(user, activity)):
        raise NotFound()
    decision = can(user, action, activity)
    return {"allowed": decision.allowed, "code": decision.code, "message": decision.message}


def _takes_part(user: Any, activity: Activity) -> bool:
    """A participant (no campaign.view) may ask about activities of campaigns organised above them."""
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.path.startswith(activity.organiser.path)


@router.post("/{campaign_id}/targets/refresh", response={200: dict, 403: ErrorOut, 404: ErrorOut},
             summary="Recompute the targets now")
def targets_refresh_api(request: HttpRequest, campaign_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    campaign = campaign_get(user=user, campaign_id=campaign_id)
    return {"computed_at": targets_refresh(actor=user, campaign_id=campaign.pk).isoformat()}


@router.get("/{campaign_id}/dashboard", response={200: DashboardOut, 403: ErrorOut, 404: ErrorOut},
            summary="Targets at an organisation, its children and the lagging units")
def dashboard(request: HttpRequest, campaign_id: int, org_id: int | None = None):
    """`org_id`: the organisation to look at (default: the highest one the caller oversees)."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    campaign = campaign_get(user=user, campaign_id=campaign_id)
    board = dashboard_get(user=user, campaign=campaign, org_id=org_id)
    keys = [row.target.key for row in board.rows]
    return {
        "organisation": _org(board.focus),
        "computed_at": board.computed_at,
        "targets": [
            {"key": row.target.key, "title": row.target.title, "form": row.target.form,
             "threshold": row.target.threshold, "unit": row.unit, "per_cent": row.per_cent, "reached": row.reached,
             "value": _cell(row.cell), "children_met": row.children_met, "children_counted": row.children_counted}
            for row in board.rows
        ],
        "children": [
            {"organisation": _org(org), "values": {key: _cell(cell) for key, cell in zip(keys, cells, strict=True)}}
            for org, cells in board.children
        ],
        "lagging": [{"target": target.key, "organisation": _org(org), "value": cell.value}
                    for target, org, cell in board.lagging],
    }
