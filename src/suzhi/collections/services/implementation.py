"""Reporting and confirming the implementation of adopted suggestions (实施情况、实测效益): who may do what is
decided by collections.implementation; each change keeps a step of the history and writes one log row. A
confirmed implementation of an adopted suggestion is a fact of the statistics (collection.implemented and the
confirmed benefit) for its first author; clearing the confirmation takes the facts back."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.services.records import MetricFact, metric_record_remove, metric_records_put
from suzhi.collections import implementation as table
from suzhi.collections.error_codes import CollectionErrors
from suzhi.collections.implementation import Role, Status
from suzhi.collections.manifest import REVIEW, VIEW
from suzhi.collections.models import Decision, Implementation, ImplementationStep, Submission, SubmissionAuthor
from suzhi.collections.selectors.judged import entry_source
from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import User

FACTS = ("collection.implemented", "collection.benefit_confirmed")
NOTE_MAX = 2000


def implementation_facts(implementation: Implementation | None, source: str) -> list[MetricFact]:
    """The statistics' facts of a confirmed implementation (none before the confirmation). The caller decides
    that the suggestion is adopted."""
    if implementation is None or implementation.confirmed_at is None or implementation.measured_benefit is None:
        return []
    day = timezone.localdate(implementation.confirmed_at)
    return [MetricFact("collection.implemented", source, day),
            MetricFact("collection.benefit_confirmed", source, day, quantity=float(implementation.measured_benefit))]


def role_for(actor: User, submission: Submission) -> Role:
    author = submission.submitted_by_id == actor.pk or SubmissionAuthor.objects.filter(
        submission=submission, person__user=actor).exists()
    return table.role_of(author=author, reviewer=scope.may_manage(actor, REVIEW, submission.organisation))


def _target(actor: User, submission_id: Any) -> tuple[Submission, Role]:
    """The submission, locked, if the actor is an author or a reviewer of the submitting unit's scope; 404 for
    anyone else (what one may only see is as good as absent to a change). Refused unless it is adopted."""
    if not str(submission_id).isdigit():
        raise NotFound()
    visible = scope.filter_queryset(Submission.objects.all(), actor, VIEW).values("pk")
    authored = SubmissionAuthor.objects.filter(person__user=actor).values("submission_id")
    found = Submission.objects.select_for_update(of=("self",)).select_related(
        "activity__campaign", "organisation").filter(pk=submission_id).filter(
        Q(submitted_by=actor) | Q(pk__in=authored) | Q(pk__in=visible)).first()
    if found is None:
        raise NotFound()
    role = role_for(actor, found)
    if role == Role.NONE:
        raise NotFound()
    if not Decision.objects.filter(submission=found, adopted=True).exists():
        raise Conflict(_("Only an adopted suggestion has an implementation to report."),
                       code=CollectionErrors.NOT_ADOPTED)
    return found, role


def _benefit(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(_("The measured benefit is a number of 万元 from 0, with at most two decimals."),
                               code=CollectionErrors.BENEFIT_INVALID, detail=[{"field": "measured_benefit"}]) from None


def _shown(benefit: Decimal | None) -> str | None:
    return None if benefit is None else f"{benefit:.2f}"


def _unconfirm_facts(submission: Submission) -> None:
    for metric in FACTS:
        metric_record_remove(activity=submission.activity, metric=metric, source=entry_source(submission))


@transaction.atomic
def implementation_report(*, actor: User, submission_id: Any, status: str, measured_benefit: Any = None,
                          note: str = "", now: datetime.datetime | None = None) -> Implementation:
    """Report an adopted suggestion's implementation: its status, the measured benefit (万元; empty: none yet) and a
    note, by an author or a reviewer of the submitting unit's scope. Changing the status or the benefit of a
    confirmed implementation clears the confirmation and the statistics' facts of it."""
    submission, role = _target(actor, submission_id)
    if not table.may_report(role):
        raise NotFound()
    found = Implementation.objects.select_for_update().filter(submission=submission).first()
    before = Status(found.status) if found is not None else Status.NOT_STARTED
    benefit_before = found.measured_benefit if found is not None else None
    benefit = _benefit(measured_benefit)
    after = table.change(before, status, benefit)
    moment = now or timezone.now()
    implementation = found or Implementation(submission=submission, reported_by=actor)
    changed_benefit = benefit != benefit_before
    cleared = implementation.confirmed and (after != before or changed_benefit)
    implementation.status, implementation.measured_benefit = after, benefit
    implementation.note = (note or "").strip()[:NOTE_MAX]
    implementation.reported_by, implementation.reported_at = actor, moment
    if changed_benefit:
        implementation.benefit_reported_by = actor if benefit is not None else None
    if cleared:
        implementation.confirmed_by, implementation.confirmed_at = None, None
    implementation.save()
    ImplementationStep.objects.create(implementation=implementation, action="report", from_status=before,
                                      to_status=after, benefit_before=benefit_before, benefit_after=benefit,
                                      cleared_confirmation=cleared, comment=implementation.note, actor=actor,
                                      at=moment)
    if cleared:
        _unconfirm_facts(submission)
    details: dict[str, Any] = {"implementation_status": str(after), "measured_benefit": _shown(benefit)}
    if implementation.note:
        details["note"] = implementation.note
    if cleared:
        details["confirmation_cleared"] = True
    oplog.record(actor=actor, action="collection.implementation_report", obj=submission,
                 organisation=submission.organisation,
                 before={"implementation_status": str(before), "measured_benefit": _shown(benefit_before)},
                 after=details, summary=submission.title)
    return implementation


@transaction.atomic
def implementation_confirm(*, actor: User, submission_id: Any, comment: str = "",
                           now: datetime.datetime | None = None) -> Implementation:
    """Confirm the measured benefit of an implemented suggestion: a reviewer of the submitting unit's scope who is
    neither an author nor whoever reported the benefit. The first author's statistics count it from then."""
    submission, role = _target(actor, submission_id)
    found = Implementation.objects.select_for_update().filter(submission=submission).first()
    table.check_confirm(role=role, reported_benefit=found is not None and found.benefit_reported_by_id == actor.pk,
                        status=found.status if found is not None else Status.NOT_STARTED,
                        benefit=found.measured_benefit if found is not None else None,
                        confirmed=found is not None and found.confirmed)
    assert found is not None  # check_confirm refuses a suggestion without a report
    moment = now or timezone.now()
    found.confirmed_by, found.confirmed_at = actor, moment
    found.save(update_fields=["confirmed_by", "confirmed_at"])
    comment = (comment or "").strip()[:NOTE_MAX]
    ImplementationStep.objects.create(implementation=found, action="confirm", from_status=found.status,
                                      to_status=found.status, benefit_before=found.measured_benefit,
                                      benefit_after=found.measured_benefit, comment=comment, actor=actor, at=moment)
    first = submission.authors.select_related("person__organisation").first()
    if first is not None:
        metric_records_put(activity=submission.activity, person=first.person,
                           facts=implementation_facts(found, entry_source(submission)))
    after: dict[str, Any] = {"implementation_status": found.status, "measured_benefit": _shown(found.measured_benefit)}
    if comment:
        after["comment"] = comment
    oplog.record(actor=actor, action="collection.implementation_confirm", obj=submission,
                 organisation=submission.organisation, after=after, summary=submission.title)
    return found
