"""The implementation of an adopted suggestion (实施情况) and the one table of what may change it.

not started → in progress → implemented, or abandoned on the way; an implemented suggestion may be reopened (back
to in progress) and an abandoned one resumed. A measured benefit (万元) belongs to a suggestion in progress or
implemented. Reporting (status, benefit, note) is for an author of the suggestion or a reviewer of the submitting
unit's scope; confirming the benefit is for such a reviewer who is neither an author nor whoever reported that
benefit — the four-eyes rule that makes the statistics' confirmed benefit worth counting. Only an implemented
suggestion with a benefit, not yet confirmed, is confirmed; a report that changes the status or the benefit clears
the confirmation (the history keeps it). Every service asks here; refusals carry declared codes and say in
Chinese why.
"""

import enum
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from suzhi.collections.error_codes import CollectionErrors
from suzhi.core.errors import Conflict, PermissionDenied, ValidationFailed


class Status(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("implementation", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("implementation", "In progress")
    IMPLEMENTED = "implemented", pgettext_lazy("implementation", "Implemented")
    ABANDONED = "abandoned", pgettext_lazy("implementation", "Abandoned")


class Role(enum.StrEnum):
    AUTHOR = "author"  # submitted the suggestion or is one of its authors
    REVIEWER = "reviewer"  # reviews in a scope holding the submitting unit
    AUTHOR_REVIEWER = "author_reviewer"  # both: reports, never confirms
    NONE = "none"


# status before -> the statuses a report may set (the same status: a new benefit or note).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NOT_STARTED: frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.IMPLEMENTED, Status.ABANDONED}),
    Status.IN_PROGRESS: frozenset({Status.IN_PROGRESS, Status.IMPLEMENTED, Status.ABANDONED}),
    Status.IMPLEMENTED: frozenset({Status.IMPLEMENTED, Status.IN_PROGRESS}),
    Status.ABANDONED: frozenset({Status.ABANDONED, Status.IN_PROGRESS}),
}
BENEFIT_STATUSES = frozenset({Status.IN_PROGRESS, Status.IMPLEMENTED})
CONFIRMABLE = frozenset({Status.IMPLEMENTED})
REPORTERS = frozenset({Role.AUTHOR, Role.REVIEWER, Role.AUTHOR_REVIEWER})
CONFIRMERS = frozenset({Role.REVIEWER})

BENEFIT_DIGITS, BENEFIT_PLACES = 12, 2  # up to 9,999,999,999.99 万元, to the hundred yuan
BENEFIT_MAX = Decimal(10) ** (BENEFIT_DIGITS - BENEFIT_PLACES) - Decimal(1).scaleb(-BENEFIT_PLACES)


def role_of(*, author: bool, reviewer: bool) -> Role:
    if author and reviewer:
        return Role.AUTHOR_REVIEWER
    return Role.AUTHOR if author else Role.REVIEWER if reviewer else Role.NONE


def may_report(role: Role) -> bool:
    return role in REPORTERS


def next_statuses(status: str) -> list[Status]:
    """What a report may set from `status`, in the order of `Status`."""
    allowed = TRANSITIONS[Status(status)]
    return [status for status in Status if status in allowed]


def change(before: str, after: str, benefit: Decimal | None) -> Status:
    """The status `after` if a report may set it from `before` with `benefit`; Conflict or ValidationFailed saying
    why not."""
    before_status = Status(before)
    try:
        after_status = Status(after)
    except ValueError:
        raise ValidationFailed(_("Choose one of the implementation statuses."),
                               code=CollectionErrors.IMPLEMENTATION_STATUS, detail=[{"field": "status"}]) from None
    if after_status not in TRANSITIONS[before_status]:
        raise Conflict(_("A suggestion that is “%(before)s” cannot become “%(after)s”.")
                       % {"before": before_status.label, "after": after_status.label},
                       code=CollectionErrors.IMPLEMENTATION_STATUS)
    if benefit is not None:
        if not benefit.is_finite() or benefit < 0 or benefit > BENEFIT_MAX \
                or benefit != benefit.quantize(Decimal(1).scaleb(-BENEFIT_PLACES)):
            raise ValidationFailed(_("The measured benefit is a number of 万元 from 0, with at most two decimals."),
                                   code=CollectionErrors.BENEFIT_INVALID, detail=[{"field": "measured_benefit"}])
        if after_status not in BENEFIT_STATUSES:
            raise ValidationFailed(_("A suggestion that is “%(status)s” has no measured benefit: leave it empty.")
                                   % {"status": after_status.label}, code=CollectionErrors.BENEFIT_INVALID,
                                   detail=[{"field": "measured_benefit"}])
    return after_status


def confirmable(*, status: str, benefit: Decimal | None, confirmed: bool) -> bool:
    return Status(status) in CONFIRMABLE and benefit is not None and not confirmed


def check_confirm(*, role: Role, reported_benefit: bool, status: str, benefit: Decimal | None,
                  confirmed: bool) -> None:
    """Refuse a confirmation by an author or by whoever reported the benefit (PermissionDenied), or of a
    suggestion not implemented, without a benefit or already confirmed (Conflict). A caller who is neither author
    nor reviewer never gets here (404)."""
    if role in (Role.AUTHOR, Role.AUTHOR_REVIEWER):
        raise PermissionDenied(_("You are an author of this suggestion: its benefit is confirmed by someone else."),
                               code=CollectionErrors.CONFIRM_BY_AUTHOR)
    if reported_benefit:
        raise PermissionDenied(_("You reported this benefit: it is confirmed by someone else."),
                               code=CollectionErrors.CONFIRM_BY_REPORTER)
    if not confirmable(status=status, benefit=benefit, confirmed=confirmed):
        if confirmed:
            message = _("The measured benefit is already confirmed.")
        else:
            message = _("Only an implemented suggestion with a measured benefit can be confirmed.")
        raise Conflict(message, code=CollectionErrors.CONFIRM_NOT_NOW)


def may_confirm(*, role: Role, reported_benefit: bool, status: str, benefit: Decimal | None,
                confirmed: bool) -> bool:
    return role in CONFIRMERS and not reported_benefit and confirmable(status=status, benefit=benefit,
                                                                       confirmed=confirmed)
