"""Applying each basis of award rule to the records, the organiser's hand on the list (add and remove with a
reason), confirming, and the scope: another organisation's admins neither see nor change anything (404)."""

import pytest
from django.utils import translation

from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import OperationLog
from suzhi.honours.models import Honour, HonourChange
from suzhi.honours.services.honours import honour_add, honour_remove, honours_confirm, honours_propose
from suzhi.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The basis and certificate sentences are asserted word for word, in the msgid's language.
    with translation.override("en"):
        yield


def _names(honours):
    return sorted((h.name, h.title) for h in honours)


def test_ranking_per_event_shares_the_tie_and_titles_by_event(tree, campaign, contest):
    made = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="city-stars")
    # 计算机操作: 甲 first, 乙 and 丁 tied second (both in), 丙 unofficial (out); 汽车驾驶: 丙, 甲.
    assert _names(made) == [("丁", "技术标兵"), ("丙", "服务明星"), ("乙", "技术标兵"), ("甲", "技术标兵"),
                            ("甲", "服务明星")]
    tied = next(h for h in made if h.name == "乙")
    assert (tied.position, tied.tied, tied.basis) == (2, False, "计算机操作 决赛, tied place 2")
    assert all(h.state == "proposed" and h.recommend_to == "" for h in made)
    assert HonourChange.objects.filter(honour__in=made, action="propose").count() == 5
    log = OperationLog.objects.get(action="honours.propose")
    assert log.after == {"rule": "city-stars", "proposed": 5, "replaced": 0}


def test_exclude_keeps_only_those_strictly_within_and_decide_marks_the_tie(tree, campaign, contest):
    strict = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="strict")
    assert _names(strict) == [("甲", "状元")]
    decided = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="decided")
    assert sorted((h.name, h.tied) for h in decided) == [("丁", True), ("乙", True), ("甲", False)]


def test_the_kind_award_and_the_attribute_bases(tree, campaign, contest, people):
    prize = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="first-prize")
    assert _names(prize) == [("乙", "创新能手")] and prize[0].basis == "计算机操作 决赛, 一等奖"
    Person.objects.filter(pk__in=[people[0].pk, people[3].pk]).update(union_member=True)
    members = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="degrees")
    assert _names(members) == [("丁", "会员达标"), ("甲", "会员达标")]


def test_units_meeting_all_their_targets_and_the_best_rate(tree, campaign, people):
    units = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="units")
    # A: 2 trained (per-unit met), 2 of 3 in post covered (met); B: 1 trained, per-unit not met.
    assert [(h.organisation_id, h.person_id, h.title) for h in units] == [(tree.unit_a.pk, None, "先进单位")]
    assert units[0].basis == "met all 2 of its targets"
    best = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="best-rate")
    assert [h.organisation_id for h in best] == [tree.unit_b.pk]  # 100% against A's 66.7%
    assert best[0].position == 1 and "100%" in best[0].basis


def test_proposing_again_replaces_the_proposals_and_keeps_what_the_organiser_decided(tree, campaign, contest):
    admin = tree.committee_admin
    first = honours_propose(actor=admin, campaign_id=campaign.pk, rule_key="city-stars")
    removed = next(h for h in first if h.name == "丁")
    honour_remove(actor=admin, honour_id=removed.pk, reason="资格审查未通过")
    again = honours_propose(actor=admin, campaign_id=campaign.pk, rule_key="city-stars")
    assert len(again) == 4 and "丁" not in {h.name for h in again}
    assert Honour.objects.get(pk=removed.pk).state == "removed"
    assert Honour.objects.filter(campaign=campaign, rule_key="city-stars").count() == 5
    assert OperationLog.objects.filter(action="honours.propose").order_by("pk").last().after["replaced"] == 4


