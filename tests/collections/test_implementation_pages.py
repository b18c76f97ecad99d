"""The implementation panel on a suggestion's page, the results page's column and the API: the author reports, a
reviewer confirms, the author's confirmation is refused with a message, another town gets 404 and changes nothing,
the page answers in the same number of queries however long the history."""

import pytest
from django.contrib.messages import constants
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suzhi.collections.models import Implementation
from suzhi.collections.services.implementation import implementation_report
from tests.collections.decided import adopted_activity

pytestmark = pytest.mark.django_db
API = "/api/v1/collections/implementation"


@pytest.fixture
def adopted(tree):
    return adopted_activity(tree)


def _detail(item):
    return reverse("collections:detail", args=[item.pk])


def _levels(response):
    return [m.level for m in response.context["messages"]]


def test_the_author_reports_and_a_reviewer_confirms_on_the_page(tree, adopted, login_client):
    _activity, items = adopted
    author = login_client(items[0].submitted_by)
    page = author.get(_detail(items[0]))
    body = page.content.decode()
    assert page.context["implementation"].may_report and not page.context["implementation"].may_confirm
    assert "cl-implementation" in body and "cl-impl-report" in body and "cl-impl-confirm" not in body
    done = author.post(reverse("collections:implementation_report", args=[items[0].pk]),
                       {"status": "implemented", "measured_benefit": "3.5", "note": "改造完成"}, follow=True)
    assert _levels(done) == [constants.SUCCESS]
    assert "3.50" in done.content.decode() and "cl-unconfirmed" in done.content.decode()
    offered = [value for value, _label in done.context["report_form"].fields["status"].choices]
    assert offered == ["in_progress", "implemented"]  # what the table allows after 已实施
    refused = author.post(reverse("collections:implementation_confirm", args=[items[0].pk]), follow=True)
    assert _levels(refused) == [constants.ERROR]
    assert not Implementation.objects.get(submission=items[0]).confirmed
    bad = author.post(reverse("collections:implementation_report", args=[items[0].pk]),
                      {"status": "implemented", "measured_benefit": "-1"}, follow=True)
    assert _levels(bad) == [constants.ERROR]
    assert Implementation.objects.get(submission=items[0]).measured_benefit == 3.5
    town = login_client(tree.town_a_admin)
    shown = town.get(_detail(items[0]))
    assert shown.context["implementation"].may_confirm and "cl-impl-confirm" in shown.content.decode()
    confirmed = town.post(reverse("collections:implementation_confirm", args=[items[0].pk]),
                          {"comment": "经核实"}, follow=True)
    assert _levels(confirmed) == [constants.SUCCESS]
    assert "cl-confirmed" in confirmed.content.decode()
    assert Implementation.objects.get(submission=items[0]).confirmed_by == tree.town_a_admin
    results = town.get(reverse("collections:results", args=[items[0].activity_id])).content.decode()
    assert 'class="small cl-impl" data-status="implemented"' in results


def test_a_suggestion_not_adopted_has_no_panel(tree, adopted, login_client):
    _activity, items = adopted
    page = login_client(items[2].submitted_by).get(_detail(items[2]))
    assert page.context["implementation"] is None and "cl-implementation" not in page.content.decode()


def test_another_town_gets_not_found_and_changes_nothing(tree, adopted, login_client, api_client):
    _activity, items = adopted
    implementation_report(actor=items[0].submitted_by, submission_id=items[0].pk, status="implemented",
                          measured_benefit="3")
    other = login_client(tree.town_b_admin)
    assert other.get(_detail(items[0])).status_code == 404
    assert other.post(reverse("collections:implementation_report", args=[items[0].pk]),
                      {"status": "implemented", "measured_benefit": "99"}).status_code == 404
    assert other.post(reverse("collections:implementation_confirm", args=[items[0].pk])).status_code == 404
    client = api_client(tree.town_b_admin)
    assert client.get(f"{API}/{items[0].pk}").status_code == 404
    assert client.post(f"{API}/{items[0].pk}/report", {"status": "implemented", "measured_benefit": 99},
                       content_type="application/json").status_code == 404
    assert client.post(f"{API}/{items[0].pk}/confirm", {}, content_type="application/json").status_code == 404
    found = Implementation.objects.get(submission=items[0])
    assert found.measured_benefit == 3 and not found.confirmed
    results = [r for g in client.get(f"/api/v1/collections/activities/{items[0].activity_id}/results").json()
               for r in g["rows"]]
    assert [r["title"] for r in results] == ["沙州建议"]


def test_the_api_reads_reports_and_confirms(tree, adopted, api_client):
    _activity, items = adopted
    url = f"{API}/{items[0].pk}"
    assert api_client(items[2].submitted_by).get(f"{API}/{items[2].pk}").json()["code"] == "not_adopted"
    author = api_client(items[0].submitted_by)
    start = author.get(url).json()
    assert (start["status"], start["may_report"], start["may_confirm"], start["steps"]) == (
        "not_started", True, False, [])
    assert author.get(f"{API}/{items[2].pk}").status_code == 404  # another author's, outside the worker's sight
    wrong = author.post(f"{url}/report", {"status": "abandoned", "measured_benefit": 1},
                        content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["code"] == "benefit_invalid"
    unknown = author.post(f"{url}/report", {"status": "finished"}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["code"] == "implementation_status"
    reported = author.post(f"{url}/report", {"status": "implemented", "measured_benefit": "3.5", "note": "完成"},
                           content_type="application/json")
    assert reported.status_code == 200, reported.content
    assert reported.json()["measured_benefit"] == "3.50"
    back = author.post(f"{url}/report", {"status": "not_started"}, content_type="application/json")
    assert back.status_code == 409 and back.json()["code"] == "implementation_status"
    mine = author.post(f"{url}/confirm", {}, content_type="application/json")
    assert mine.status_code == 403 and mine.json()["code"] == "confirm_by_author"
    town = api_client(tree.town_a_admin)
    town.post(f"{url}/report", {"status": "implemented", "measured_benefit": 4}, content_type="application/json")
    own = town.post(f"{url}/confirm", {}, content_type="application/json")
    assert own.status_code == 403 and own.json()["code"] == "confirm_by_reporter"
    committee = api_client(tree.committee_admin)
    confirmed = committee.post(f"{url}/confirm", {"comment": "同意"}, content_type="application/json")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == tree.committee_admin.pk
    assert [s["action"] for s in confirmed.json()["steps"]] == ["report", "report", "confirm"]
    twice = committee.post(f"{url}/confirm", {}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "confirm_not_now"
    rows = {r["submission_id"]: r for g in committee.get(
        f"/api/v1/collections/activities/{items[0].activity_id}/results").json() for r in g["rows"]}
    assert (rows[items[0].pk]["implementation"], rows[items[0].pk]["implementation_confirmed"]) == (
        "implemented", True)
    assert rows[items[2].pk]["implementation"] == ""


def test_the_page_answers_in_the_same_number_of_queries(tree, adopted, login_client):
    _activity, items = adopted
    author = items[0].submitted_by
    implementation_report(actor=author, submission_id=items[0].pk, status="in_progress")
    client = login_client(tree.town_a_admin)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_detail(items[0])).status_code == 200
        return len(captured.captured_queries)

    count()  # the first request after the login writes the session
    few = count()
    for benefit in ("1", "2", "3", "4", "5", "6"):
        implementation_report(actor=author, submission_id=items[0].pk, status="in_progress", measured_benefit=benefit)
    assert count() == few
