"""The log API: scope (404 outside), 403 without log.view, filters, pagination."""

import pytest

from suzhi.core.models import LoginLog, OperationLog

BASE = "/api/v1/logs"


def oplog(org, repr_, action="org.update", **extra):
    return OperationLog.objects.create(
        organisation=org, action=action, actor_username="someone", object_repr=repr_,
        object_type="core.organisation", **extra,
    )


@pytest.fixture
def rows(tree):
    return {
        "a": oplog(tree.town_a, "七里镇行"),
        "unit_a": oplog(tree.unit_a, "甲企业行", action="user.create"),
        "b": oplog(tree.town_b, "沙州镇行", before={"name": "旧"}, after={"name": "新"}),
    }


def test_list_is_scoped(tree, rows, api_client):
    body = api_client(tree.town_b_admin).get(f"{BASE}/operations").json()
    assert set(body) == {"items", "count"}
    objects = {item["object_repr"] for item in body["items"]}
    # Issuing the test token wrote a token.create row for town_b's admin, in town_b.
    assert "沙州镇行" in objects and "七里镇行" not in objects and "甲企业行" not in objects
    assert all(item["organisation_id"] == tree.town_b.pk for item in body["items"])


def test_detail_outside_scope_is_404(tree, rows, api_client):
    client = api_client(tree.town_b_admin)
    response = client.get(f"{BASE}/operations/{rows['a'].pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    own = client.get(f"{BASE}/operations/{rows['b'].pk}").json()
    assert own["before"] == {"name": "旧"}
    assert own["changes"][0]["before"] == "旧" and own["changes"][0]["after"] == "新"


def test_org_filter_outside_scope_is_404(tree, rows, api_client):
    response = api_client(tree.town_b_admin).get(f"{BASE}/operations", {"org_id": tree.town_a.pk})
    assert response.status_code == 404
    body = api_client(tree.committee_admin).get(
        f"{BASE}/operations", {"org_id": tree.town_a.pk, "action": "user"}
    ).json()
    assert [item["object_repr"] for item in body["items"]] == ["甲企业行"]


def test_participant_gets_403(tree, rows, api_client):
    client = api_client(tree.participant_a)
    for url in (f"{BASE}/operations", f"{BASE}/operations/{rows['a'].pk}", f"{BASE}/logins"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"


def test_bad_date_is_422_with_field(tree, api_client):
    response = api_client(tree.town_a_admin).get(f"{BASE}/operations", {"date_from": "2024-13-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "date_from"


def test_list_query_count_is_constant(tree, api_client, django_assert_max_num_queries):
    for i in range(60):
        oplog(tree.unit_b, f"行{i}")
    client = api_client(tree.town_b_admin)
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/operations", {"page_size": 50}).json()
    assert len(body["items"]) == 50 and body["count"] >= 60


def test_login_list_is_scoped_and_filtered(tree, api_client, django_assert_max_num_queries):
    for user, ok in ((tree.town_a_admin, True), (tree.town_b_admin, False), (tree.town_b_admin, True)):
        LoginLog.objects.create(
            username=user.username, user=user, organisation_id=user.organisation_id, ip="10.0.0.2",
            success=ok, reason=LoginLog.Reason.OK if ok else LoginLog.Reason.BAD_CREDENTIALS,
        )
    client = api_client(tree.town_b_admin)
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/logins").json()
    assert {item["username"] for item in body["items"]} == {"town_b"}
    failed = client.get(f"{BASE}/logins", {"success": "false"}).json()
    assert failed["count"] == 1 and failed["items"][0]["reason"] == "bad_credentials"
