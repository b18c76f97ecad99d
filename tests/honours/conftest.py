import datetime

import pytest
import yaml
from django.db import transaction

from suzhi.campaigns import kinds
from suzhi.campaigns.results import RankedEntry, Ranking, Subject
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put
from suzhi.campaigns.services.targets import targets_refresh
from tests.campaigns.factories import plan_data
from tests.honours import fake_kind
from tests.people.factories import make_person

DAY = datetime.date(2024, 4, 15)

TARGETS = [
    {"key": "per-unit", "title": "每个企业培训不少于2人", "metric": "training.people", "form": "per_org",
     "per_org_types": ["enterprise"], "threshold": 2, "deadline": "rollout"},
    {"key": "coverage", "title": "在岗职工培训面50%", "metric": "training.participations", "form": "coverage",
     "threshold": 50, "filter": {"person_categories": ["in_post"]}, "deadline": "rollout"},
    {"key": "city-total", "title": "全市培训3人以上", "metric": "training.people", "form": "total", "threshold": 3,
     "deadline": "rollout"},
]

AWARDS = [
    {"key": "city-stars", "title": "技术标兵、服务明星", "text": "获前2名的选手授予称号。", "basis": "ranking",
     "activity": "contest", "top": 2, "per_ranking": True, "ties": "share",
     "titles": ["技术标兵", "服务明星"], "title_by_ranking": {"计算机操作": "技术标兵", "汽车驾驶": "服务明星"}},
    {"key": "strict", "title": "前2名（并列不计）", "text": "前2名。", "basis": "ranking", "activity": "contest",
     "top": 2, "ranking": "计算机操作", "ties": "exclude", "titles": ["状元"]},
    {"key": "decided", "title": "前2名（并列加赛）", "text": "前2名，并列时加赛决定。", "basis": "ranking",
     "activity": "contest", "top": 2, "ranking": "计算机操作", "ties": "decide", "tie_break": "加赛一轮",
     "titles": ["能手"]},
    {"key": "jiuquan", "title": "推荐酒泉", "text": "推荐酒泉市授予称号。", "basis": "manual", "top": 3,
     "per_ranking": True, "titles": ["酒泉市技术标兵", "酒泉市服务明星"], "recommend_to": "酒泉市总工会"},
    {"key": "units", "title": "先进单位", "text": "完成全部目标的单位。", "recipient": "organisation",
     "basis": "targets", "targets": "all", "titles": ["先进单位"]},
    {"key": "best-rate", "title": "培训面第一", "text": "培训面最高的单位。", "recipient": "organisation",
     "basis": "metric", "target": "coverage", "top": 1, "titles": ["培训先进单位"]},
    {"key": "first-prize", "title": "一等奖", "text": "获一等奖者。", "basis": "kind_award", "activity": "contest",
     "award": "一等奖", "per_ranking": True, "titles": ["创新能手"]},
    {"key": "degrees", "title": "会员达标", "text": "工会会员。", "basis": "attribute",
     "attributes": [{"field": "union_member", "op": "eq", "value": True}], "person_categories": ["in_post"],
     "titles": ["会员达标"]},
]


@pytest.fixture
def ranked_kind():
    kinds.register_kind(fake_kind.MANIFEST)
    yield fake_kind.RESULTS
    fake_kind.RESULTS.clear()
    kinds.unregister_kind(fake_kind.CODE)


@pytest.fixture
def campaign(tree, ranked_kind):
    data = plan_data(targets=TARGETS, awards=AWARDS)
    data["activities"].append({"key": "contest", "kind": fake_kind.CODE, "title": "全市职工技能大赛"})
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


@pytest.fixture
def people(tree, campaign):
    """甲 乙 丙 of unit A (甲 and 乙 trained), 丁 of unit B (trained): A meets both unit targets, B not the per-unit
    one (1 of 2 people)."""
    lectures = campaign.activities.get(key="lectures")
    found = [make_person(name, tree.unit_a) for name in ("甲", "乙", "丙")] + [make_person("丁", tree.unit_b)]
    with transaction.atomic():
        for person in (found[0], found[1], found[3]):
            metric_record_put(activity=lectures, metric="training.people", person=person, occurred_on=DAY,
                              source=f"p{person.pk}")
            metric_record_put(activity=lectures, metric="training.participations", person=person,
                              occurred_on=DAY, source=f"p{person.pk}-1")
    targets_refresh(actor=None, campaign_id=campaign.pk)
    return found


def entry(person, position, score=None, detail=""):
    return RankedEntry(position=position, name=person.name, organisation_id=person.organisation_id,
                       person_id=person.pk, score=score, detail=detail)


def ranking(key, title, organiser_id, entries):
    return Ranking(key=key, title=title, subject=Subject.PERSON, organiser_id=organiser_id, entries=tuple(entries))


@pytest.fixture
def contest(campaign, people, ranked_kind):
    """计算机操作: 甲 1st, 乙 and 丁 tied 2nd, 丙 unofficial; 汽车驾驶: 丙 1st, 甲 2nd. 乙 holds 一等奖
    in 计算机操作."""
    a, b, c, d = people
    activity = campaign.activities.get(key="contest")
    ranked_kind[activity.pk] = [
        ranking("event-1", "计算机操作 决赛", activity.organiser_id,
                [entry(a, 1, 98), entry(b, 2, 90, "一等奖"), entry(d, 2, 90), entry(c, None, 99)]),
        ranking("event-2", "汽车驾驶 决赛", activity.organiser_id, [entry(c, 1, 95), entry(a, 2, 80)]),
    ]
    return activity
