"""A training campaign whose phases are open today, and sessions in it."""

import datetime

import yaml
from django.utils import timezone

from suzhi.campaigns.services.plans import plan_load
from suzhi.training.services.sessions import session_create


def training_campaign(tree, **activity_overrides):
    today = timezone.localdate()
    activity = {"key": "lectures", "kind": "training", "title": "职工素质提升讲座",
                "open_in": {"create_session": ["now"], "enroll": ["now"], "check_in": ["now"]},
                "settings": {"forms": ["class", "lecture", "remote"], "check_in_minutes": 30}}
    activity.update(activity_overrides)
    data = {
        "code": "training-test", "title": "培训测试方案", "year": today.year, "organiser": tree.committee.code,
        "goals": "提升职工素质。",
        "phases": [{"key": "now", "title": "实施阶段", "start": today - datetime.timedelta(days=30),
                    "end": today + datetime.timedelta(days=30)}],
        "activities": [activity],
        "targets": [
            {"key": "trained", "title": "培训人数", "metric": "training.people", "form": "total", "threshold": 10,
             "deadline": "now"},
            {"key": "every-worker", "title": "每名职工至少培训1次", "metric": "training.participations",
             "form": "coverage", "threshold": 100, "at_least": 1, "filter": {"person_categories": ["in_post"]},
             "deadline": "now"},
            {"key": "hours", "title": "学时", "metric": "training.hours", "form": "total", "threshold": 100,
             "deadline": "now"},
        ],
    }
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


def make_session(actor, campaign, organisation, *, starts_in_minutes=-10, minutes=120, hours="2", **extra):
    start = timezone.now() + datetime.timedelta(minutes=starts_in_minutes)
    return session_create(
        actor=actor, activity_id=campaign.activities.get(key="lectures").pk, title=extra.pop("title", "安全生产讲座"),
        form=extra.pop("form", "lecture"), organiser_id=organisation.pk, starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes), hours=hours, **extra,
    )
