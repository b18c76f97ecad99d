"""/api/v1/roles: permissions, list, create, detail, patch, delete."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.core.models import Role
from suzhi.core.permissions import REGISTRY
from tests.core.factories import grant

JSON = "application/json"


def test_permissions(tree, api_client):
    body = api_client(tree.committee_admin).get("/api/v1/roles/permissions").json()
    assert [item["code"] for item in body] == list(REGISTRY)
    assert all(item["label"] and item["group"] for item in body)


def test_list_readable_by_those_who_assign_roles(tree, api_client):
    body = api_client(tree.unit_a_admin).get("/api/v1/roles/").json()
    assert body["count"] == Role.objects.count()
    town_admin = next(r for r in body["items"] if r["code"] == "town_admin")
    assert town_admin["is_builtin"] and town_admin["assignment_count"] == 2


def test_participant_cannot_read_roles(tree, api_client):
    client = api_client(tree.participant_a)
    assert client.get("/api/v1/roles/").status_code == 403
    assert client.get("/api/v1/roles/permissions").status_code == 403


def test_list_query_count_does_not_grow(tree, api_client):
    client = api_client(tree.committee_admin)
    client.get("/api/v1/roles/permissions")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/roles/?page_size=100")
    for i in range(20):
        role = Role.objects.create(code=f"many{i}", name=f"乙{i}", data_scope="custom")
        role.custom_organisations.add(tree.unit_b)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/roles/?page_size=100").json()["count"] == 26
    assert len(few.captured_queries) == len(many.captured_queries)


def test_crud(tree, api_client):
    client = api_client(tree.committee_admin)
    response = client.post(
        "/api/v1/roles/",
        {"code": "trainer", "name": "培训员", "permissions": ["org.view"], "data_scope": "custom",
         "custom_organisation_ids": [tree.unit_a.pk]},
        content_type=JSON,
    )
    assert response.status_code == 201
    role_id = response.json()["id"]
    assert response.json()["custom_organisations"][0]["code"] == "DH-QLZ-001"
    assert client.get(f"/api/v1/roles/{role_id}").json()["name"] == "培训员"
    patched = client.patch(f"/api/v1/roles/{role_id}", {"name": "培训管理员"}, content_type=JSON)
    assert patched.status_code == 200
    assert patched.json()["name"] == "培训管理员" and patched.json()["permissions"] == ["org.view"]
    assert client.delete(f"/api/v1/roles/{role_id}").status_code == 204
    assert client.get(f"/api/v1/roles/{role_id}").status_code == 404


def test_writes_need_role_manage(tree, api_client):
    client = api_client(tree.town_a_admin)
    judge = Role.objects.get(code="judge")
    assert client.post("/api/v1/roles/", {"code": "x1", "name": "x"}, content_type=JSON).status_code == 403
    assert client.patch(f"/api/v1/roles/{judge.pk}", {"data_scope": "all"}, content_type=JSON).status_code == 403
    assert client.delete(f"/api/v1/roles/{judge.pk}").status_code == 403
    judge.refresh_from_db()
    assert judge.data_scope == "self"


def test_errors(tree, api_client):
    client = api_client(tree.committee_admin)
    bad = client.post("/api/v1/roles/", {"code": "y", "name": "y", "permissions": ["no.such"]}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "code"
    bad = client.post("/api/v1/roles/", {"code": "yy", "name": "y", "permissions": ["no.such"]}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "permissions"
    wide = client.post("/api/v1/roles/", {"code": "yy", "name": "y", "data_scope": "all"}, content_type=JSON)
    assert wide.status_code == 403 and wide.json()["code"] == "escalation_refused"
    town_admin = Role.objects.get(code="town_admin")
    builtin = client.delete(f"/api/v1/roles/{town_admin.pk}")
    assert builtin.status_code == 409 and builtin.json()["code"] == "builtin_role"
    role = Role.objects.create(code="held", name="在用")
    grant(tree.participant_a, "held", tree.unit_a)
    held = client.delete(f"/api/v1/roles/{role.pk}")
    assert held.status_code == 409 and held.json()["detail"] == {"assignments": 1}
    assert client.get("/api/v1/roles/999999").status_code == 404
