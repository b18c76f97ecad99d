"""/api/v1/users: list, create, me, detail, patch, reset, grant, revoke."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.core.models import OperationLog, RoleAssignment, User
from tests.support import add_workers

JSON = "application/json"
def test_list_is_paginated_and_scoped(tree, api_client):
    response = api_client(tree.town_a_admin).get("/api/v1/users/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {u["username"] for u in body["items"]} == {"town_a", "unit_a", "worker_a"}
    worker = next(u for u in body["items"] if u["username"] == "worker_a")
    assert worker["organisation"]["code"] == "DH-QLZ-001"
    assert worker["roles"][0]["role_code"] == "participant"


def test_list_filters(tree, api_client):
    client = api_client(tree.committee_admin)
    assert client.get("/api/v1/users/", {"org_id": tree.town_b.pk}).json()["count"] == 1
    assert client.get("/api/v1/users/", {"q": "0005"}).json()["items"][0]["username"] == "worker_a"
    assert client.get("/api/v1/users/", {"role": "town_admin"}).json()["count"] == 2
    assert client.get("/api/v1/users/", {"is_active": "false"}).json()["count"] == 0
    page = client.get("/api/v1/users/", {"page": 2, "page_size": 2}).json()
    assert page["count"] == 5 and len(page["items"]) == 2


def test_list_org_outside_scope_is_404(tree, api_client):
    response = api_client(tree.town_b_admin).get("/api/v1/users/", {"org_id": tree.town_a.pk})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_list_needs_user_view(tree, api_client):
    response = api_client(tree.participant_a).get("/api/v1/users/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_phones_masked_without_pii_view_full_with_it(tree, api_client):
    masked = api_client(tree.unit_a_admin).get(f"/api/v1/users/{tree.participant_a.pk}").json()
    assert masked["phone"] == "139****0005"
    listed = api_client(tree.unit_a_admin).get("/api/v1/users/").json()["items"]
    assert "13900000005" not in str(listed)
    full = api_client(tree.town_a_admin).get(f"/api/v1/users/{tree.participant_a.pk}").json()
    assert full["phone"] == "13900000005"


def test_list_query_count_does_not_grow_with_rows(tree, api_client):
    client = api_client(tree.town_a_admin)
    client.get("/api/v1/users/me")  # the token's first use writes last_used_at; not what is measured
    add_workers(tree.unit_a, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/users/?page_size=50").json()["count"] == 8
    add_workers(tree.unit_a, 20)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/users/?page_size=50").json()["count"] == 28
    assert len(few.captured_queries) == len(many.captured_queries) <= 12


def test_create_returns_the_initial_password_once(tree, api_client):
    response = api_client(tree.town_a_admin).post(
        "/api/v1/users/",
        {"username": "lisi", "full_name": "李四", "organisation_id": tree.unit_a.pk, "phone": "13711112222",
         "role_codes": ["participant"]},
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(username="lisi")
    assert user.check_password(body["initial_password"]) and user.must_change_password
    assert body["user"]["id"] == user.pk and body["user"]["roles"][0]["role_code"] == "participant"
    assert body["initial_password"] not in str(api_client(tree.town_a_admin).get(f"/api/v1/users/{user.pk}").json())


def test_create_validation_errors(tree, api_client):
    response = api_client(tree.town_a_admin).post(
        "/api/v1/users/",
        {"username": "lisi", "full_name": "李四", "organisation_id": tree.unit_a.pk, "password": "abcdefgh"},
        content_type=JSON,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["detail"][0]["field"] == "password"


def test_create_in_another_town_is_refused(tree, api_client):
    response = api_client(tree.town_b_admin).post(
        "/api/v1/users/", {"username": "lisi", "full_name": "李四", "organisation_id": tree.unit_a.pk},
        content_type=JSON,
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "organisation_id"
    assert not User.objects.filter(username="lisi").exists()


def test_unit_admin_cannot_grant_committee_admin(tree, api_client):
    client = api_client(tree.unit_a_admin)
    response = client.post(
        "/api/v1/users/",
        {"username": "lisi", "full_name": "李四", "organisation_id": tree.unit_a.pk, "role_codes": ["committee_admin"]},
        content_type=JSON,
    )
    assert response.status_code == 403 and response.json()["code"] == "escalation_refused"
    response = client.post(
        f"/api/v1/users/{tree.participant_a.pk}/roles",
        {"role_code": "committee_admin", "organisation_id": tree.unit_a.pk}, content_type=JSON,
    )
    assert response.status_code == 403 and response.json()["code"] == "escalation_refused"
    assert not RoleAssignment.objects.filter(role__code="committee_admin", organisation=tree.unit_a).exists()


def test_me(tree, api_client):
    body = api_client(tree.unit_a_admin).get("/api/v1/users/me").json()
    assert body["username"] == "unit_a" and body["phone"] == "13900000004"
    assert body["organisation"]["code"] == "DH-QLZ-001"
    assert {"org.view", "user.view", "user.manage", "log.view", "notice.manage"} <= set(body["permissions"])
    assert "role.manage" not in body["permissions"] and "pii.view" not in body["permissions"]
    assert [r["role_code"] for r in body["roles"]] == ["unit_admin"]


def test_me_works_without_any_permission(tree, api_client):
    body = api_client(tree.participant_a).get("/api/v1/users/me").json()
    assert body["permissions"] == [] and body["roles"][0]["role_code"] == "participant"


def test_detail_of_yourself_needs_no_user_view(tree, api_client):
    client = api_client(tree.participant_a)
    assert client.get(f"/api/v1/users/{tree.participant_a.pk}").status_code == 200
    assert client.get(f"/api/v1/users/{tree.unit_a_admin.pk}").status_code == 403


def test_patch(tree, api_client):
    response = api_client(tree.town_a_admin).patch(
        f"/api/v1/users/{tree.participant_a.pk}", {"full_name": "王五", "phone": None}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "王五" and response.json()["phone"] == ""
    user = User.objects.get(pk=tree.participant_a.pk)
    assert user.phone is None and user.organisation == tree.unit_a  # fields not sent stay


def test_patch_cannot_deactivate_yourself(tree, api_client):
    response = api_client(tree.town_a_admin).patch(
        f"/api/v1/users/{tree.town_a_admin.pk}", {"is_active": False}, content_type=JSON
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "is_active"


def test_reset_password(tree, api_client):
    response = api_client(tree.town_a_admin).post(f"/api/v1/users/{tree.participant_a.pk}/reset-password")
    assert response.status_code == 200
    temporary = response.json()["temporary_password"]
    user = User.objects.get(pk=tree.participant_a.pk)
    assert user.check_password(temporary) and user.must_change_password


def test_grant_and_revoke(tree, api_client):
    client = api_client(tree.town_a_admin)
    response = client.post(
        f"/api/v1/users/{tree.participant_a.pk}/roles", {"role_code": "judge", "organisation_id": tree.town_a.pk},
        content_type=JSON,
    )
    assert response.status_code == 201
    assignment_id = response.json()["id"]
    again = client.post(
        f"/api/v1/users/{tree.participant_a.pk}/roles", {"role_code": "judge", "organisation_id": tree.town_a.pk},
        content_type=JSON,
    )
    assert again.status_code == 409
    # The assignment must belong to the user in the path.
    assert client.delete(f"/api/v1/users/{tree.unit_a_admin.pk}/roles/{assignment_id}").status_code == 404
    assert client.delete(f"/api/v1/users/{tree.participant_a.pk}/roles/{assignment_id}").status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment_id).exists()


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/api/v1/users/{id}", None),
        ("patch", "/api/v1/users/{id}", {"full_name": "篡改", "is_active": False}),
        ("post", "/api/v1/users/{id}/reset-password", None),
        ("post", "/api/v1/users/{id}/roles", {"role_code": "judge", "organisation_id": "{town_b}"}),
        ("delete", "/api/v1/users/{id}/roles/{assignment}", None),
    ],
)
def test_other_town_gets_404_and_changes_nothing(tree, api_client, password, method, path, payload):
    assignment = RoleAssignment.objects.get(user=tree.participant_a)
    url = path.format(id=tree.participant_a.pk, assignment=assignment.pk)
    if payload and payload.get("organisation_id") == "{town_b}":
        payload = {**payload, "organisation_id": tree.town_b.pk}
    client = api_client(tree.town_b_admin)
    kwargs = {"data": payload, "content_type": JSON} if payload else {}
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    user = User.objects.get(pk=tree.participant_a.pk)
    assert user.full_name != "篡改" and user.is_active and user.check_password(password)
    assert list(RoleAssignment.objects.filter(user=user)) == [assignment]
    assert not OperationLog.objects.exclude(action="token.create").exists()


def test_openapi_lists_the_routes(tree, api_client):
    paths = api_client(tree.town_a_admin).get("/api/v1/openapi.json").json()["paths"]
    for expected in ("/api/v1/users/", "/api/v1/users/me", "/api/v1/users/{user_id}",
                     "/api/v1/users/{user_id}/reset-password", "/api/v1/users/{user_id}/roles",
                     "/api/v1/users/{user_id}/roles/{assignment_id}"):
        assert expected in paths
