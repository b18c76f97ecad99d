"""比赛管理 (organisers, MANAGE): the competitions they run, an activity's events and rounds with their contestants
by unit, and one event and round's page: the draw, the results-entry table, the ranking on its way to publication,
the standings and the appeals against them (views/appeals.py decides those). Thin: the services decide and
refuse, the selectors read."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from suzhi.campaigns.models import Activity
from suzhi.competitions.access import activity_organised, event_and_round, settings_of
from suzhi.competitions.display import entered_components, standing_rows
from suzhi.competitions.forms.measures import MeasuresForm
from suzhi.competitions.manifest import MANAGE
from suzhi.competitions.models import Ranking
from suzhi.competitions.selectors.appeals import stage_appeals
from suzhi.competitions.selectors.competitions import activity_stage, activity_stages, competitions_run, ranking_steps
from suzhi.competitions.selectors.contestants import contestants_page, standings_of
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
from suzhi.competitions.settings import CompetitionSettings, Event, Round
from suzhi.core.errors import DomainError, NotFound, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm
from suzhi.judging.manifest import MANAGE as JUDGING_MANAGE


def stage_of(request: AuthedHttpRequest, activity_id: Any, event: str, round_: str
             ) -> tuple[Activity, CompetitionSettings, Event, Round]:
    """The competition the user runs and the plan's event and round named in the address; else 404."""
    activity = activity_organised(request.user, activity_id, MANAGE)
    settings = settings_of(activity)
    try:
        found_event, found_round = event_and_round(settings, event, round_)
    except ValidationFailed as exc:
        raise NotFound() from exc
    return activity, settings, found_event, found_round


@require_perm(MANAGE)
def competition_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "competitions/manage/list.html", paginate(request, competitions_run(user=request.user)))


@require_perm(MANAGE)
def activity_detail(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    activity = activity_organised(request.user, activity_id, MANAGE)
    return render(request, "competitions/manage/activity.html", {
        "activity": activity, "stages": activity_stages(activity, settings_of(activity))})


@require_perm(MANAGE)
def stage(request: AuthedHttpRequest, activity_id: int, event: str, round_: str) -> HttpResponse:
    """One event and round: the draw, the results-entry table (a page of contestants, saved at once), the ranking
    and its standings."""
    activity, _settings, found_event, found_round = stage_of(request, activity_id, event, round_)
    page = contestants_page(activity, found_event.key, found_round.key, page=request.GET.get("page"))
    form = MeasuresForm(request.POST if request.method == "POST" else None, contestants=list(page.object_list),
                        event=found_event)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if not form.errors:
            try:
                changed = measures_enter(actor=request.user, activity_id=activity.pk, values=values,
                                         reason=form.cleaned_data.get("reason") or "")
                messages.success(request, _("Results saved: %(n)d values changed.") % {"n": changed})
                return redirect(f"{request.path}?page={page.number}")
            except NotFound:
                raise
            except DomainError as refused:
                form.add_error(None, str(refused.message))
    board = activity_stage(activity, found_event, found_round)
    locked = board.ranking is not None and board.ranking.state in (Ranking.State.VERIFIED, Ranking.State.PUBLISHED)
    return render(request, "competitions/manage/stage.html", {
        "activity": activity, "event": found_event, "round": found_round, "stage": board, "page": page,
        "form": form, "entered": entered_components(found_event), "locked": locked,
        "components": found_event.components,
        "judged": any(c.source == "judging" for c in found_event.components)
        and request.user.has_perm(JUDGING_MANAGE),
        "steps": ranking_steps(request.user, activity, board.ranking, drawn=board.draw is not None),
        "appeals": stage_appeals(user=request.user, activity=activity, event=found_event.key,
                                 round_=found_round.key) if board.ranking is not None else [],
        "standings": standing_rows(standings_of(board.ranking), found_event) if board.ranking is not None else []})


def _act(request: AuthedHttpRequest, activity_id: int, event: str, round_: str, call: Callable[[], Any],
         done: str) -> HttpResponse:
    """Run one service for the stage; a refusal is shown as a message, a 404 stays a 404."""
    stage_of(request, activity_id, event, round_)
    try:
        call()
        messages.success(request, done)
    except NotFound:
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect(reverse("competitions:stage", args=[activity_id, event, round_]))


@require_POST
@require_perm(MANAGE)
def draw(request: AuthedHttpRequest, activity_id: int, event: str, round_: str) -> HttpResponse:
    return _act(request, activity_id, event, round_, lambda: numbers_draw(
        actor=request.user, activity_id=activity_id, event=event, round_=round_), _("The numbers are drawn."))


@require_POST
@require_perm(MANAGE)
def compute(request: AuthedHttpRequest, activity_id: int, event: str, round_: str) -> HttpResponse:
    return _act(request, activity_id, event, round_, lambda: ranking_compute(
        actor=request.user, activity_id=activity_id, event=event, round_=round_), _("The ranking is computed."))


STEPS: dict[str, tuple[Callable[..., Any], Any]] = {
    "sign": (ranking_sign, gettext_lazy("The ranking is signed.")),
    "verify": (ranking_verify, gettext_lazy("The ranking is verified.")),
    "publish": (ranking_publish, gettext_lazy("The ranking is published.")),
}


@require_POST
@require_perm(MANAGE)
def ranking_step(request: AuthedHttpRequest, activity_id: int, event: str, round_: str, ranking_id: int,
                 step: str) -> HttpResponse:
    if step not in STEPS:
        raise NotFound()
    service, done = STEPS[step]
    return _act(request, activity_id, event, round_, lambda: service(actor=request.user, ranking_id=ranking_id),
                str(done))
