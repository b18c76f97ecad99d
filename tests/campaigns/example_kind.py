"""A documented example of an activity kind plugging into the campaign engine.

A kind's app does three things; this file shows each with a small 读书 (reading) kind:
1. declares a settings schema (a `PlanModel`, so unknown keys are errors with their line in the plan file);
2. registers a `KindManifest` with its actions (which a plan opens in phases) and metrics (which targets use)
   from its `AppConfig.ready()` — here from the `reading_kind` fixture in conftest.py, so only tests see it;
3. reports facts with `metric_record_put` inside its own service's transaction; the engine computes targets.
"""

import datetime

from django.db import transaction
from pydantic import Field

from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import PlanModel


class ReadingSettings(PlanModel):
    books: list[str] = Field(default_factory=list, description="The reading list.")
    pages_per_report: int = Field(20, gt=0)


READING = KindManifest(
    code="reading",
    label="读书活动",
    actions={"report": "读书打卡", "review": "审核"},
    metrics=(
        Metric("reading.readers", "读书人数", Aggregate.PEOPLE),
        Metric("reading.reports", "打卡次数", Aggregate.COUNT),
        Metric("reading.pages", "阅读页数", Aggregate.SUM),
    ),
    settings_schema=ReadingSettings,
    participant_actions=frozenset({"report"}),
)


def reading_report(*, activity, person, day: datetime.date, pages: int, number: int) -> None:
    """What the kind's own service would do after its checks: one record per report."""
    from suzhi.campaigns.services.records import metric_record_put

    with transaction.atomic():
        for metric, quantity in (("reading.readers", 1), ("reading.reports", 1), ("reading.pages", pages)):
            metric_record_put(activity=activity, metric=metric, person=person, occurred_on=day,
                              quantity=quantity, source=f"report-{number}")
