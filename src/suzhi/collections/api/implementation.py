"""The implementation of adopted suggestions through the API (/api/v1/collections/implementation): read it, report
the status, the measured benefit and a note, confirm the benefit. Thin: services decide, selectors read; a
submission outside the caller's scope answers 404, an author confirming 403 `confirm_by_author`."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from suzhi.collections.implementation import BENEFIT_DIGITS, BENEFIT_PLACES
from suzhi.collections.selectors.implementation import ImplementationState, implementation_of
from suzhi.collections.services.implementation import NOTE_MAX, implementation_confirm, implementation_report
from suzhi.core.api.base import ErrorOut, current_user

router = Router(tags=["征集"])


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    benefit_before: Decimal | None
    benefit_after: Decimal | None
    cleared_confirmation: bool
    comment: str
    actor: int
    at: datetime.datetime


class ImplementationOut(Schema):
    submission: int
    status: str
    status_label: str
    measured_benefit: Decimal | None
    note: str
    reported_by: int | None
    reported_at: datetime.datetime | None
    confirmed_by: int | None
    confirmed_at: datetime.datetime | None
    may_report: bool
    may_confirm: bool
    next_statuses: list[str]
    steps: list[StepOut]


class ReportIn(Schema):
    status: str
    measured_benefit: Decimal | None = Field(None, ge=0, max_digits=BENEFIT_DIGITS, decimal_places=BENEFIT_PLACES)
    note: str = Field("", max_length=NOTE_MAX)


class ConfirmIn(Schema):
    comment: str = Field("", max_length=NOTE_MAX)


def _out(state: ImplementationState) -> ImplementationOut:
    found: Any = state.implementation
    return ImplementationOut(
        submission=state.submission_id, status=state.status.value, status_label=str(state.status.label),
        measured_benefit=found.measured_benefit if found else None, note=found.note if found else "",
        reported_by=found.reported_by_id if found else None, reported_at=found.reported_at if found else None,
        confirmed_by=found.confirmed_by_id if found else None, confirmed_at=found.confirmed_at if found else None,
        may_report=state.may_report, may_confirm=state.may_confirm,
        next_statuses=[s.value for s in state.next_statuses],
        steps=[StepOut(action=s.action, from_status=s.from_status, to_status=s.to_status,
                       benefit_before=s.benefit_before, benefit_after=s.benefit_after,
                       cleared_confirmation=s.cleared_confirmation, comment=s.comment, actor=s.actor_id, at=s.at)
               for s in state.steps])


@router.get("/{submission_id}", response={200: ImplementationOut, 404: ErrorOut, 409: ErrorOut})
def detail(request: HttpRequest, submission_id: int) -> ImplementationOut:
    """The implementation of an adopted suggestion the caller may see; 409 `not_adopted` for any other."""
    return _out(implementation_of(user=current_user(request), submission_id=submission_id))


@router.post("/{submission_id}/report", response={200: ImplementationOut, 403: ErrorOut, 404: ErrorOut,
                                                  409: ErrorOut, 422: ErrorOut})
def report(request: HttpRequest, submission_id: int, payload: ReportIn) -> ImplementationOut:
    """Report the status, the measured benefit (万元, null: none yet) and a note: an author or a reviewer of the
    submitting unit's scope. A changed status or benefit clears a confirmation."""
    user = current_user(request)
    implementation_report(actor=user, submission_id=submission_id, status=payload.status,
                          measured_benefit=payload.measured_benefit, note=payload.note)
    return _out(implementation_of(user=user, submission_id=submission_id))


@router.post("/{submission_id}/confirm", response={200: ImplementationOut, 403: ErrorOut, 404: ErrorOut,
                                                   409: ErrorOut})
def confirm(request: HttpRequest, submission_id: int, payload: ConfirmIn) -> ImplementationOut:
    """Confirm the measured benefit: a reviewer of the submitting unit's scope, neither an author nor whoever
    reported the benefit (403 `confirm_by_author` / `confirm_by_reporter`)."""
    user = current_user(request)
    implementation_confirm(actor=user, submission_id=submission_id, comment=payload.comment)
    return _out(implementation_of(user=user, submission_id=submission_id))
