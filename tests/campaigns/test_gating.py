"""One function answers whether a user may do an action now: yes, or a reason code and a sentence."""

import datetime

import pytest
from django.utils import translation

from suzhi.campaigns.eligibility import can
from suzhi.campaigns.services.phases import phase_set_end
from suzhi.campaigns.services.plans import plan_load
from tests.campaigns.factories import plan_data
from tests.core.factories import UserFactory, make_org
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def campaign(tree):
    import yaml

    data = plan_data()
    data["activities"].append({"key": "teachers", "kind": "training", "title": "教师研修",
                               "person_categories": ["teacher"], "open_in": {"enroll": ["rollout"]}})
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


def _activity(campaign, key):
    return campaign.activities.select_related("organiser").get(key=key)


def test_open_within_the_phase_dates_inclusive(tree, campaign):
    suggestions = _activity(campaign, "suggestions")
    for day in (D(2024, 4, 10), D(2024, 4, 15), D(2024, 4, 20)):
        assert can(tree.unit_a_admin, "submit", suggestions, at=day).allowed


def test_closed_and_not_started_say_when_in_chinese(tree, campaign):
    suggestions = _activity(campaign, "suggestions")
    closed = can(tree.unit_a_admin, "submit", suggestions, at=D(2024, 4, 21))
    assert not closed and closed.code == "closed"
    assert closed.message == "征集已于2024年4月20日截止"
    early = can(tree.unit_a_admin, "submit", suggestions, at=D(2024, 4, 1))
    assert early.code == "not_started" and "2024年4月10日" in early.message
    with translation.override("en"):
        assert "closed" in can(tree.unit_a_admin, "submit", suggestions, at=D(2024, 4, 21)).message


def test_review_opens_in_a_later_phase(tree, campaign):
    suggestions = _activity(campaign, "suggestions")
    assert can(tree.unit_a_admin, "review", suggestions, at=D(2024, 5, 1)).allowed
    assert can(tree.unit_a_admin, "review", suggestions, at=D(2024, 4, 12)).code == "not_started"


def test_an_extension_reopens_and_an_early_close_shuts(tree, campaign):
    suggestions = _activity(campaign, "suggestions")
    phase_set_end(actor=tree.committee_admin, campaign_id=campaign.pk, phase_key="launch",
                  ends_on=D(2024, 4, 25), reason="延期五天")
    assert can(tree.unit_a_admin, "submit", suggestions, at=D(2024, 4, 24)).allowed
    phase_set_end(actor=tree.committee_admin, campaign_id=campaign.pk, phase_key="launch",
                  ends_on=D(2024, 4, 12), reason="提前结束")
    decision = can(tree.unit_a_admin, "submit", suggestions, at=D(2024, 4, 13))
    assert decision.code == "closed" and "2024年4月12日" in decision.message


def test_unknown_and_unopened_actions(tree, campaign):
    lectures = _activity(campaign, "lectures")
    assert can(tree.unit_a_admin, "vote", lectures, at=D(2024, 4, 12)).code == "unknown_action"
    assert can(tree.unit_a_admin, "create_session", lectures, at=D(2024, 4, 12)).code == "not_open"


def test_organisation_type_restriction(tree, campaign):
    decision = can(tree.town_a_admin, "submit", _activity(campaign, "suggestions"), at=D(2024, 4, 12))
    assert decision.code == "org_type" and decision.message == "本活动仅面向企事业单位"


def test_person_category_restriction(tree, campaign):
    teachers = _activity(campaign, "teachers")
    worker = make_person("王五", tree.unit_a)  # 在岗职工
    worker.user = tree.participant_a
    worker.save(update_fields=["user"])
    tree.participant_a.refresh_from_db()
    decision = can(tree.participant_a, "enroll", teachers, at=D(2024, 5, 1))
    assert decision.code == "category" and decision.message == "本活动仅面向教师"
    assert can(tree.participant_a, "enroll", _activity(campaign, "lectures"), at=D(2024, 5, 1)).allowed


def test_outside_the_organisers_tree(tree, campaign):
    elsewhere = make_org("外市工会")
    stranger = UserFactory(username="stranger", organisation=elsewhere)
    decision = can(stranger, "enroll", _activity(campaign, "lectures"), at=D(2024, 4, 12))
    assert decision.code == "outside" and tree.committee.name in decision.message


def test_organiser_actions_are_not_limited_by_who_takes_part(tree, campaign):
    suggestions = _activity(campaign, "suggestions")  # for enterprises (企事业单位) only
    assert can(tree.town_a_admin, "review", suggestions, at=D(2024, 5, 1)).allowed  # a township reviews
    assert can(tree.town_a_admin, "submit", suggestions, at=D(2024, 4, 12)).code == "org_type"


def test_days_are_beijing_days(tree, campaign):
    suggestions = _activity(campaign, "suggestions")
    utc = datetime.UTC
    # 20 April 15:59 UTC is 23:59 in Beijing, still the last day; 16:00 UTC is already 21 April there.
    assert can(tree.unit_a_admin, "submit", suggestions, at=datetime.datetime(2024, 4, 20, 15, 59, tzinfo=utc))
    late = can(tree.unit_a_admin, "submit", suggestions, at=datetime.datetime(2024, 4, 20, 16, 0, tzinfo=utc))
    assert late.code == "closed"
