"""Role pages: list, create, edit with grouped permissions, delete."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.core.models import Role
from tests.core.factories import grant


def test_list(tree, login_client):
    response = login_client(tree.committee_admin).get("/roles/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "town_admin" in body and "/roles/new/" in body


def test_pages_need_role_manage(tree, login_client):
    client = login_client(tree.town_b_admin)
    role = Role.objects.get(code="judge")
    assert client.get("/roles/").status_code == 403
    assert client.get("/roles/new/").status_code == 403
    assert client.get(f"/roles/{role.pk}/edit/").status_code == 403
    edit = {"code": "judge", "name": "改", "data_scope": "all"}
    assert client.post(f"/roles/{role.pk}/edit/", edit).status_code == 403
    assert client.post(f"/roles/{role.pk}/delete/").status_code == 403
    role.refresh_from_db()
    assert role.name == "评委" and role.data_scope == "self"


def test_list_query_count_does_not_grow(tree, login_client):
    client = login_client(tree.committee_admin)
    for i in range(3):
        role = Role.objects.create(code=f"few{i}", name=f"甲{i}", data_scope="custom", permissions=["org.view"])
        role.custom_organisations.add(tree.unit_a)
    client.get("/roles/")  # warm the per-process caches (system parameters)
    with CaptureQueriesContext(connection) as few:
        client.get("/roles/")
    for i in range(20):
        role = Role.objects.create(code=f"many{i}", name=f"乙{i}", data_scope="custom", permissions=["org.view"])
        role.custom_organisations.add(tree.unit_b)
        grant(tree.participant_a, role.code, tree.unit_a)
    with CaptureQueriesContext(connection) as many:
        client.get("/roles/")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_create(tree, login_client):
    client = login_client(tree.committee_admin)
    page = client.get("/roles/new/")
    assert page.status_code == 200
    assert 'name="permissions" value="pii.view"' in page.content.decode()
    response = client.post(
        "/roles/new/",
        {"code": "trainer", "name": "培训员", "permissions": ["org.view", "user.view"], "data_scope": "custom",
         "custom_organisations": [tree.unit_a.pk]},
    )
    assert response.status_code == 302
    role = Role.objects.get(code="trainer")
    assert role.permissions == ["org.view", "user.view"] and list(role.custom_organisations.all()) == [tree.unit_a]


def test_create_errors_stay_on_the_form(tree, login_client):
    response = login_client(tree.committee_admin).post(
        "/roles/new/", {"code": "judge", "name": "重复", "data_scope": "custom"}
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Role.objects.filter(code="judge").count() == 1


def test_edit_builtin_keeps_code(tree, login_client):
    client = login_client(tree.committee_admin)
    role = Role.objects.get(code="unit_admin")
    page = client.get(f"/roles/{role.pk}/edit/")
    assert page.status_code == 200
    assert 'value="user.manage" checked' in page.content.decode()
    response = client.post(
        f"/roles/{role.pk}/edit/",
        {"code": "hacked", "name": "单位管理员", "permissions": ["org.view", "user.view"], "data_scope": "subtree"},
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.code == "unit_admin" and role.permissions == ["org.view", "user.view"]


def test_edit_missing_role_is_404(tree, login_client):
    assert login_client(tree.committee_admin).get("/roles/999999/edit/").status_code == 404


def test_delete(tree, login_client):
    client = login_client(tree.committee_admin)
    role = Role.objects.create(code="temp", name="临时")
    assert client.get(f"/roles/{role.pk}/delete/").status_code == 405
    assert client.post(f"/roles/{role.pk}/delete/").status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()


def test_delete_in_use_says_how_often(tree, login_client):
    client = login_client(tree.committee_admin)
    role = Role.objects.create(code="temp", name="临时")
    grant(tree.participant_a, "temp", tree.unit_a)
    response = client.post(f"/roles/{role.pk}/delete/", follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("1" in m for m in messages)
    assert Role.objects.filter(pk=role.pk).exists()
    builtin = Role.objects.get(code="judge")
    client.post(f"/roles/{builtin.pk}/delete/")
    assert Role.objects.filter(pk=builtin.pk).exists()
