"""The campaign API: list, detail, validate, load, plan download, phases, gating, refresh, dashboard."""

import datetime
import json

import pytest
import yaml
from django.db import transaction

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put
from tests.campaigns.factories import plan_data, plan_yaml
from tests.campaigns.test_targets import TARGETS
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def campaign(tree):
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(targets=TARGETS), allow_unicode=True))


def test_validate_reports_paths_and_lines(tree, api_client):
    client = api_client(tree.committee_admin)
    body = _post(client, "/api/v1/campaigns/validate", {"text": plan_yaml().replace("- rollout", "- later", 1)}).json()
    assert body["valid"] is False and body["errors"][0]["path"] == "activities[0].open_in.enroll[1]"
    assert body["errors"][0]["line"] > 1
    assert _post(client, "/api/v1/campaigns/validate", {"text": plan_yaml()}).json() == {"valid": True, "errors": []}


def test_load_creates_then_updates(tree, api_client):
    client = api_client(tree.committee_admin)
    created = _post(client, "/api/v1/campaigns/load", {"text": plan_yaml()})
    assert created.status_code == 201 and created.json()["code"] == "test-2024"
    again = _post(client, "/api/v1/campaigns/load", {"text": plan_yaml(title="新标题")})
    assert again.status_code == 200 and again.json()["title"] == "新标题" and Campaign.objects.count() == 1
    bad = _post(client, "/api/v1/campaigns/load", {"text": plan_yaml().replace("kind: collection", "kind: x")})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "activities[1].kind"
    assert _post(api_client(tree.town_a_admin), "/api/v1/campaigns/load", {"text": plan_yaml()}).status_code == 403


def test_list_detail_and_plan(tree, campaign, api_client):
    client = api_client(tree.town_b_admin)
    listed = client.get("/api/v1/campaigns/").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "test-2024"
    detail = client.get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert [p["key"] for p in detail["phases"]] == ["launch", "rollout", "finals"]
    assert detail["targets"][1]["per_org_types"] == ["enterprise"] and detail["targets"][0]["deadline"] == "rollout"
    plan = client.get(f"/api/v1/campaigns/{campaign.pk}/plan")
    assert yaml.safe_load(plan.content.decode())["code"] == "test-2024"


def test_phase_end_and_gating(tree, campaign, api_client):
    client = api_client(tree.committee_admin)
    response = _post(client, f"/api/v1/campaigns/{campaign.pk}/phases/launch",
                     {"ends_on": "2024-04-25", "reason": "延期"})
    assert response.status_code == 200 and response.json()["effective_end"] == "2024-04-25"
    assert _post(client, f"/api/v1/campaigns/{campaign.pk}/phases/launch",
                 {"ends_on": "2024-04-25", "reason": ""}).status_code == 422
    decision = api_client(tree.unit_a_admin).get(
        f"/api/v1/campaigns/{campaign.pk}/activities/suggestions/can?action=submit").json()
    assert decision["allowed"] is False and decision["code"] == "closed"  # it is 2026 now
    participant = api_client(tree.participant_a).get(
        f"/api/v1/campaigns/{campaign.pk}/activities/lectures/can?action=enroll")
    assert participant.status_code == 200 and participant.json()["code"] == "closed"


def test_dashboard_and_scope(tree, campaign, api_client):
    lectures = campaign.activities.get(key="lectures")
    with transaction.atomic():
        for person in (make_person("甲", tree.unit_a), make_person("乙", tree.unit_b)):
            metric_record_put(activity=lectures, metric="training.people", person=person,
                              occurred_on=datetime.date(2024, 4, 12), source=str(person.pk))
    client = api_client(tree.committee_admin)
    assert _post(client, f"/api/v1/campaigns/{campaign.pk}/targets/refresh", {}).status_code == 200
    board = client.get(f"/api/v1/campaigns/{campaign.pk}/dashboard").json()
    assert board["organisation"]["id"] == tree.committee.pk
    total = next(t for t in board["targets"] if t["key"] == "total")
    assert total["value"]["value"] == 2 and total["per_cent"] == pytest.approx(66.7)
    coverage = next(t for t in board["targets"] if t["key"] == "coverage")
    assert (coverage["children_met"], coverage["children_counted"]) == (0, 1)  # the federation: 0 of 2 reach 2
    town_b = api_client(tree.town_b_admin)
    own = town_b.get(f"/api/v1/campaigns/{campaign.pk}/dashboard").json()
    assert own["organisation"]["id"] == tree.town_b.pk
    assert [c["organisation"]["id"] for c in own["children"]] == [tree.unit_b.pk]
    assert own["children"][0]["values"]["total"]["value"] == 1
    assert town_b.get(f"/api/v1/campaigns/{campaign.pk}/dashboard?org_id={tree.town_a.pk}").status_code == 404
