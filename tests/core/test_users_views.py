"""User pages: list, export, create, detail, edit, reset, enable/disable, grant and revoke."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.core.excel import read_rows
from suzhi.core.models import OperationLog, RoleAssignment, User
from tests.core.factories import UserFactory, grant
from tests.support import add_workers


def queries_for(client, url):
    client.get(url)  # warm the per-process caches (system parameters) so only the page itself is counted
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- list and export ---------------------------------------------------------------------------


def test_list_shows_scope_only(tree, login_client):
    body = login_client(tree.town_a_admin).get("/users/").content.decode()
    assert ">worker_a</a>" in body and ">unit_a</a>" in body
    assert ">town_b</a>" not in body and ">committee</a>" not in body


def test_list_needs_user_view(tree, login_client):
    assert login_client(tree.participant_a).get("/users/").status_code == 403


def test_list_masks_phones_without_pii_view(tree, login_client):
    body = login_client(tree.unit_a_admin).get("/users/").content.decode()
    assert "139****0005" in body and "13900000005" not in body


def test_list_shows_full_phones_with_pii_view(tree, login_client):
    body = login_client(tree.town_a_admin).get("/users/").content.decode()
    assert "13900000005" in body


def test_list_filters(tree, login_client):
    client = login_client(tree.committee_admin)
    body = client.get("/users/", {"org": tree.unit_a.pk}).content.decode()
    assert "worker_a" in body and "town_b" not in body
    body = client.get("/users/", {"q": "0005"}).content.decode()
    assert "worker_a" in body and "unit_a</a>" not in body
    body = client.get("/users/", {"role": "participant"}).content.decode()
    assert "worker_a" in body and "town_a</a>" not in body
    body = client.get("/users/", {"active": "0"}).content.decode()
    assert "worker_a" not in body


def test_list_org_filter_outside_scope_is_404(tree, login_client):
    assert login_client(tree.town_b_admin).get("/users/", {"org": tree.town_a.pk}).status_code == 404


def test_list_query_count_does_not_grow_with_rows(tree, login_client):
    client = login_client(tree.town_a_admin)
    add_workers(tree.unit_a, 5)
    few = queries_for(client, "/users/")
    add_workers(tree.town_a, 20)
    many = queries_for(client, "/users/")
    assert few == many
    assert many <= 20


def test_export_masks_phones_and_follows_filters(tree, login_client):
    response = login_client(tree.unit_a_admin).get("/users/", {"export": "xlsx", "q": "worker"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_rows(response.content, "users.xlsx")
    assert len(rows) == 2  # header and worker_a
    assert rows[1][0] == "worker_a" and rows[1][2] == "139****0005"


def test_export_full_phones_with_pii_view(tree, login_client):
    response = login_client(tree.town_a_admin).get("/users/", {"export": "xlsx"})
    rows = read_rows(response.content, "users.xlsx")
    assert {row[0] for row in rows[1:]} == {"town_a", "unit_a", "worker_a"}
    assert "13900000005" in {row[2] for row in rows[1:]}


def test_export_query_count_does_not_grow(tree, login_client):
    client = login_client(tree.town_a_admin)
    add_workers(tree.unit_a, 5)
    few = queries_for(client, "/users/?export=xlsx")
    add_workers(tree.unit_a, 20)
    assert queries_for(client, "/users/?export=xlsx") == few


# --- create ------------------------------------------------------------------------------------


def test_create_shows_the_generated_password_once(tree, login_client, client):
    page = login_client(tree.town_a_admin)
    assert page.get("/users/new/").status_code == 200
    response = page.post(
        "/users/new/",
        {"username": "lisi", "full_name": "李四", "organisation": tree.unit_a.pk, "phone": "13711112222",
         "role_codes": ["participant"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="lisi")
    password = re.search(r'<code class="secret">([^<]+)</code>', response.content.decode()).group(1)
    assert user.check_password(password) and user.must_change_password
    assert RoleAssignment.objects.filter(user=user, role__code="participant", organisation=tree.unit_a).exists()
    # The detail page does not show it again.
    assert password not in page.get(f"/users/{user.pk}/").content.decode()


def test_create_form_errors(tree, login_client):
    response = login_client(tree.town_a_admin).post(
        "/users/new/", {"username": "lisi", "full_name": "李四", "organisation": tree.unit_a.pk, "phone": "123",
                        "password": "abcdefg1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() & {"phone", "password"}
    assert not User.objects.filter(username="lisi").exists()


def test_create_offers_only_organisations_and_roles_in_reach(tree, login_client):
    form = login_client(tree.unit_a_admin).get("/users/new/").context["form"]
    assert set(form.fields["organisation"].queryset) == {tree.unit_a}
    codes = {code for code, _ in form.fields["role_codes"].choices}
    assert "participant" in codes and "committee_admin" not in codes and "town_admin" not in codes


def test_create_in_another_town_is_refused(tree, login_client):
    response = login_client(tree.town_b_admin).post(
        "/users/new/", {"username": "lisi", "full_name": "李四", "organisation": tree.unit_a.pk},
    )
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not User.objects.filter(username="lisi").exists()


# --- detail, edit, reset, enable ---------------------------------------------------------------


def test_detail(tree, login_client):
    response = login_client(tree.town_a_admin).get(f"/users/{tree.participant_a.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "worker_a" in body and "13900000005" in body
    assert f"/users/{tree.participant_a.pk}/reset-password/" in body


def test_detail_masks_phone_without_pii_view(tree, login_client):
    body = login_client(tree.unit_a_admin).get(f"/users/{tree.participant_a.pk}/").content.decode()
    assert "139****0005" in body and "13900000005" not in body


def test_view_only_admin_sees_no_buttons(tree, login_client):
    viewer = UserFactory(organisation=tree.town_a)
    from suzhi.core.models import Role

    Role.objects.create(code="user_viewer", name="只读", data_scope="subtree", permissions=["user.view"])
    grant(viewer, "user_viewer", tree.town_a)
    body = login_client(viewer).get(f"/users/{tree.participant_a.pk}/").content.decode()
    assert "reset-password" not in body and "/edit/" not in body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/users/{id}/"),
        ("get", "/users/{id}/edit/"),
        ("post", "/users/{id}/edit/"),
        ("post", "/users/{id}/reset-password/"),
        ("post", "/users/{id}/active/"),
        ("post", "/users/{id}/roles/"),
    ],
)
def test_other_town_gets_404(tree, login_client, password, method, path):
    client = login_client(tree.town_b_admin)
    data = {"full_name": "篡改", "organisation": tree.town_b.pk, "role_code": "participant", "active": "0"}
    url = path.format(id=tree.participant_a.pk)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 404
    user = User.objects.get(pk=tree.participant_a.pk)
    assert user.full_name != "篡改" and user.is_active and user.check_password(password)
    assert not OperationLog.objects.exists()


def test_other_town_cannot_revoke(tree, login_client):
    assignment = RoleAssignment.objects.get(user=tree.participant_a)
    response = login_client(tree.town_b_admin).post(f"/users/{tree.participant_a.pk}/roles/{assignment.pk}/revoke/")
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_edit(tree, login_client):
    client = login_client(tree.town_a_admin)
    assert client.get(f"/users/{tree.participant_a.pk}/edit/").status_code == 200
    response = client.post(
        f"/users/{tree.participant_a.pk}/edit/",
        {"full_name": "王五", "phone": "13712345678", "organisation": tree.town_a.pk},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=tree.participant_a.pk)
    assert (user.full_name, user.phone, user.organisation) == ("王五", "13712345678", tree.town_a)


def test_edit_keeps_a_masked_phone(tree, login_client):
    client = login_client(tree.unit_a_admin)
    form = client.get(f"/users/{tree.participant_a.pk}/edit/").context["form"]
    assert form.initial["phone"] == "139****0005"
    response = client.post(
        f"/users/{tree.participant_a.pk}/edit/",
        {"full_name": "王五", "phone": "139****0005", "organisation": tree.unit_a.pk},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=tree.participant_a.pk)
    assert user.phone == "13900000005" and user.full_name == "王五"


def test_edit_shows_service_errors_in_the_form(tree, login_client):
    response = login_client(tree.town_a_admin).post(
        f"/users/{tree.participant_a.pk}/edit/",
        {"full_name": "王五", "phone": "13900000002", "organisation": tree.unit_a.pk},
    )
    assert response.status_code == 200 and "phone" in response.context["form"].errors


def test_reset_password_shows_it_once(tree, login_client):
    client = login_client(tree.town_a_admin)
    assert client.get(f"/users/{tree.participant_a.pk}/reset-password/").status_code == 405
    response = client.post(f"/users/{tree.participant_a.pk}/reset-password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = re.search(r'<code class="secret">([^<]+)</code>', response.content.decode()).group(1)
    user = User.objects.get(pk=tree.participant_a.pk)
    assert user.check_password(password) and user.must_change_password


def test_reset_of_a_higher_account_is_refused_with_a_message(tree, login_client, password):
    boss = UserFactory(organisation=tree.unit_a)
    grant(boss, "committee_admin", tree.committee)
    response = login_client(tree.town_a_admin).post(f"/users/{boss.pk}/reset-password/", follow=True)
    assert response.status_code == 200
    assert any("committee" in str(m).lower() or "组委会" in str(m) for m in response.context["messages"])
    boss.refresh_from_db()
    assert boss.check_password(password)


def test_disable_and_enable(tree, login_client):
    client = login_client(tree.town_a_admin)
    client.post(f"/users/{tree.participant_a.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=tree.participant_a.pk).is_active
    client.post(f"/users/{tree.participant_a.pk}/active/")  # no value: toggles
    assert User.objects.get(pk=tree.participant_a.pk).is_active


def test_cannot_disable_yourself(tree, login_client):
    client = login_client(tree.town_a_admin)
    response = client.post(f"/users/{tree.town_a_admin.pk}/active/", {"active": "0"}, follow=True)
    assert response.status_code == 200
    assert User.objects.get(pk=tree.town_a_admin.pk).is_active


# --- roles on the detail page ------------------------------------------------------------------


def test_grant_and_revoke_on_the_page(tree, login_client):
    client = login_client(tree.town_a_admin)
    response = client.post(
        f"/users/{tree.participant_a.pk}/roles/", {"role_code": "judge", "organisation": tree.town_a.pk}
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=tree.participant_a, role__code="judge")
    body = client.get(f"/users/{tree.participant_a.pk}/").content.decode()
    assert f"/roles/{assignment.pk}/revoke/" in body
    response = client.post(f"/users/{tree.participant_a.pk}/roles/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_unit_admin_cannot_grant_committee_admin_on_the_page(tree, login_client):
    response = login_client(tree.unit_a_admin).post(
        f"/users/{tree.participant_a.pk}/roles/", {"role_code": "committee_admin", "organisation": tree.unit_a.pk}
    )
    assert response.status_code == 422
    assert "role_code" in response.context["assign_form"].errors
    assert not RoleAssignment.objects.filter(role__code="committee_admin", user=tree.participant_a).exists()


def test_pages_need_user_manage(tree, login_client):
    client = login_client(tree.participant_a)
    assert client.get("/users/new/").status_code == 403
    assert client.post(f"/users/{tree.participant_a.pk}/reset-password/").status_code == 403
