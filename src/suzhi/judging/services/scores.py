"""A judge's score sheet: scores saved per criterion (every change kept), then submitted; reopened by an admin."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.models import Assignment, Entry, ResultSet, Score, ScoreChange
from suzhi.judging.rubric import JudgingSettings
from suzhi.judging.scoring import sheet_total


def _own_sheet(actor: Any, assignment_id: int) -> Assignment:
    """The caller's own assignment, locked; anyone else's is a 404."""
    assignment = (Assignment.objects.select_for_update(of=("self",)).select_related("entry__activity")
                  .filter(pk=assignment_id, judge_id=actor.pk).first())
    if assignment is None:
        raise NotFound()
    if assignment.entry.state != Entry.State.ACTIVE:
        raise Conflict(code=JudgingErrors.ENTRY_WITHDRAWN)
    return assignment


def _rubric(rules: JudgingSettings) -> list[tuple[str, Decimal, Decimal]]:
    return [(c.key, Decimal(str(c.weight)), Decimal(str(c.max_score))) for c in rules.rubric]


@transaction.atomic
def score_save(*, actor: Any, assignment_id: int, values: Mapping[str, Any]) -> Assignment:
    """Save the judge's scores of some criteria (a phone saves one at a time). Each change keeps the old value,
    the time and who made it. Refused once the sheet is submitted (until an admin reopens it)."""
    assignment = _own_sheet(actor, assignment_id)
    if assignment.state == Assignment.State.SUBMITTED:
        raise Conflict(_("The sheet is submitted."), code=JudgingErrors.SHEET_SUBMITTED)
    rules = judging_settings(assignment.entry.activity)
    cleaned: dict[str, Decimal] = {}
    for key, raw in values.items():
        criterion = rules.criterion(key)
        if criterion is None:
            raise ValidationFailed(_("Unknown criterion “%(key)s”.") % {"key": key},
                                   code=JudgingErrors.UNKNOWN_CRITERION, detail=[{"field": key}])
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationFailed(_("“%(label)s” must be a number.") % {"label": criterion.label},
                                   code=JudgingErrors.SCORE_OUT_OF_RANGE, detail=[{"field": key}]) from exc
        if not 0 <= value <= Decimal(str(criterion.max_score)):
            raise ValidationFailed(_("“%(label)s” is scored from 0 to %(max)s.")
                                   % {"label": criterion.label, "max": f"{criterion.max_score:g}"},
                                   code=JudgingErrors.SCORE_OUT_OF_RANGE, detail=[{"field": key}])
        cleaned[key] = value
    stored = {s.criterion: s for s in Score.objects.filter(assignment=assignment)}
    for key, value in cleaned.items():
        score = stored.get(key)
        if score is not None and score.value == value:
            continue
        old = score.value if score is not None else None
        if score is None:
            score = Score.objects.create(assignment=assignment, criterion=key, value=value)
        else:
            score.value = value
            score.save(update_fields=["value"])
        ScoreChange.objects.create(score=score, old=old, new=value, by=actor)
        oplog.record(actor=actor, action="judging.score_save", obj=assignment,
                     organisation=assignment.entry.activity.organiser,
                     before={"criterion": key, "value": old}, after={"criterion": key, "value": value})
    return assignment


@transaction.atomic
def sheet_submit(*, actor: Any, assignment_id: int) -> Assignment:
    """Submit the sheet once every criterion is scored; its weighted total is kept with it."""
    assignment = _own_sheet(actor, assignment_id)
    if assignment.state == Assignment.State.SUBMITTED:
        raise Conflict(_("The sheet is submitted."), code=JudgingErrors.SHEET_SUBMITTED)
    rules = judging_settings(assignment.entry.activity)
    scores = dict(Score.objects.filter(assignment=assignment).values_list("criterion", "value"))
    missing = [c.key for c in rules.rubric if c.key not in scores]
    if missing:
        labels = [c.label for c in rules.rubric if c.key in missing]
        raise ValidationFailed(_("Score every criterion first: %(labels)s.") % {"labels": "、".join(labels)},
                               code=JudgingErrors.SHEET_INCOMPLETE, detail=[{"field": key} for key in missing])
    assignment.total = sheet_total(scores, _rubric(rules))
    assignment.state = Assignment.State.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["total", "state", "submitted_at"])
    oplog.record(actor=actor, action="judging.sheet_submit", obj=assignment,
                 organisation=assignment.entry.activity.organiser, after={"total": assignment.total})
    return assignment


@transaction.atomic
def sheet_reopen(*, actor: Any, assignment_id: int, reason: str) -> Assignment:
    """An admin of the activity reopens a submitted sheet so the judge can correct it (before publication)."""
    assignment = Assignment.objects.select_related("entry").filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound()
    activity = activity_managed(actor, assignment.entry.activity_id)
    if assignment.state != Assignment.State.SUBMITTED:
        raise Conflict(_("The sheet is not submitted."), code=JudgingErrors.SHEET_NOT_SUBMITTED)
    if ResultSet.objects.filter(activity=activity, state=ResultSet.State.PUBLISHED).exists():
        raise Conflict(_("The results are published."), code=JudgingErrors.RESULTS_PUBLISHED)
    before = {"state": assignment.state, "total": assignment.total}
    assignment.state, assignment.total, assignment.submitted_at = Assignment.State.ASSIGNED, None, None
    assignment.save(update_fields=["state", "total", "submitted_at"])
    oplog.record(actor=actor, action="judging.sheet_reopen", obj=assignment, organisation=activity.organiser,
                 before=before, after={"state": assignment.state, "reason": reason})
    return assignment
