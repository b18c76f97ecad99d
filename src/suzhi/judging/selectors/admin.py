"""What organisers read: judged activities, panels, each judge's load, why a pair is excluded, the results."""

import dataclasses
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise

from suzhi.core.errors import NotFound
from suzhi.core.models import User
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.assign import conflict_reasons, is_balanced
from suzhi.judging.graph import entry_nodes, judge_nodes, panel_of
from suzhi.judging.models import Assignment, Entry, Panel
from suzhi.judging.reasons import reason_labels


@dataclasses.dataclass(frozen=True)
class JudgeLoad:
    user_id: int
    name: str
    organisation: str
    categories: list[str]
    assigned: int
    submitted: int


@dataclasses.dataclass(frozen=True)
class Overview:
    entries: int
    judges: list[JudgeLoad]
    judges_per_entry: int
    balanced: bool
    panels: list[Panel]


def assignment_overview(user: Any, activity_id: Any) -> Overview:
    """Per judge of the activity's panels: entries assigned and submitted (a fixed number of queries)."""
    activity = activity_managed(user, activity_id)
    rules = judging_settings(activity)
    panels = list(Panel.objects.filter(activity=activity).prefetch_related("judges").order_by("category"))
    categories: dict[int, list[str]] = {}
    for panel in panels:
        for member in panel.judges.all():
            categories.setdefault(member.user_id, []).append(panel.category)
    counts = {row["judge_id"]: row for row in Assignment.objects.filter(
        entry__activity=activity, entry__state=Entry.State.ACTIVE).values("judge_id").annotate(
        assigned=Count("pk"), submitted=Count("pk", filter=Q(state=Assignment.State.SUBMITTED)))}
    users = User.objects.filter(pk__in=set(categories) | set(counts)).select_related("organisation")
    loads = [JudgeLoad(user_id=u.pk, name=u.full_name or u.get_username(),
                       organisation=u.organisation.name if u.organisation else "",
                       categories=categories.get(u.pk, []), assigned=counts.get(u.pk, {}).get("assigned", 0),
                       submitted=counts.get(u.pk, {}).get("submitted", 0)) for u in users.order_by("pk")]
    entries = Entry.objects.filter(activity=activity, state=Entry.State.ACTIVE).count()
    on_panels = [load.assigned for load in loads if load.categories]
    balanced = rules.panels_by_category or is_balanced(on_panels, entries, rules.judges_per_entry)
    return Overview(entries=entries, judges=loads, judges_per_entry=rules.judges_per_entry, balanced=balanced,
                    panels=panels)


@dataclasses.dataclass(frozen=True)
class Exclusion:
    user_id: int
    name: str
    reasons: list[Promise]


def entry_exclusions(user: Any, entry_id: Any) -> tuple[Entry, list[Exclusion], list[Assignment]]:
    """The entry, the judges of its panel who may not score it with the reasons, and its assignments."""
    entry = Entry.objects.filter(pk=entry_id).select_related("activity", "organisation").first() \
        if str(entry_id).isdigit() else None
    if entry is None:
        raise NotFound()
    activity = activity_managed(user, entry.activity_id)
    rules = judging_settings(activity)
    node = entry_nodes(activity, entry_ids=[entry.pk])
    judges = panel_of(judge_nodes(activity), entry.category, by_category=rules.panels_by_category)
    names = {u.pk: u.full_name or u.get_username() for u in User.objects.filter(pk__in=[j.id for j in judges])}
    excluded = [Exclusion(user_id=j.id, name=names[j.id], reasons=reason_labels(conflict_reasons(node[0], j)))
                for j in judges if node and conflict_reasons(node[0], j)]
    assignments = list(entry.assignments.select_related("judge").order_by("pk"))
    return entry, excluded, assignments


def entries_admin(user: Any, activity_id: Any) -> Any:
    activity = activity_managed(user, activity_id)
    return (Entry.objects.filter(activity=activity).select_related("organisation", "nominating_organisation")
            .annotate(judges=Count("assignments")).order_by("category", "pk"))


def judge_candidates(user: Any, activity_id: Any) -> tuple[Any, list[Any], dict[str, set[int]]]:
    """The activity, accounts holding the judge role (评委), and the current panels' members by category."""
    activity = activity_managed(user, activity_id)
    candidates = list(User.objects.filter(is_active=True, role_assignments__role__code="judge").distinct()
                      .select_related("organisation").order_by("organisation__path", "pk"))
    members: dict[str, set[int]] = {}
    for category, user_id in Panel.objects.filter(activity=activity).values_list("category", "judges__user_id"):
        members.setdefault(category, set())
        if user_id:
            members[category].add(user_id)
    return activity, candidates, members
