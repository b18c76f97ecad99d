"""A judge's score sheet: scores saved per criterion (every change kept), then submitted; reopened by an admin.

`score_value`, `scores_write` and `sheet_close` are the steps the judge's own saves and the import of paper sheets
(services/paper.py) share; they run inside the calling service's transaction, on a sheet it has locked."""

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
from suzhi.judging.rubric import Criterion, JudgingSettings
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


def score_value(criterion: Criterion, raw: Any) -> Decimal:
    """A score as kept (two places), or ValidationFailed when it is not a number from 0 to the criterion's
    maximum."""
    try:
        value = Decimal(str(raw).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("“%(label)s” must be a number.") % {"label": criterion.label},
                               code=JudgingErrors.SCORE_OUT_OF_RANGE, detail=[{"field": criterion.key}]) from exc
    if not value.is_finite() or not 0 <= value <= Decimal(str(criterion.max_score)):
        raise ValidationFailed(_("“%(label)s” is scored from 0 to %(max)s.")
                               % {"label": criterion.label, "max": f"{criterion.max_score:g}"},
                               code=JudgingErrors.SCORE_OUT_OF_RANGE, detail=[{"field": criterion.key}])
    return value


def scores_write(assignment: Assignment, values: Mapping[str, Decimal], *, by: Any, log: bool) -> int:
    """Write checked scores of an open sheet (locked by the caller); each change keeps the old value, the time
    and `by`, who typed it. `log`: an operation-log row per change (the judge's own saves); an import logs
    itself once. The number of criteria changed."""
    stored = {s.criterion: s for s in Score.objects.filter(assignment=assignment)}
    changed = 0
    for key, value in values.items():
        score = stored.get(key)
        if score is not None and score.value == value:
            continue
        old = score.value if score is not None else None
        if score is None:
            score = Score.objects.create(assignment=assignment, criterion=key, value=value)
        else:
            score.value = value
            score.save(update_fields=["value"])
        ScoreChange.objects.create(score=score, old=old, new=value, by=by)
        changed += 1
        if log:
            oplog.record(actor=by, action="judging.score_save", obj=assignment,
                         organisation=assignment.entry.activity.organiser,
                         before={"criterion": key, "value": old}, after={"criterion": key, "value": value})
    return changed


def sheet_close(assignment: Assignment, rules: JudgingSettings) -> Assignment:
    """Submit an open sheet (locked by the caller) once every criterion is scored, keeping its weighted total."""
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
    return assignment


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
        cleaned[key] = score_value(criterion, raw)
    scores_write(assignment, cleaned, by=actor, log=True)
    return assignment


@transaction.atomic
def sheet_submit(*, actor: Any, assignment_id: int) -> Assignment:
    """Submit the sheet once every criterion is scored; its weighted total is kept with it."""
    assignment = _own_sheet(actor, assignment_id)
    if assignment.state == Assignment.State.SUBMITTED:
        raise Conflict(_("The sheet is submitted."), code=JudgingErrors.SHEET_SUBMITTED)
    sheet_close(assignment, judging_settings(assignment.entry.activity))
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
