"""An activity's results: computed (draft), verified by a second person, published by an admin. The states and
the steps between them are ResultSet.TRANSITIONS; who may take each step is decided here."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.bulk import insert_rows
from suzhi.core.errors import Conflict
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.manifest import VERIFY
from suzhi.judging.models import Assignment, Entry, Result, ResultSet
from suzhi.judging.scoring import aggregate, ranks

State = ResultSet.State


def _step(result_set: ResultSet | None, target: str, action: str) -> None:
    """Refuse a step the transition table does not allow from the current state."""
    current = result_set.state if result_set is not None else None
    if current is None and action == "compute":
        return
    if ResultSet.TRANSITIONS.get((current, target)) != action:
        if current == State.PUBLISHED:
            raise Conflict(_("The results are published."), code=JudgingErrors.RESULTS_PUBLISHED)
        if current is None:
            raise Conflict(_("The results have not been computed."), code=JudgingErrors.NO_RESULTS)
        raise Conflict(_("The results are %(state)s: this step is not possible now.")
                       % {"state": State(current).label}, code=JudgingErrors.RESULTS_STATE)


@transaction.atomic
def results_compute(*, actor: Any, activity_id: int) -> ResultSet:
    """Combine the submitted sheets of every entry in judging (the plan's mean, median or trimmed mean) and rank
    the entries within their categories. The results become a draft again, to be verified."""
    activity = activity_managed(actor, activity_id, for_update=True)
    rules = judging_settings(activity)
    result_set = ResultSet.objects.filter(activity=activity).first()
    _step(result_set, State.DRAFT, "compute")
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for entry_id, total in Assignment.objects.filter(
            entry__activity=activity, entry__state=Entry.State.ACTIVE, state=Assignment.State.SUBMITTED,
    ).values_list("entry_id", "total"):
        totals[entry_id].append(total)
    entries = list(Entry.objects.filter(activity=activity, state=Entry.State.ACTIVE).values_list("pk", "category"))
    figures = {pk: aggregate(totals.get(pk, ()), method=rules.aggregation, trim=rules.trim,
                             min_judges=rules.min_judges_for_trim) for pk, _category in entries}
    places = ranks((pk, category, figures[pk]) for pk, category in entries)
    now = timezone.now()
    if result_set is None:
        result_set = ResultSet.objects.create(activity=activity, computed_by=actor, computed_at=now)
    else:
        result_set.results.all().delete()
        result_set.state, result_set.computed_by, result_set.computed_at = State.DRAFT, actor, now
        result_set.verified_by = result_set.verified_at = None
        result_set.save()
    insert_rows(Result, ("result_set_id", "entry_id", "aggregate", "rank", "judges_counted"),
                [(result_set.pk, pk, figures[pk], places[pk], len(totals.get(pk, ()))) for pk, _c in entries])
    oplog.record(actor=actor, action="judging.results_compute", obj=result_set, organisation=activity.organiser,
                 after={"entries": len(entries), "state": result_set.state})
    return result_set


@transaction.atomic
def results_verify(*, actor: Any, activity_id: int) -> ResultSet:
    """A second person (holding judging.verify in the activity's scope) checks the draft results."""
    activity = activity_managed(actor, activity_id, VERIFY)
    result_set = ResultSet.objects.select_for_update().filter(activity=activity).first()
    _step(result_set, State.VERIFIED, "verify")
    assert result_set is not None
    if result_set.computed_by_id == actor.pk:
        raise Conflict(_("Results are verified by someone other than who computed them."),
                       code=JudgingErrors.SAME_PERSON)
    result_set.state, result_set.verified_by, result_set.verified_at = State.VERIFIED, actor, timezone.now()
    result_set.save(update_fields=["state", "verified_by", "verified_at"])
    oplog.record(actor=actor, action="judging.results_verify", obj=result_set, organisation=activity.organiser,
                 before={"state": State.DRAFT}, after={"state": result_set.state})
    return result_set


@transaction.atomic
def results_publish(*, actor: Any, activity_id: int) -> ResultSet:
    """An admin of the activity (judging.manage) publishes verified results."""
    activity = activity_managed(actor, activity_id)
    result_set = ResultSet.objects.select_for_update().filter(activity=activity).first()
    _step(result_set, State.PUBLISHED, "publish")
    assert result_set is not None
    result_set.state, result_set.published_by, result_set.published_at = State.PUBLISHED, actor, timezone.now()
    result_set.save(update_fields=["state", "published_by", "published_at"])
    oplog.record(actor=actor, action="judging.results_publish", obj=result_set, organisation=activity.organiser,
                 before={"state": State.VERIFIED}, after={"state": result_set.state})
    return result_set
