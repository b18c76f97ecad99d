"""The implementation of an adopted suggestion as its viewer reads it: the status, benefit, confirmation and
history, and what the viewer may do with it (collections.implementation decides). Two queries."""

import dataclasses
from typing import Any

from django.utils.translation import gettext as _

from suzhi.collections import implementation as table
from suzhi.collections.error_codes import CollectionErrors
from suzhi.collections.implementation import Role, Status
from suzhi.collections.manifest import REVIEW
from suzhi.collections.models import Decision, Implementation, ImplementationStep, Submission
from suzhi.collections.selectors.submissions import is_mine, submission_detail
from suzhi.core import scope
from suzhi.core.errors import Conflict


@dataclasses.dataclass(frozen=True)
class ImplementationState:
    submission_id: int
    implementation: Implementation | None
    status: Status
    steps: list[ImplementationStep]
    role: Role
    may_report: bool
    may_confirm: bool
    next_statuses: list[Status]

    @property
    def confirmed(self) -> bool:
        return self.implementation is not None and self.implementation.confirmed


def implementation_state(*, user: Any, submission: Submission, decision: Decision | None) -> ImplementationState | None:
    """The implementation of `submission` (read by `submission_detail` for `user`, its authors prefetched), or
    None unless `decision` adopted it."""
    if decision is None or not decision.adopted:
        return None
    found = Implementation.objects.filter(submission=submission).select_related(
        "reported_by", "confirmed_by").prefetch_related("steps__actor").first()
    status = Status(found.status) if found is not None else Status.NOT_STARTED
    benefit = found.measured_benefit if found is not None else None
    role = table.role_of(author=is_mine(user=user, submission=submission),
                         reviewer=scope.may_manage(user, REVIEW, submission.organisation))
    reported = found is not None and found.benefit_reported_by_id == user.pk
    return ImplementationState(
        submission_id=submission.pk, implementation=found, status=status,
        steps=list(found.steps.all()) if found is not None else [], role=role, may_report=table.may_report(role),
        may_confirm=table.may_confirm(role=role, reported_benefit=reported, status=status, benefit=benefit,
                                      confirmed=found is not None and found.confirmed),
        next_statuses=table.next_statuses(status))


def implementation_of(*, user: Any, submission_id: Any) -> ImplementationState:
    """The implementation of a submission the user may see (404 otherwise); Conflict(not_adopted) unless it is an
    adopted suggestion."""
    submission = submission_detail(user=user, submission_id=submission_id)
    state = implementation_state(user=user, submission=submission,
                                 decision=Decision.objects.filter(submission=submission).first())
    if state is None:
        raise Conflict(_("Only an adopted suggestion has an implementation to report."),
                       code=CollectionErrors.NOT_ADOPTED)
    return state
