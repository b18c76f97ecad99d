"""Judged activities, judges and entries for the judging tests. The activity is of the collection kind (any
kind's activity with a `judging` block in its settings is judged); judging itself imports no kind."""

import itertools
from typing import Any

from django.db import transaction

from suzhi.campaigns.models import Activity, Campaign
from suzhi.judging.services.entries import EntryIn, entries_put, panel_set
from tests.core.factories import UserFactory, grant, make_org

RUBRIC = [
    {"key": "tech", "label": "技术水平", "weight": 30, "max_score": 30, "description": "技术难度与创新性"},
    {"key": "benefit", "label": "经济效益", "weight": 30, "max_score": 30, "description": "年经济效益",
     "bands": [{"min_benefit": 0, "max_benefit": 10, "min_score": 0, "max_score": 10},
               {"min_benefit": 10, "min_score": 10, "max_score": 30}]},
    {"key": "scope", "label": "应用范围", "weight": 20, "max_score": 20},
    {"key": "use", "label": "实用性", "weight": 20, "max_score": 20},
]
_codes = itertools.count(1)


def judging_block(**overrides: Any) -> dict[str, Any]:
    return {"rubric": RUBRIC, "judges_per_entry": 2, "aggregation": "mean", **overrides}


def make_activity(organiser: Any, **judging: Any) -> Activity:
    n = next(_codes)
    campaign = Campaign.objects.create(code=f"judging-{n}", title="测试方案", year=2024, organiser=organiser)
    return Activity.objects.create(campaign=campaign, key="suggestions", kind="collection", title="合理化建议征集",
                                   organiser=organiser, settings={"judging": judging_block(**judging)})


def make_judge(org: Any, name: str | None = None) -> Any:
    user = UserFactory(organisation=org, **({"username": name} if name else {}))
    grant(user, "judge", org)
    return user


def put_entries(activity: Activity, orgs: list[Any], *, actor: Any, n: int = 3, category: str = "",
                prefix: str = "submission", **extra: Any) -> list[Any]:
    with transaction.atomic():
        return entries_put(actor=actor, activity=activity, entries=[
            EntryIn(source=f"{prefix}:{i}", title=f"建议{i}", organisation_id=orgs[i % len(orgs)].pk,
                    category=category, **extra) for i in range(n)])


def set_panel(activity: Activity, judges: list[Any], *, actor: Any, category: str = "") -> Any:
    return panel_set(actor=actor, activity_id=activity.pk, judge_ids=[j.pk for j in judges], category=category)


def units(parent: Any, n: int) -> list[Any]:
    return [make_org(f"单位{i}", parent=parent) for i in range(n)]


