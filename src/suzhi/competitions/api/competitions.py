"""The competition API (/api/v1/competitions): the same operations as the pages. Thin: services decide, selectors
read; a competition outside the caller's scope answers 404, a unit cannot draw, enter results or publish."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from suzhi.campaigns.models import Activity
from suzhi.competitions.access import activity_organised, activity_reached, event_and_round, settings_of
from suzhi.competitions.manifest import MANAGE, REGISTER
from suzhi.competitions.models import Contestant, Draw, Ranking, Standing
from suzhi.competitions.selectors import competitions as selectors
from suzhi.competitions.selectors.contestants import (
    contestants_page,
    my_entries,
    published_standings,
    standings_of,
    unit_registrations,
)
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
from suzhi.competitions.services.registration import contestant_register, contestant_withdraw
from suzhi.core import scope
from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.web import ensure_perm

router = Router(tags=["技能比赛"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ComponentOut(Schema):
    key: str
    label: str
    source: str
    weight: float
    unit: str


class EventOut(Schema):
    key: str
    title: str
    components: list[ComponentOut]
    per_unit: int | None


class RoundOut(Schema):
    key: str
    title: str


class ActivityOut(Schema):
    id: int
    title: str
    campaign: str
    organiser: int
    organiser_name: str
    manage: bool
    events: list[EventOut]
    rounds: list[RoundOut]


class ContestantOut(Schema):
    id: int
    event: str
    round: str
    number: int | None
    name: str
    unit: int
    unit_name: str
    official: bool
    state: str
    values: dict[str, Decimal] = {}
    position: int | None = None
    total: Decimal | None = None
    advances: bool = False


class ContestantPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ContestantOut]


class RegisterIn(Schema):
    event: str = Field(max_length=50)
    person: int
    official: bool = True


class StageIn(Schema):
    event: str = Field(max_length=50)
    round: str = Field(max_length=50)


class DrawOut(Schema):
    id: int
    event: str
    round: str
    seed: str
    contestants: int
    drawn_at: datetime.datetime


class MeasuresIn(Schema):
    values: dict[int, dict[str, str | float]] = Field(
        description="{contestant id: {component key: value}}: measured components, or contest scores typed in.")
    reason: str = Field("", max_length=500)


class MeasuresOut(Schema):
    changed: int


class RankingOut(Schema):
    id: int
    event: str
    round: str
    state: str
    computed_at: datetime.datetime
    signed_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    published_at: datetime.datetime | None


class StandingOut(Schema):
    position: int | None
    number: int | None
    name: str
    unit_name: str
    official: bool
    values: dict[str, str | None]
    total: Decimal | None
    advances: bool
    group: int | None


class StandingsOut(Schema):
    ranking: RankingOut | None
    items: list[StandingOut]


class MyEntryOut(Schema):
    activity: int
    title: str
    event: str
    round: str
    number: str
    official: bool
    withdrawn: bool
    published: bool
    position: int | None
    total: Decimal | None
    advances: bool


def _activity_out(user: Any, activity: Activity) -> ActivityOut:
    settings = settings_of(activity)
    return ActivityOut(
        id=activity.pk, title=activity.title, campaign=activity.campaign.title, organiser=activity.organiser_id,
        organiser_name=activity.organiser.name, manage=scope.may_manage(user, MANAGE, activity.organiser),
        events=[EventOut(key=e.key, title=e.title, per_unit=e.per_unit or settings.per_unit, components=[
            ComponentOut(key=c.key, label=c.label, source=c.source, weight=c.weight, unit=c.unit)
            for c in e.components]) for e in settings.events],
        rounds=[RoundOut(key=r.key, title=r.title) for r in settings.rounds])


def _contestant_out(c: Contestant, *, standing: bool = False) -> ContestantOut:
    found: Standing | None = getattr(c, "standing", None) if standing else None
    return ContestantOut(
        id=c.pk, event=c.event, round=c.round, number=c.number, name=c.person.name, unit=c.organisation_id,
        unit_name=c.organisation.name, official=c.official, state=c.state, values=getattr(c, "values", {}),
        position=found.position if found else None, total=found.total if found else None,
        advances=bool(found and found.advances))


def _ranking_out(r: Ranking) -> RankingOut:
    return RankingOut(id=r.pk, event=r.event, round=r.round, state=r.state, computed_at=r.computed_at,
                      signed_at=r.signed_at, verified_at=r.verified_at, published_at=r.published_at)


def _stage(activity: Activity, event: str, round_: str | None) -> tuple[str, str]:
    """The event and round asked for; the plan's first event and first round when none is named."""
    settings = settings_of(activity)
    found_event, found_round = event_and_round(
        settings, event or (settings.events[0].key if settings.events else ""), round_)
    return found_event.key, found_round.key


@router.get("/activities", response=list[ActivityOut])
def activities(request: HttpRequest) -> list[ActivityOut]:
    """The competitions the caller runs or whose registration their units may use."""
    user = current_user(request)
    return [_activity_out(user, a) for a in selectors.competitions_visible(user=user)[:200]]


@router.get("/activities/{activity_id}/contestants", response={200: ContestantPage, **ERRORS})
def contestants(request: HttpRequest, activity_id: int, event: str = "", round: str = "",  # noqa: A002
                page: int = 1) -> ContestantPage:
    """An event and round's registered contestants by number with their measured values and standing (those who
    run the competition); 50 a page."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    activity = activity_organised(user, activity_id, MANAGE)
    event_key, round_key = _stage(activity, event, round or None)
    found = contestants_page(activity, event_key, round_key, page=max(1, min(page, 10**6)))
    return ContestantPage(count=found.paginator.count, page=found.number, pages=found.paginator.num_pages,
                          items=[_contestant_out(c, standing=True) for c in found.object_list])


@router.get("/activities/{activity_id}/registrations", response={200: list[ContestantOut], **ERRORS})
def registrations(request: HttpRequest, activity_id: int) -> list[ContestantOut]:
    """The registrations of the caller's units, with their numbers once drawn."""
    user = current_user(request)
    ensure_perm(user, REGISTER)
    activity = activity_reached(user, activity_id, REGISTER)
    return [_contestant_out(c) for c in unit_registrations(user=user, activity=activity)]


