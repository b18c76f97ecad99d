"""The reviewer's queue in a fixed number of queries, the units below that have not reviewed, counts per state,
targets computed from the kind's metrics, and the plan check's errors for bad levels and quotas."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.campaigns.models import TargetValue
from suzhi.campaigns.plan.check import check_plan_text
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.collections.selectors.submissions import Tab, my_submissions, pending_below, queue, state_counts
from tests.collections.factories import FORM, collection_campaign, review, submitted
from tests.support import make_participant

pytestmark = pytest.mark.django_db


def _queries(organisation, activity, tab):
    with CaptureQueriesContext(connection) as captured:
        page = queue(organisation=organisation, activity=activity, tab=tab)
        rows = [(s.title, s.organisation.name, s.reviewer.name, [a.person.name for a in s.authors.all()])
                for s in page.object_list]
    return len(captured.captured_queries), rows


def test_the_queue_answers_in_the_same_number_of_queries_for_3_and_30(tree, activity, worker):
    _person, user = worker
    for i in range(3):
        submitted(activity, user, f"建议{i}")
    few, rows = _queries(tree.unit_a, activity, Tab.RECEIVED)
    assert len(rows) == 3
    for i in range(27):
        submitted(activity, user, f"更多{i}")
    many, rows = _queries(tree.unit_a, activity, Tab.RECEIVED)
    assert len(rows) == 30 and many == few


def test_each_level_sees_received_forwarded_returned_rejected(tree, activity, worker):
    _person, user = worker
    items = [submitted(activity, user, f"建议{i}") for i in range(4)]
    assert pending_below(organisation=tree.town_a, activity=activity) == [
        {"id": tree.unit_a.pk, "name": tree.unit_a.name, "n": 4}]
    for item in items[:3]:
        review(tree.unit_a_admin, item, "recommend")
    review(tree.unit_a_admin, items[3], "reject", comment="不具备条件")
    assert pending_below(organisation=tree.town_a, activity=activity) == []
    review(tree.town_a_admin, items[1], "return", comment="请补充")
    review(tree.town_a_admin, items[2], "recommend")

    def titles(org, tab):
        return sorted(s.title for s in queue(organisation=org, activity=activity, tab=tab).object_list)

    assert titles(tree.unit_a, Tab.FORWARDED) == ["建议0", "建议1", "建议2"]
    assert titles(tree.unit_a, Tab.REJECTED) == ["建议3"]
    assert titles(tree.town_a, Tab.RECEIVED) == ["建议0"]
    assert titles(tree.town_a, Tab.RETURNED) == ["建议1"]
    assert titles(tree.town_a, Tab.FORWARDED) == ["建议2"]
    assert titles(tree.federation, Tab.RECEIVED) == ["建议2"]
    assert titles(tree.town_b, Tab.RECEIVED) == []
    counts = state_counts(organisation=tree.town_a, activity=activity)
    assert counts["under_review"] == 2 and counts["returned"] == 1 and counts["rejected"] == 1
    assert state_counts(organisation=tree.town_b, activity=activity)["under_review"] == 0
    assert len(my_submissions(user=user)) == 4


def test_a_target_of_ten_suggestions_per_unit(tree):
    target = {"key": "ten-each", "title": "每个单位至少征集10条合理化建议", "metric": "collection.submissions",
              "activity": "suggestions", "form": "per_org", "per_org_types": ["enterprise"], "threshold": 10,
              "deadline": "open"}
    recommended = {"key": "recommended", "title": "推荐数", "metric": "collection.recommended", "form": "total",
                   "threshold": 1, "deadline": "open"}
    people = {"key": "people", "title": "参与人数", "metric": "collection.contributors", "form": "total",
              "threshold": 5, "deadline": "open"}
    activity = collection_campaign(tree, targets=[target, recommended, people])
    workers = [make_participant(tree, f"职工{i}", tree.unit_a)[1] for i in range(2)]
    items = [submitted(activity, workers[i % 2], f"建议{i}") for i in range(10)]
    review(tree.unit_a_admin, items[0], "recommend")

    def value(key, org):
        targets_refresh(actor=None, campaign_id=activity.campaign_id)
        return TargetValue.objects.get(target__key=key, organisation=org)

    unit = value("ten-each", tree.unit_a)
    assert unit.value == 10 and unit.met == 1
    assert value("recommended", tree.committee).value == 1
    assert value("people", tree.committee).value == 2


def _plan_with(settings):
    from tests.campaigns.factories import plan_data

    data = plan_data()
    data["activities"][1]["settings"] = settings
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_the_plan_check_points_at_bad_levels_and_quotas(tree):
    settings = {"form": FORM, "categories": ["节能降耗"], "review_levels": [
        {"title": "单位", "org_types": ["enterprise"], "depth": 4},
        {"title": "乡镇", "org_types": ["town_federation", "enterprise"],
         "quota": {"per_category": {"安全": 2}}},
        {"title": "市总", "org_types": ["federation"], "quota": {}},
    ]}
    text = _plan_with(settings)
    _plan, errors = check_plan_text(text)
    found = {e.path: e for e in errors}
    prefix = "activities[1].settings.review_levels"
    assert set(found) == {f"{prefix}[0].org_types", f"{prefix}[1].org_types[1]",
                          f"{prefix}[1].quota.per_category.安全", f"{prefix}[2].quota"}
    lines = text.splitlines()
    assert "安全" in lines[found[f"{prefix}[1].quota.per_category.安全"].line - 1]
    assert "enterprise" in lines[found[f"{prefix}[1].org_types[1]"].line - 1]
    assert all(e.line is not None for e in errors)
    settings["review_levels"][1]["quota"] = {"total": 0}
    assert [e.path for e in check_plan_text(_plan_with(settings))[1]] == [f"{prefix}[1].quota.total"]
    good = _plan_with({"form": FORM, "categories": ["节能降耗"], "review_levels": [
        {"title": "单位", "depth": 4}, {"title": "乡镇", "depth": 3, "quota": {"per_category": {"节能降耗": 3}}}]})
    assert check_plan_text(good)[1] == []
