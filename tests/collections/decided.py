"""A collection activity with judging and awards whose accepted submissions are scored and the results published."""

from typing import Any

from suzhi.judging.models import Entry
from suzhi.judging.services.assignments import assignment_add
from suzhi.judging.services.results import results_compute, results_publish, results_verify
from suzhi.judging.services.scores import score_save, sheet_submit
from tests.collections.factories import collection_campaign, review, submitted
from tests.core.factories import UserFactory, grant, make_org
from tests.judging.factories import judging_block, make_judge, set_panel
from tests.support import make_participant

AWARDS = [{"title": "一等奖", "by": "rank", "top": 1, "adopt": True},
          {"title": "采纳", "by": "score", "min_score": 60, "adopt": True},
          {"title": "鼓励奖", "by": "score", "min_score": 40}]


def decided_campaign(tree: Any, **settings: Any) -> Any:
    return collection_campaign(tree, judging=judging_block(judges_per_entry=1), awards=AWARDS, **settings)


def accepted(tree: Any, activity: Any, org: Any, name: str, title: str) -> Any:
    """A worker of `org` (unit_a or unit_b) submits; every level recommends it up to the committee."""
    _person, user = make_participant(tree, name, org)
    item = submitted(activity, user, title=title)
    if org == tree.unit_a:
        admins = (tree.unit_a_admin, tree.town_a_admin)
    else:
        unit_b_admin = UserFactory(organisation=tree.unit_b)
        grant(unit_b_admin, "unit_admin", tree.unit_b)
        admins = (unit_b_admin, tree.town_b_admin)
    for admin in (*admins, tree.committee_admin):
        item = review(admin, item, "recommend")
    return item


def publish(tree: Any, activity: Any, techs: dict[int, int]) -> None:
    """One judge scores each submission `techs[id]` points in all, then the results are computed, verified by a
    second committee login and published."""
    judge = make_judge(make_org("评审专家库", parent=tree.federation))
    set_panel(activity, [judge], actor=tree.committee_admin)
    for entry in Entry.objects.filter(activity=activity):
        total = techs[int(entry.source.removeprefix("submission:"))]
        values = _values(total)
        assignment = assignment_add(actor=tree.committee_admin, entry_id=entry.pk, judge_id=judge.pk)
        score_save(actor=judge, assignment_id=assignment.pk, values=values)
        sheet_submit(actor=judge, assignment_id=assignment.pk)
    results_compute(actor=tree.committee_admin, activity_id=activity.pk)
    checker = UserFactory(organisation=tree.committee)
    grant(checker, "committee_admin", tree.committee)
    results_verify(actor=checker, activity_id=activity.pk)
    results_publish(actor=tree.committee_admin, activity_id=activity.pk)


def _values(total: int) -> dict[str, int]:
    """Criterion scores adding up to `total` (0–100)."""
    values = {}
    for key, most in (("tech", 30), ("benefit", 30), ("scope", 20), ("use", 20)):
        values[key] = min(most, total)
        total -= values[key]
    return values


def adopted_activity(tree: Any, targets: list | None = None) -> tuple[Any, list[Any]]:
    """Four judged suggestions with the decisions applied: 建议0 (一等奖) and 建议1 (采纳) of unit_a and 沙州建议
    (采纳) of unit_b adopted, 建议2 (鼓励奖) not."""
    from suzhi.collections.services.decisions import decisions_apply

    activity = decided_campaign(tree, targets=targets)
    items = [accepted(tree, activity, tree.unit_a, f"职工{i}", f"建议{i}") for i in range(3)]
    items.append(accepted(tree, activity, tree.unit_b, "职工乙", "沙州建议"))
    publish(tree, activity, dict(zip([item.pk for item in items], (90, 65, 45, 70), strict=True)))
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    return activity, items
