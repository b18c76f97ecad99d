import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.judging.models import Assignment
from suzhi.judging.services.assignments import assignment_auto
from tests.core.factories import UserFactory, grant
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel, units
from tests.people.factories import make_person

API = "/api/v1/judging"
SCORES = {"tech": 30, "benefit": 20, "scope": 20, "use": 10}


@pytest.fixture
def judged(tree):
    activity = make_activity(tree.town_a, blind=True, judges_per_entry=2)
    author = make_person("张发明", tree.unit_a)
    judges = [make_judge(org) for org in units(tree.town_b, 3)]
    set_panel(activity, judges, actor=tree.town_a_admin)
    put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=3, author_person_ids=[author.pk],
                nominating_organisation_id=tree.unit_a.pk)
    assignment_auto(actor=tree.town_a_admin, activity_id=activity.pk)
    return activity, judges


def _body(response):
    assert response.status_code < 300, response.content
    return response.json()


def test_a_judge_scores_blind_and_sees_others_only_after_submitting(api_client, tree, judged):
    activity, judges = judged
    client = api_client(judges[0])
    page = _body(client.get(f"{API}/sheets"))
    assert page["count"] == 2
    text = json.dumps(page, ensure_ascii=False)
    assert "七里镇" not in text and "张发明" not in text  # blind: no organisation, no author
    first = page["items"][0]
    assert first["entry"]["organisation"] is None and first["entry"]["label"]
    sheet = _body(client.put(f"{API}/sheets/{first['id']}/scores", {"values": SCORES},
                             content_type="application/json"))
    assert {k: Decimal(v) for k, v in sheet["scores"].items()} == {k: Decimal(v) for k, v in SCORES.items()}
    assert sheet["others"] == []
    entry_id = first["entry"]["id"]
    other = Assignment.objects.get(entry_id=entry_id, judge__in=judges[1:])
    other_client = api_client(other.judge)
    _body(other_client.put(f"{API}/sheets/{other.pk}/scores", {"values": SCORES},
                           content_type="application/json"))
    _body(other_client.post(f"{API}/sheets/{other.pk}/submit"))
    client = api_client(judges[0])
    assert _body(client.get(f"{API}/sheets/{first['id']}"))["others"] == []  # not yet submitted myself
    submitted = _body(client.post(f"{API}/sheets/{first['id']}/submit"))
    assert submitted["state"] == "submitted" and len(submitted["others"]) == 1
    assert "七里镇" not in json.dumps(submitted, ensure_ascii=False)


def test_a_judge_cannot_reach_entries_not_assigned(api_client, tree, judged):
    activity, judges = judged
    foreign = Assignment.objects.exclude(judge=judges[0]).first()
    client = api_client(judges[0])
    assert client.get(f"{API}/sheets/{foreign.pk}").status_code == 404
    assert client.put(f"{API}/sheets/{foreign.pk}/scores", {"values": SCORES},
                      content_type="application/json").status_code == 404
    assert client.get(f"{API}/activities/{activity.pk}/overview").status_code in (403, 404)
    assert client.get(f"{API}/entries/{foreign.entry_id}/exclusions").status_code in (403, 404)


def test_another_towns_admin_gets_404(api_client, tree, judged):
    activity, _judges = judged
    entry_id = Assignment.objects.first().entry_id
    client = api_client(tree.town_b_admin)
    for method, url in (("get", f"/activities/{activity.pk}/overview"), ("post", f"/activities/{activity.pk}/assign"),
                        ("get", f"/activities/{activity.pk}/results"),
                        ("post", f"/activities/{activity.pk}/results/compute"),
                        ("get", f"/entries/{entry_id}/exclusions")):
        assert getattr(client, method)(API + url).status_code == 404, url
    assert _body(client.get(f"{API}/activities")) == []


def test_admin_overview_exclusions_and_results_flow(api_client, tree, judged):
    activity, judges = judged
    admin = api_client(tree.town_a_admin)
    overview = _body(admin.get(f"{API}/activities/{activity.pk}/overview"))
    assert overview["entries"] == 3 and overview["balanced"] and sum(j["assigned"] for j in overview["judges"]) == 6
    local = make_judge(tree.unit_a)
    _body(admin.put(f"{API}/activities/{activity.pk}/panel", {"judge_ids": [*(j.pk for j in judges), local.pk]},
                    content_type="application/json"))
    entry_id = Assignment.objects.first().entry_id
    excluded = _body(admin.get(f"{API}/entries/{entry_id}/exclusions"))
    assert [e["user_id"] for e in excluded] == [local.pk] and len(excluded[0]["reasons"]) == 2
    refused = admin.post(f"{API}/entries/{entry_id}/assignments", {"judge_id": local.pk},
                         content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "conflict_of_interest"
    assert _body(admin.post(f"{API}/activities/{activity.pk}/results/compute"))["state"] == "draft"
    same = admin.post(f"{API}/activities/{activity.pk}/results/verify")
    assert same.status_code == 409 and same.json()["code"] == "same_person"
    checker = UserFactory(organisation=tree.town_a)
    grant(checker, "town_admin", tree.town_a)
    assert _body(api_client(checker).post(f"{API}/activities/{activity.pk}/results/verify"))["state"] == "verified"
    admin = api_client(tree.town_a_admin)
    assert _body(admin.post(f"{API}/activities/{activity.pk}/results/publish"))["state"] == "published"
    results = _body(admin.get(f"{API}/activities/{activity.pk}/results"))
    assert results["state"] == "published" and len(results["items"]) == 3


def _queries_for(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{API}/sheets?page_size=100").status_code == 200
    return len(captured)


def test_the_judges_list_takes_a_fixed_number_of_queries(api_client, tree):
    judge = make_judge(tree.unit_b)
    counts = []
    for n in (3, 30):
        activity = make_activity(tree.town_a, judges_per_entry=1)
        set_panel(activity, [judge], actor=tree.town_a_admin)
        put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=n)
        assignment_auto(actor=tree.town_a_admin, activity_id=activity.pk)
        counts.append(_queries_for(api_client(judge)))
        Assignment.objects.filter(judge=judge).delete()
    assert counts[0] == counts[1]