@router.post("/activities/{activity_id}/registrations", response={201: ContestantOut, **ERRORS})
def register(request: HttpRequest, activity_id: int, payload: RegisterIn) -> Status:
    """Register a person of the caller's units in an event of the first round (official False: 列名参赛)."""
    user = current_user(request)
    ensure_perm(user, REGISTER)
    contestant = contestant_register(actor=user, activity_id=activity_id, event=payload.event,
                                     person_id=payload.person, official=payload.official)
    return Status(201, _contestant_out(contestant))


@router.post("/registrations/{contestant_id}/withdraw", response={200: ContestantOut, **ERRORS})
def withdraw(request: HttpRequest, contestant_id: int) -> ContestantOut:
    user = current_user(request)
    ensure_perm(user, REGISTER)
    return _contestant_out(contestant_withdraw(actor=user, contestant_id=contestant_id))


@router.post("/activities/{activity_id}/draw", response={201: DrawOut, **ERRORS})
def draw(request: HttpRequest, activity_id: int, payload: StageIn) -> Status:
    """Draw the numbers of an event and round, once; the seed is recorded and answered."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    made: Draw = numbers_draw(actor=user, activity_id=activity_id, event=payload.event, round_=payload.round)
    return Status(201, DrawOut(id=made.pk, event=made.event, round=made.round, seed=made.seed,
                               contestants=len(made.order), drawn_at=made.drawn_at))


@router.post("/activities/{activity_id}/measures", response={200: MeasuresOut, **ERRORS})
def measures(request: HttpRequest, activity_id: int, payload: MeasuresIn) -> MeasuresOut:
    """Enter measured values, all or nothing; answers how many changed."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return MeasuresOut(changed=measures_enter(actor=user, activity_id=activity_id, values=payload.values,
                                              reason=payload.reason))


@router.post("/activities/{activity_id}/rankings", response={200: RankingOut, **ERRORS})
def compute(request: HttpRequest, activity_id: int, payload: StageIn) -> RankingOut:
    """Compute (again) an event's ranking in a round: a draft to be signed, verified and published."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return _ranking_out(ranking_compute(actor=user, activity_id=activity_id, event=payload.event,
                                        round_=payload.round))


@router.post("/rankings/{ranking_id}/sign", response={200: RankingOut, **ERRORS})
def sign(request: HttpRequest, ranking_id: int) -> RankingOut:
    """The chief judge (a judge of the event's panel, or an organiser) signs."""
    return _ranking_out(ranking_sign(actor=current_user(request), ranking_id=ranking_id))


@router.post("/rankings/{ranking_id}/verify", response={200: RankingOut, **ERRORS})
def verify(request: HttpRequest, ranking_id: int) -> RankingOut:
    """A second person verifies: not whoever computed or signed it."""
    return _ranking_out(ranking_verify(actor=current_user(request), ranking_id=ranking_id))


@router.post("/rankings/{ranking_id}/publish", response={200: RankingOut, **ERRORS})
def publish(request: HttpRequest, ranking_id: int) -> RankingOut:
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return _ranking_out(ranking_publish(actor=user, ranking_id=ranking_id))


def _standing_out(s: Standing) -> StandingOut:
    c = s.contestant
    return StandingOut(position=s.position, number=c.number, name=c.person.name, unit_name=c.organisation.name,
                       official=c.official, values=s.values, total=s.total, advances=s.advances, group=s.group_id)


@router.get("/activities/{activity_id}/standings", response={200: StandingsOut, **ERRORS})
def standings(request: HttpRequest, activity_id: int, event: str = "",  # noqa: A002
              round: str = "") -> StandingsOut:  # noqa: A002
    """An event and round's standings: whatever the ranking's state for those who run the competition; the
    published ranking's contestants of their units for those who register."""
    user = current_user(request)
    managed = selectors.competitions_run(user=user).filter(pk=activity_id).first() \
        if user.has_perm(MANAGE) else None
    if managed is not None:
        event_key, round_key = _stage(managed, event, round or None)
        ranking = selectors.stage_ranking(managed, event_key, round_key)
        rows = standings_of(ranking) if ranking is not None else []
        return StandingsOut(ranking=_ranking_out(ranking) if ranking else None,
                            items=[_standing_out(s) for s in rows])
    ensure_perm(user, REGISTER)
    activity = activity_reached(user, activity_id, REGISTER)
    event_key, round_key = _stage(activity, event, round or None)
    rows = published_standings(user=user, activity=activity, event=event_key, round_=round_key)
    return StandingsOut(ranking=_ranking_out(rows[0].ranking) if rows else None,
                        items=[_standing_out(s) for s in rows])


@router.get("/mine", response=list[MyEntryOut])
def mine(request: HttpRequest) -> list[MyEntryOut]:
    """The caller's own registrations; places and totals once published."""
    return [MyEntryOut(activity=e.activity.pk, title=e.activity.title, event=e.event, round=e.round,
                       number=e.number, official=e.official, withdrawn=e.withdrawn, published=e.published,
                       position=e.position, total=e.total, advances=e.advances)
            for e in my_entries(user=current_user(request))]
