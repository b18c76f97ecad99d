"""The results per category through the API: places, units, scores and decisions; another town sees only its own
units' items and nothing of an activity outside it; the reads take as many queries for 3 items as for 30."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from suzhi.collections.models import Submission
from suzhi.collections.selectors.results import activity_results
from suzhi.core.errors import NotFound
from suzhi.judging.services.entries import EntryIn, entries_put
from tests.collections.decided import accepted, decided_campaign, publish

pytestmark = pytest.mark.django_db

API = "/api/v1/collections"


def test_results_and_decisions_through_the_api(tree, api_client):
    activity = decided_campaign(tree)
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议"),
             accepted(tree, activity, tree.unit_b, "职工乙", "乙建议")]
    publish(tree, activity, {items[0].pk: 50, items[1].pk: 95})
    committee = api_client(tree.committee_admin)
    done = committee.post(f"{API}/activities/{activity.pk}/decisions")
    assert done.status_code == 200 and done.json() == {"decided": 2, "adopted": 1, "awarded": 2}
    rows = committee.get(f"{API}/activities/{activity.pk}/results").json()[0]["rows"]
    assert [(r["place"], r["title"], r["unit"], r["award"], r["adopted"]) for r in rows] == [
        (1, "乙建议", tree.unit_b.name, "一等奖", True), (2, "甲建议", tree.unit_a.name, "鼓励奖", False)]
    town_a = api_client(tree.town_a_admin)
    mine = town_a.get(f"{API}/activities/{activity.pk}/results").json()
    assert [r["title"] for group in mine for r in group["rows"]] == ["甲建议"]
    assert town_a.post(f"{API}/activities/{activity.pk}/decisions").status_code == 404


def test_another_towns_activity_is_not_found(tree):
    activity = decided_campaign(tree)
    activity.organiser = tree.town_b
    activity.save(update_fields=["organiser"])
    with pytest.raises(NotFound):
        activity_results(tree.town_a_admin, activity.pk)
    assert activity_results(tree.town_b_admin, activity.pk)[1] == []


def _bulk(tree, activity, n, start):
    rows = Submission.objects.bulk_create([Submission(
        activity=activity, organisation=tree.unit_a, submitted_by=tree.unit_a_admin, state="accepted",
        title=f"建议{start + i}") for i in range(n)])
    with transaction.atomic():
        entries_put(actor=tree.committee_admin, activity=activity, entries=[EntryIn(
            source=f"submission:{row.pk}", title=row.title, organisation_id=tree.unit_a.pk) for row in rows])
    return rows


def _count(user, activity):
    with CaptureQueriesContext(connection) as captured:
        activity_results(user, activity.pk)
    return len(captured.captured_queries)


def test_query_count_constant(tree):
    few_activity = decided_campaign(tree)
    few = _bulk(tree, few_activity, 3, 0)
    publish(tree, few_activity, {row.pk: 50 for row in few})
    many_activity = few_activity  # a second plan would clash on its code: grow the same activity instead
    before = _count(tree.committee_admin, many_activity)
    from suzhi.judging.models import ResultSet

    ResultSet.objects.filter(activity=many_activity).delete()
    many = _bulk(tree, many_activity, 27, 3)
    publish(tree, many_activity, {row.pk: 50 + i % 40 for i, row in enumerate(few + many)})
    assert len(activity_results(tree.committee_admin, many_activity.pk)[1][0].rows) == 30
    assert _count(tree.committee_admin, many_activity) == before
