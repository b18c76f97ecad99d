"""The honours read a real kind's published results: a collection's 一等奖 (the award its ranked entries carry)
and the places of its units, through campaigns/results.py alone."""

import pytest

from suzhi.collections.services.decisions import decisions_apply
from suzhi.honours.services.honours import honours_propose
from tests.collections.decided import accepted, decided_campaign, publish

pytestmark = pytest.mark.django_db


def test_a_collections_first_prize_and_its_units_places(tree):
    activity = decided_campaign(tree)
    campaign = activity.campaign
    campaign.plan["awards"] = [
        {"key": "first-prize", "title": "合理化建议一等奖", "text": "获一等奖的职工。", "basis": "kind_award",
         "activity": "suggestions", "award": "一等奖", "titles": ["优秀建议能手"]},
        {"key": "units", "title": "组织奖", "text": "建议得分第1名的单位。", "recipient": "organisation",
         "basis": "ranking", "activity": "suggestions", "top": 1, "titles": ["征集活动组织奖"]},
    ]
    campaign.save(update_fields=["plan"])
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议"),
             accepted(tree, activity, tree.unit_b, "职工乙", "乙建议")]
    assert honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="first-prize") == []
    publish(tree, activity, {items[0].pk: 50, items[1].pk: 95})
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    prize = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="first-prize")
    author = items[1].authors.order_by("position").first().person
    assert [(h.person_id, h.name, h.title, h.organisation_id) for h in prize] == [
        (author.pk, "职工乙", "优秀建议能手", tree.unit_b.pk)]
    units = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="units")
    assert [(h.person_id, h.organisation_id, h.position) for h in units] == [(None, tree.unit_b.pk, 1)]
