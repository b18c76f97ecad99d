"""A collection campaign open today, its form, and helpers that take a submission up the levels."""

import datetime
from typing import Any

import yaml
from django.utils import timezone

FORM = {"fields": [
    {"key": "problem", "type": "long_text", "label": "现状及存在问题", "required": True},
    {"key": "proposal", "type": "long_text", "label": "建议内容及措施", "required": True},
    {"key": "benefit", "type": "number", "label": "经济效益", "unit": "万元", "min": 0},
]}
VALUES = {"problem": "空压机空载运行时间长", "proposal": "加装变频控制", "benefit": "12.5"}


def collection_campaign(tree: Any, *, open_days: tuple[int, int] = (-10, 10), targets: list | None = None,
                        **settings: Any) -> Any:
    """A plan with one collection activity whose submitting and reviewing are open today; its activity."""
    from suzhi.campaigns.services.plans import plan_load

    today = timezone.localdate()
    activity = {"key": "suggestions", "kind": "collection", "title": "合理化建议征集",
                "open_in": {"submit": ["open"], "review": ["open"]},
                "settings": {"form": FORM, "categories": ["节能降耗", "安全生产"], **settings}}
    data = {
        "code": "collect-test", "title": "征集测试方案", "year": today.year, "organiser": tree.committee.code,
        "goals": "广泛征集职工合理化建议。",
        "phases": [{"key": "open", "title": "征集阶段", "start": today + datetime.timedelta(days=open_days[0]),
                    "end": today + datetime.timedelta(days=open_days[1])}],
        "activities": [activity],
        "targets": targets or [],
    }
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))
    return campaign.activities.get(key="suggestions")


def submitted(activity: Any, user: Any, title: str = "空压机节能改造", **extra: Any) -> Any:
    from suzhi.collections.services.submissions import submission_save, submission_submit

    draft = submission_save(actor=user, activity_id=activity.pk, title=title, values=dict(VALUES), **extra)
    return submission_submit(actor=user, submission_id=draft.pk)


def review(actor: Any, submission: Any, action: str, **extra: Any) -> Any:
    from suzhi.collections.services.reviews import submission_review

    return submission_review(actor=actor, submission_id=submission.pk, action=action, **extra)
