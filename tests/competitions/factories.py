"""Competitions for the tests: a campaign with a phase open today, a competition activity with two events
(理论 30% typed in, 实操 70% judged, 用时 to break ties), its judges, registered contestants."""

import datetime
import itertools
from typing import Any

from django.db import transaction
from django.utils import timezone

from suzhi.campaigns.models import Activity, Campaign, Phase
from suzhi.competitions.services.registration import contestant_register
from tests.judging.factories import make_judge, set_panel

_codes = itertools.count(1)

COMPONENTS = [
    {"key": "theory", "label": "理论", "source": "measured", "weight": 30},
    {"key": "practical", "label": "实操", "source": "judging", "weight": 70},
    {"key": "time", "label": "用时", "source": "measured", "unit": "分钟", "better": "lower"},
]
RUBRIC = [{"key": "skill", "label": "操作", "weight": 100, "max_score": 100}]


def competition_settings(**overrides: Any) -> dict[str, Any]:
    return {
        "events": [{"key": "computer", "title": "计算机操作", "components": COMPONENTS,
                    "tie_break": ["practical", "theory", "time"]},
                   {"key": "driving", "title": "汽车驾驶", "components": COMPONENTS,
                    "tie_break": ["practical", "theory", "time"]}],
        "rounds": [{"key": "final", "title": "决赛"}],
        "judging": {"rubric": RUBRIC, "judges_per_entry": 1, "aggregation": "mean", "blind": True,
                    "panels_by_category": True},
        **overrides,
    }


def make_competition(organiser: Any, *, settings: dict[str, Any] | None = None, **fields: Any) -> Activity:
    n = next(_codes)
    campaign = Campaign.objects.create(code=f"contest-{n}", title="技能比赛方案", year=2024, organiser=organiser)
    today = timezone.localdate()
    Phase.objects.create(campaign=campaign, key="rollout", title="全面展开", position=1,
                         starts_on=today - datetime.timedelta(days=5), ends_on=today + datetime.timedelta(days=30))
    return Activity.objects.create(
        campaign=campaign, key="city-contest", kind="competition", title="全市职工技能大赛", organiser=organiser,
        open_in={"register": ["rollout"], "score": ["rollout"]},
        settings=competition_settings() if settings is None else settings, **fields)


def register(activity: Activity, people: list[Any], *, actor: Any, event: str = "computer",
             official: bool = True) -> list[Any]:
    with transaction.atomic():
        return [contestant_register(actor=actor, activity_id=activity.pk, event=event, person_id=p.pk,
                                    official=official) for p in people]


def event_judges(activity: Activity, orgs: list[Any], *, actor: Any, event: str = "computer") -> list[Any]:
    judges = [make_judge(org) for org in orgs]
    set_panel(activity, judges, actor=actor, category=event)
    return judges


MEASURED = [
    {"key": "theory", "label": "理论", "source": "measured", "weight": 40},
    {"key": "practical", "label": "实操", "source": "measured", "weight": 60},
    {"key": "time", "label": "用时", "source": "measured", "unit": "分钟", "better": "lower"},
]


def measured_settings(**overrides: Any) -> dict[str, Any]:
    """A competition whose every component is entered or imported (no judges): the pages' tests."""
    return {
        "events": [{"key": "computer", "title": "计算机操作", "components": MEASURED,
                    "tie_break": ["practical", "theory", "time"]},
                   {"key": "driving", "title": "汽车驾驶", "components": MEASURED}],
        "rounds": [{"key": "final", "title": "决赛"}],
        **overrides,
    }