def test_a_manual_rule_takes_recipients_by_hand_as_recommendations(tree, campaign, people):
    admin = tree.committee_admin
    with pytest.raises(Conflict) as refused:
        honours_propose(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan")
    assert refused.value.code == "award_rule_manual"
    with pytest.raises(ValidationFailed) as missing:
        honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=people[0].pk, reason=" ")
    assert missing.value.code == "honour_reason_needed"
    with pytest.raises(ValidationFailed) as wrong:
        honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=people[0].pk,
                   title="状元", reason="酒泉成绩")
    assert wrong.value.code == "honour_title"
    honour = honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=people[0].pk,
                        title="酒泉市服务明星", basis="酒泉市大赛 汽车驾驶 第2名", position=2, reason="酒泉成绩")
    assert (honour.origin, honour.state, honour.recommend_to, honour.reason) == (
        "manual", "proposed", "酒泉市总工会", "酒泉成绩")
    assert honour.certificate_text() == "甲 is recommended to 酒泉市总工会 for the title “酒泉市服务明星”."
    with pytest.raises(Conflict) as twice:
        honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=people[0].pk,
                   title="酒泉市服务明星", reason="再次")
    assert twice.value.code == "honour_duplicate"
    with pytest.raises(ValidationFailed):  # an award to people takes no unit as recipient
        honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", organisation_id=tree.unit_a.pk,
                   reason="单位")
    assert OperationLog.objects.get(action="honours.add").after["reason"] == "酒泉成绩"


def test_confirm_moves_the_proposals_to_the_roll_and_remove_needs_a_reason(tree, campaign, contest):
    admin = tree.committee_admin
    honours_propose(actor=admin, campaign_id=campaign.pk, rule_key="strict")
    assert honours_confirm(actor=admin, campaign_id=campaign.pk, rule_key="strict") == 1
    honour = Honour.objects.get(campaign=campaign, rule_key="strict")
    assert (honour.state, honour.confirmed_by) == ("confirmed", admin)
    assert honour.certificate_text() == "甲 is awarded the title “状元”."
    with pytest.raises(Conflict) as nothing:
        honours_confirm(actor=admin, campaign_id=campaign.pk, rule_key="strict")
    assert nothing.value.code == "honours_nothing_proposed"
    with pytest.raises(ValidationFailed):
        honour_remove(actor=admin, honour_id=honour.pk, reason="")
    honour_remove(actor=admin, honour_id=honour.pk, reason="成绩更正")
    with pytest.raises(Conflict) as gone:
        honour_remove(actor=admin, honour_id=honour.pk, reason="再撤销")
    assert gone.value.code == "honour_state"
    history = list(HonourChange.objects.filter(honour=honour).values_list("action", "before", "after", "reason"))
    assert history == [("propose", "", "proposed", ""), ("confirm", "proposed", "confirmed", ""),
                       ("remove", "confirmed", "removed", "成绩更正")]


def test_an_unknown_rule_is_not_found(tree, campaign):
    with pytest.raises(NotFound) as unknown:
        honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="nothing")
    assert unknown.value.code == "award_rule_unknown"


def test_another_organisation_cannot_change_anything(tree, campaign, contest, people):
    # The campaign is the committee's: a town admin (honours.manage over the town only) gets 404 everywhere.
    town = tree.town_b_admin
    honour = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="strict")[0]
    for call in (lambda: honours_propose(actor=town, campaign_id=campaign.pk, rule_key="strict"),
                 lambda: honours_confirm(actor=town, campaign_id=campaign.pk, rule_key="strict"),
                 lambda: honour_remove(actor=town, honour_id=honour.pk, reason="x"),
                 lambda: honour_add(actor=town, campaign_id=campaign.pk, rule_key="jiuquan", person_id=people[0].pk,
                                    reason="x")):
        with pytest.raises(NotFound):
            call()
    assert Honour.objects.get(pk=honour.pk).state == "proposed"


def test_a_recipient_outside_the_campaigns_tree_is_not_found(tree, campaign):
    from tests.core.factories import make_org
    from tests.people.factories import make_person

    elsewhere = make_person("外人", make_org("外市企业"))
    with pytest.raises(NotFound):
        honour_add(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=elsewhere.pk,
                   reason="x")
