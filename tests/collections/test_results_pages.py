"""The results page: the committee sees every category's ranked list and applies the decisions (refused with a
message before the results are published); another town sees only its units' rows; a participant gets 404."""

import pytest
from django.contrib.messages import constants
from django.urls import reverse

from suzhi.collections.models import Decision
from tests.collections.decided import accepted, decided_campaign, publish

pytestmark = pytest.mark.django_db


def _url(activity):
    return reverse("collections:results", args=[activity.pk])


def test_the_committee_sees_the_ranked_list_and_applies_the_decisions(tree, login_client):
    activity = decided_campaign(tree)
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议"),
             accepted(tree, activity, tree.unit_b, "职工乙", "乙建议")]
    committee = login_client(tree.committee_admin)
    refused = committee.post(_url(activity), follow=True)
    assert [m.level for m in refused.context["messages"]] == [constants.ERROR]
    assert not Decision.objects.exists()
    publish(tree, activity, {items[0].pk: 50, items[1].pk: 95})
    page = committee.get(_url(activity))
    assert page.status_code == 200 and page.context["may_decide"]
    body = page.content.decode()
    assert body.index("乙建议") < body.index("甲建议") and tree.unit_b.name in body and "cl-decide" in body
    done = committee.post(_url(activity), follow=True)
    assert [m.level for m in done.context["messages"]] == [constants.SUCCESS]
    rows = [r for g in done.context["groups"] for r in g.rows]
    assert [(r.place, r.title, r.award, r.adopted) for r in rows] == [
        (1, "乙建议", "一等奖", True), (2, "甲建议", "鼓励奖", False)]
    assert "一等奖" in done.content.decode() and "cl-adopted" in done.content.decode()
    queue = committee.get(reverse("collections:queue"), {"activity": activity.pk})
    assert _url(activity) in queue.content.decode()


def test_another_town_sees_its_own_rows_and_cannot_decide(tree, login_client):
    activity = decided_campaign(tree)
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议"),
             accepted(tree, activity, tree.unit_b, "职工乙", "乙建议")]
    publish(tree, activity, {items[0].pk: 50, items[1].pk: 95})
    town_a = login_client(tree.town_a_admin)
    page = town_a.get(_url(activity))
    assert page.status_code == 200 and not page.context["may_decide"]
    assert [r.title for g in page.context["groups"] for r in g.rows] == ["甲建议"]
    assert "乙建议" not in page.content.decode() and "cl-decide" not in page.content.decode()
    assert town_a.post(_url(activity)).status_code == 404
    assert not Decision.objects.exists()


def test_a_participant_gets_not_found(tree, login_client):
    activity = decided_campaign(tree)
    item = accepted(tree, activity, tree.unit_a, "职工甲", "甲建议")
    publish(tree, activity, {item.pk: 80})
    worker = login_client(item.submitted_by)
    assert worker.get(_url(activity)).status_code == 404
    assert worker.post(_url(activity)).status_code == 404
    assert not Decision.objects.exists()
