"""Appeals in the API (/api/v1/competitions/appeals, 申诉): the caller's own, their units' contestants', an event
and round's for those who run the competition; filed by the contestant or their unit, a correction proposed or the
appeal dismissed by an organiser, the correction approved by a second person. Thin: the services decide and refuse
(404 outside the caller's scope, 409 out of turn or out of time, 422 without a reason)."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from suzhi.campaigns.models import Activity
from suzhi.competitions.access import activity_organised, activity_reached, event_and_round, settings_of
from suzhi.competitions.manifest import MANAGE, REGISTER, VERIFY
from suzhi.competitions.models import Appeal
from suzhi.competitions.selectors.appeals import labelled, my_appeals, stage_appeals, unit_appeals
from suzhi.competitions.services.appeals import (
    REASON_LIMIT,
    appeal_approve,
    appeal_dismiss,
    appeal_file,
    appeal_propose,
)
from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.errors import NotFound
from suzhi.core.web import ensure_perm

router = Router(tags=["技能比赛"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class AppealOut(Schema):
    id: int
    activity: int
    contestant: int
    number: int | None
    name: str
    unit_name: str
    event: str
    event_title: str
    round: str
    round_title: str
    component: str
    component_label: str
    reason: str
    state: str
    value_before: Decimal | None
    value_after: Decimal | None
    position_before: int | None
    position_after: int | None
    note: str
    filed_at: datetime.datetime
    decided_at: datetime.datetime | None
    approved_at: datetime.datetime | None


class AppealIn(Schema):
    contestant: int
    component: str = Field(max_length=50)
    reason: str = Field(max_length=REASON_LIMIT)


class ProposeIn(Schema):
    value: str | float = Field(description="The corrected value of the component.")
    note: str = Field(max_length=REASON_LIMIT)


class NoteIn(Schema):
    note: str = Field(max_length=REASON_LIMIT)


def _out(appeal: Appeal) -> AppealOut:
    contestant = appeal.contestant
    return AppealOut(
        id=appeal.pk, activity=contestant.activity_id, contestant=contestant.pk, number=contestant.number,
        name=contestant.person.name, unit_name=contestant.organisation.name, event=contestant.event,
        event_title=appeal.event_title, round=contestant.round,  # type: ignore[attr-defined]
        round_title=appeal.round_title, component=appeal.component,  # type: ignore[attr-defined]
        component_label=appeal.component_label, reason=appeal.reason,  # type: ignore[attr-defined]
        state=appeal.state, value_before=appeal.value_before, value_after=appeal.value_after,
        position_before=appeal.position_before, position_after=appeal.position_after, note=appeal.note,
        filed_at=appeal.filed_at, decided_at=appeal.decided_at, approved_at=appeal.approved_at)


def _listed(appeal: Appeal) -> AppealOut:
    """An appeal just changed, answered as the lists show it (its labels from the plan)."""
    return _out(labelled([appeal])[0])


def _organised(user: Any, activity_id: int) -> Activity:
    """The competition if the caller runs it or verifies its results; else 404."""
    for permission in (MANAGE, VERIFY):
        if user.has_perm(permission):
            try:
                return activity_organised(user, activity_id, permission)
            except NotFound:
                continue
    raise NotFound()


@router.get("/mine", response=list[AppealOut])
def mine(request: HttpRequest) -> list[AppealOut]:
    """The appeals on the caller's own results, newest first."""
    return [_out(a) for a in my_appeals(user=current_user(request))]


@router.get("/activities/{activity_id}/unit", response={200: list[AppealOut], **ERRORS})
def units(request: HttpRequest, activity_id: int) -> list[AppealOut]:
    """The appeals on the results of the caller's units' contestants in the competition."""
    user = current_user(request)
    ensure_perm(user, REGISTER)
    activity = activity_reached(user, activity_id, REGISTER)
    return [_out(a) for a in unit_appeals(user=user, activity=activity)]


@router.get("/activities/{activity_id}", response={200: list[AppealOut], **ERRORS})
def stage(request: HttpRequest, activity_id: int, event: str = "", round: str = "") -> list[AppealOut]:  # noqa: A002
    """The appeals on an event and round's results (the plan's first event and round when none is named), for
    those who run the competition or verify its results."""
    user = current_user(request)
    if not (user.has_perm(MANAGE) or user.has_perm(VERIFY)):
        ensure_perm(user, MANAGE)
    activity = _organised(user, activity_id)
    settings = settings_of(activity)
    found_event, found_round = event_and_round(
        settings, event or (settings.events[0].key if settings.events else ""), round or None)
    return [_out(a) for a in stage_appeals(user=user, activity=activity, event=found_event.key,
                                           round_=found_round.key)]


@router.post("", response={201: AppealOut, **ERRORS})
def file(request: HttpRequest, payload: AppealIn) -> Status:
    """Appeal one component of a published result: the contestant themselves or their unit, within the plan's
    days after publication."""
    user = current_user(request)
    appeal = appeal_file(actor=user, contestant_id=payload.contestant, component=payload.component,
                         reason=payload.reason)
    return Status(201, _listed(appeal))


@router.post("/{appeal_id}/propose", response={200: AppealOut, **ERRORS})
def propose(request: HttpRequest, appeal_id: int, payload: ProposeIn) -> AppealOut:
    """The corrected value and why (an organiser); a second person approves it."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return _listed(appeal_propose(actor=user, appeal_id=appeal_id, value=payload.value, note=payload.note))


@router.post("/{appeal_id}/dismiss", response={200: AppealOut, **ERRORS})
def dismiss(request: HttpRequest, appeal_id: int, payload: NoteIn) -> AppealOut:
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return _listed(appeal_dismiss(actor=user, appeal_id=appeal_id, note=payload.note))


@router.post("/{appeal_id}/approve", response={200: AppealOut, **ERRORS})
def approve(request: HttpRequest, appeal_id: int) -> AppealOut:
    """A second person approves the correction: the ranking is computed again and stays published."""
    user = current_user(request)
    ensure_perm(user, VERIFY)
    return _listed(appeal_approve(actor=user, appeal_id=appeal_id))
