"""The example kind's one registration: every part the platform mounts for a kind (读书活动: people report the
pages they read). Labels are plain Chinese here; a real kind passes them through gettext."""

from typing import Any

from pydantic import Field

from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import PlanModel
from suzhi.core.manifests import ApiMount, UsageCount
from suzhi.core.navigation import MINE, WORK, NavItem

VIEW, MANAGE = "reading.view", "reading.manage"


class ReadingSettings(PlanModel):
    books: list[str] = Field(default_factory=list, description="The reading list.")
    pages_per_report: int = Field(20, gt=0)


MANIFEST = KindManifest(
    code="reading",
    label="读书活动",
    actions={"report": "读书打卡"},
    participant_actions=frozenset({"report"}),
    metrics=(
        Metric("reading.readers", "读书人数", Aggregate.PEOPLE),
        Metric("reading.pages", "阅读页数", Aggregate.SUM),
    ),
    settings_schema=ReadingSettings,
    permission_group="读书活动",
    permissions=((VIEW, "查看读书打卡"), (MANAGE, "管理读书活动")),
    log_actions=(("reading.report", "读书打卡"),),
    log_object_types=(("example_kind.readingreport", "读书打卡记录"),),
    log_details={"pages": "页数"},
    navigation=(
        NavItem("reading", "读书活动", "reading:report_list", VIEW, 50, group=WORK),
        NavItem("reading_my", "我的读书", "reading:my_reports", None, 17, group=MINE),
    ),
    urls="tests.example_kind.urls",
    url_prefix="reading/",
    api=(ApiMount("/reading", "tests.example_kind.api:router"),),
    usage=(UsageCount("reading_reports", "读书打卡记录", ("example_kind.ReadingReport.organisation",)),),
    demo_loaders=("tests.example_kind.demo.load_reading_demo",),
    activity_url="tests.example_kind.manifest.activity_url",
    results="tests.example_kind.selectors.ranked_results",
)


def activity_url(activity: Any, user: Any) -> str | None:
    from django.urls import reverse

    return reverse("reading:report_list") + f"?activity={activity.pk}" if user.has_perm(VIEW) else None
