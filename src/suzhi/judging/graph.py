"""The entries and judges of an activity as the assignment sees them (assign.EntryNode / JudgeNode): organisation
paths, authors, nominators and declared conflicts, read in a few queries whatever the numbers."""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

from suzhi.campaigns.models import Activity
from suzhi.core.bulk import no_cycle_collection, raw_rows
from suzhi.judging.assign import AssignmentInfeasible, EntryNode, JudgeNode, assign
from suzhi.judging.models import DeclaredConflict, Entry, PanelJudge
from suzhi.judging.rubric import JudgingSettings


def entry_nodes(activity: Activity, *, entry_ids: Iterable[int] | None = None) -> list[EntryNode]:
    rows = Entry.objects.filter(activity=activity, state=Entry.State.ACTIVE)
    if entry_ids is not None:
        rows = rows.filter(pk__in=list(entry_ids))
    # The authors as text, decoded only when there are any: most entries have none on record.
    rows = rows.annotate(authors=Cast("author_ids", TextField()))
    none: frozenset[int] = frozenset()
    found = raw_rows(rows.order_by("pk").values_list(
        "pk", "organisation__path", "authors", "nominating_organisation__path", "category"))
    return [EntryNode(pk, path, frozenset(json.loads(authors)) if authors and authors != "[]" else none,
                      nominator or "", category)
            for pk, path, authors, nominator, category in found]


def judge_nodes(activity: Activity, *, user_ids: Iterable[int] | None = None) -> dict[str, list[JudgeNode]]:
    """The panels' judges by panel category ("" for the activity's panel)."""
    rows = PanelJudge.objects.filter(panel__activity=activity)
    conflicts = DeclaredConflict.objects.filter(activity=activity)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
        conflicts = conflicts.filter(judge_id__in=list(user_ids))
    declared_entries: dict[int, set[int]] = defaultdict(set)
    declared_paths: dict[int, set[str]] = defaultdict(set)
    for judge_id, entry_id, path in conflicts.values_list("judge_id", "entry_id", "organisation__path"):
        if entry_id:
            declared_entries[judge_id].add(entry_id)
        if path:
            declared_paths[judge_id].add(path)
    panels: dict[str, list[JudgeNode]] = defaultdict(list)
    for user_id, path, person_id, person_path, category in rows.order_by("user_id").values_list(
            "user_id", "user__organisation__path", "user__person__id", "user__person__organisation__path",
            "panel__category"):
        paths = tuple(sorted({p for p in (path, person_path) if p}))
        panels[category].append(JudgeNode(id=user_id, org_paths=paths, person_id=person_id,
                                          declared_entries=frozenset(declared_entries[user_id]),
                                          declared_paths=tuple(sorted(declared_paths[user_id]))))
    return dict(panels)


def panel_of(panels: dict[str, list[Any]], category: str, *, by_category: bool) -> list[Any]:
    """The judges who score entries of `category`."""
    return panels.get(category if by_category else "", [])


def planned_pairs(activity: Activity, rules: JudgingSettings, *,
                  fixed: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """(entry, judge) for every entry in judging: `judges_per_entry` of its panel each, balanced, conflict-free,
    the `fixed` pairs kept (assign.py). Reads, computes, writes nothing; AssignmentInfeasible names the panel."""
    with no_cycle_collection():
        return _planned_pairs(activity, rules, fixed)


def _planned_pairs(activity: Activity, rules: JudgingSettings,
                   fixed: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    entries = entry_nodes(activity)
    panels = judge_nodes(activity)
    groups: dict[str, list[EntryNode]] = defaultdict(list)
    for entry in entries:
        groups[entry.category if rules.panels_by_category else ""].append(entry)
    chosen: dict[int, list[int]] = {}
    for category, members in groups.items():
        judges = panel_of(panels, category, by_category=rules.panels_by_category)
        try:
            chosen.update(assign(members, judges, k=rules.judges_per_entry, fixed=fixed))
        except AssignmentInfeasible as exc:
            exc.category = category
            raise
    # In entry order whatever the panels: the entries were read in that order
    return [(entry.id, judge_id) for entry in entries for judge_id in chosen[entry.id]]
