"""What a judge reads: the entries assigned to them (paged, a fixed number of queries whatever their number) and
one score sheet. Under blind review nothing here names an author, an organisation or a nominee."""

import dataclasses
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from suzhi.core.errors import NotFound
from suzhi.judging.access import judging_settings
from suzhi.judging.content import JudgedContent, category_titles, contents_for
from suzhi.judging.models import Assignment, Score
from suzhi.judging.rubric import Criterion


@dataclasses.dataclass(frozen=True)
class EntryView:
    """An entry as a judge sees it: under blind review, the label and the work only."""

    id: int
    label: str
    title: str
    category: str
    organisation: str | None  # None under blind review
    blind: bool


@dataclasses.dataclass(frozen=True)
class AssignedRow:
    assignment_id: int
    activity_id: int
    activity_title: str
    state: str
    total: Decimal | None
    entry: EntryView


@dataclasses.dataclass(frozen=True)
class OtherSheet:
    judge: str
    total: Decimal | None
    scores: dict[str, Decimal]


@dataclasses.dataclass(frozen=True)
class Sheet:
    assignment: Assignment
    entry: EntryView
    content: JudgedContent
    criteria: list[Criterion]
    scores: dict[str, Decimal]
    others: list[OtherSheet]  # empty until the judge has submitted


def _entry_view(entry: Any, *, blind: bool, categories: dict[str, str]) -> EntryView:
    return EntryView(id=entry.pk, label=entry.blind_label, title=entry.title,
                     category=categories.get(entry.category, entry.category),
                     organisation=None if blind else entry.organisation.name, blind=blind)


def _blind(activity: Any) -> bool:
    return bool(((activity.settings or {}).get("judging") or {}).get("blind"))


def assigned_to(user: Any) -> QuerySet[Assignment]:
    return (Assignment.objects.filter(judge_id=user.pk, entry__state="active")
            .select_related("entry__activity", "entry__organisation").order_by("state", "entry__activity_id", "pk"))


def assigned_rows(assignments: Any) -> list[AssignedRow]:
    """Rows of `assigned_to` as the judge sees them (blind where the activity says)."""
    categories: dict[int, dict[str, str]] = {}
    for a in assignments:
        if a.entry.activity_id not in categories:
            categories[a.entry.activity_id] = category_titles(a.entry.activity)
    return [AssignedRow(assignment_id=a.pk, activity_id=a.entry.activity_id, activity_title=a.entry.activity.title,
                        state=a.state, total=a.total, entry=_entry_view(a.entry, blind=_blind(a.entry.activity),
                                                                        categories=categories[a.entry.activity_id]))
            for a in assignments]


def my_assignments(user: Any, *, rows: slice) -> tuple[list[AssignedRow], int]:
    """The page `rows` of the judge's assignments, to score first, and how many there are: two queries."""
    queryset = assigned_to(user)
    return assigned_rows(queryset[rows]), queryset.count()


def sheet_for(user: Any, assignment_id: Any) -> Sheet:
    """The judge's own sheet (404 for anyone else's): the entry, the kind's content, the rubric, the judge's
    scores, and once submitted, the other judges' submitted sheets of the entry."""
    assignment = assigned_to(user).filter(pk=assignment_id).first() if str(assignment_id).isdigit() else None
    if assignment is None:
        raise NotFound()
    entry = assignment.entry
    activity = entry.activity
    rules = judging_settings(activity)
    blind = rules.blind
    scores = dict(Score.objects.filter(assignment=assignment).values_list("criterion", "value"))
    others: list[OtherSheet] = []
    if assignment.state == Assignment.State.SUBMITTED:
        submitted = (Assignment.objects.filter(entry=entry, state=Assignment.State.SUBMITTED)
                     .exclude(pk=assignment.pk).select_related("judge").order_by("pk"))
        by_sheet: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for sheet_id, key, value in Score.objects.filter(assignment__in=submitted).values_list(
                "assignment_id", "criterion", "value"):
            by_sheet[sheet_id][key] = value
        others = [OtherSheet(judge=other.judge.full_name or other.judge.get_username(), total=other.total,
                             scores=by_sheet[other.pk]) for other in submitted]
    content = contents_for(activity, [entry], blind=blind)[entry.pk]
    return Sheet(assignment=assignment, entry=_entry_view(entry, blind=blind, categories=category_titles(activity)),
                 content=content,
                 criteria=list(rules.rubric), scores=scores, others=others)
