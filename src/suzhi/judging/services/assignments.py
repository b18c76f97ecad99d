"""Assigning judges to entries: automatically (balanced, conflict-free) or one pair at a time."""

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity
from suzhi.core import oplog
from suzhi.core.bulk import insert_rows, summarise_block_ranges
from suzhi.core.errors import Conflict, NotFound
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.assign import AssignmentInfeasible, conflict_reasons
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.graph import entry_nodes, judge_nodes, panel_of, planned_pairs
from suzhi.judging.models import Assignment, Entry, Score
from suzhi.judging.reasons import reason_labels


def _unscored(activity: Activity) -> Any:
    return Assignment.objects.filter(entry__activity=activity, state=Assignment.State.ASSIGNED).exclude(
        Exists(Score.objects.filter(assignment=OuterRef("pk"))))


@transaction.atomic
def assignment_auto(*, actor: Any, activity_id: int) -> int:
    """Assign `judges_per_entry` judges of the entry's panel to every entry in judging, with every judge's load
    within one entry of the mean and no conflicting pair (assign.py). Assignments already scored are kept and
    count; the others are replaced. Returns the number of assignments made."""
    activity = activity_managed(actor, activity_id, for_update=True)
    rules = judging_settings(activity)
    _unscored(activity).delete()
    fixed = list(Assignment.objects.filter(entry__activity=activity).values_list("entry_id", "judge_id"))
    try:
        pairs = planned_pairs(activity, rules, fixed=fixed)
    except AssignmentInfeasible as exc:
        raise Conflict(_("No balanced assignment without conflicts exists for %(what)s (%(why)s).")
                       % {"what": exc.category or activity.title, "why": exc.reason},
                       code=JudgingErrors.ASSIGNMENT_INFEASIBLE,
                       detail={"reason": exc.reason, "entries": exc.entries[:100]}) from exc
    kept = set(fixed)
    # In entry order (planned_pairs gives them so): an entry's sheets then lie together, which its block-range
    # index relies on (models.py).
    rows = [pair for pair in pairs if pair not in kept] if kept else pairs
    insert_rows(Assignment, ("entry_id", "judge_id"), rows)
    summarise_block_ranges("assignment_entry")
    oplog.record(actor=actor, action="judging.assignment_auto", obj=activity, organisation=activity.organiser,
                 after={"assignments": len(rows), "entries": len({entry_id for entry_id, _judge in pairs})})
    return len(rows)


def _entry_for(actor: Any, entry_id: int) -> Entry:
    entry = Entry.objects.filter(pk=entry_id).select_related("activity").first()
    if entry is None:
        raise NotFound()
    activity_managed(actor, entry.activity_id)
    return entry


@transaction.atomic
def assignment_add(*, actor: Any, entry_id: int, judge_id: int) -> Assignment:
    """Assign one judge of the entry's panel to the entry by hand; refused when the pair conflicts."""
    entry = _entry_for(actor, entry_id)
    if entry.state != Entry.State.ACTIVE:
        raise Conflict(code=JudgingErrors.ENTRY_WITHDRAWN)
    rules = judging_settings(entry.activity)
    judges = [j for j in panel_of(judge_nodes(entry.activity, user_ids=[judge_id]), entry.category,
                                  by_category=rules.panels_by_category) if j.id == judge_id]
    if not judges:
        raise Conflict(_("The judge is not on the panel for this entry."), code=JudgingErrors.NOT_A_JUDGE)
    reasons = conflict_reasons(entry_nodes(entry.activity, entry_ids=[entry.pk])[0], judges[0])
    if reasons:
        raise Conflict(_("The judge may not score this entry: %(reasons)s.")
                       % {"reasons": "; ".join(str(label) for label in reason_labels(reasons))},
                       code=JudgingErrors.CONFLICT_OF_INTEREST, detail=[str(r) for r in reasons])
    assignment, _created = Assignment.objects.get_or_create(entry=entry, judge_id=judge_id)
    oplog.record(actor=actor, action="judging.assignment_add", obj=assignment, organisation=entry.organisation,
                 after={"entry": entry.blind_label, "judge": judge_id})
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment_id: int) -> None:
    """Take a judge off an entry; refused once the judge has scored it."""
    assignment = Assignment.objects.filter(pk=assignment_id).select_related("entry").first()
    if assignment is None:
        raise NotFound()
    _entry_for(actor, assignment.entry_id)
    if assignment.state == Assignment.State.SUBMITTED or assignment.scores.exists():
        raise Conflict(_("The judge has scored this entry."), code=JudgingErrors.ASSIGNMENT_SCORED)
    oplog.record(actor=actor, action="judging.assignment_remove", obj=assignment,
                 organisation=assignment.entry.organisation,
                 before={"entry": assignment.entry.blind_label, "judge": assignment.judge_id})
    assignment.delete()


def drop_conflicting(*, activity: Activity, judge_id: int) -> int:
    """Remove the judge's unscored assignments that now conflict (after a declared conflict). Inside the caller's
    transaction."""
    judges = [j for nodes in judge_nodes(activity, user_ids=[judge_id]).values() for j in nodes]
    if not judges:
        return 0
    pending = dict(_unscored(activity).filter(judge_id=judge_id).values_list("entry_id", "pk"))
    doomed = [pending[e.id] for e in entry_nodes(activity, entry_ids=pending)
              if conflict_reasons(e, judges[0])]
    Assignment.objects.filter(pk__in=doomed).delete()
    return len(doomed)
