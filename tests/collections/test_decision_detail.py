"""The submitter sees the decision (award, 采纳, place) on their submission's page once it is decided, not before."""

import pytest
from django.urls import reverse

from suzhi.collections.services.decisions import decisions_apply
from tests.collections.decided import accepted, decided_campaign, publish

pytestmark = pytest.mark.django_db


def test_the_submitter_sees_the_decision_once_decided(tree, login_client):
    activity = decided_campaign(tree)
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议"),
             accepted(tree, activity, tree.unit_b, "职工乙", "乙建议")]
    publish(tree, activity, {items[0].pk: 95, items[1].pk: 10})
    url = reverse("collections:detail", args=[items[0].pk])
    mine = login_client(items[0].submitted_by)
    before = mine.get(url)
    assert before.status_code == 200 and before.context["decision"] is None
    assert "cl-decision" not in before.content.decode()
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    body = mine.get(url).content.decode()
    assert "cl-decision" in body and "一等奖" in body and "cl-adopted" in body
    other = login_client(items[1].submitted_by).get(reverse("collections:detail", args=[items[1].pk]))
    assert other.context["decision"].award == "" and "cl-adopted" not in other.content.decode()
