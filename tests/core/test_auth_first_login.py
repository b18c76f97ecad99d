"""An account an administrator created must set its own password before anything else, on pages and API."""

import pytest

from suzhi.core.services.users import user_create

NEW_PASSWORD = "Qilizhen-2024"
JSON = "application/json"


@pytest.fixture
def newcomer(tree):
    user, initial = user_create(
        actor=tree.town_a_admin, username="newcomer", full_name="新人", organisation_id=tree.unit_a.pk,
        phone="13711112222", role_codes=["participant"],
    )
    return user, initial


@pytest.mark.parametrize("login", ["newcomer", "13711112222"])
def test_first_login_on_pages(client, newcomer, login):
    _user, initial = newcomer
    response = client.post("/login/", {"login": login, "password": initial})
    assert response.status_code == 302 and response["Location"] == "/password/"
    for path in ("/", "/users/", "/tokens/", f"/users/{_user.pk}/"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith("/password/?next=")
    # The API refuses the session too, except for changing the password.
    assert client.get("/api/v1/users/me").json()["code"] == "password_change_required"
    weak = client.post("/password/", {"old_password": initial, "new_password": "abcdefgh",
                                      "new_password_again": "abcdefgh"})
    assert weak.status_code == 200 and client.get("/").status_code == 302
    changed = client.post("/password/", {"old_password": initial, "new_password": NEW_PASSWORD,
                                         "new_password_again": NEW_PASSWORD})
    assert changed.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "新人" in home.content.decode()


def test_reset_password_forces_a_change_again(client, tree, newcomer):
    from suzhi.core.services.users import user_password_reset

    user, initial = newcomer
    client.post("/login/", {"login": "newcomer", "password": initial})
    client.post("/password/", {"old_password": initial, "new_password": NEW_PASSWORD,
                               "new_password_again": NEW_PASSWORD})
    assert client.get("/").status_code == 200
    temporary = user_password_reset(actor=tree.town_a_admin, user_id=user.pk)
    # The old session ends with the old password.
    assert client.get("/")["Location"].startswith("/login/")
    client.post("/login/", {"login": "newcomer", "password": temporary})
    assert client.get("/")["Location"].startswith("/password/")


def test_first_login_over_the_api(client, newcomer):
    _user, initial = newcomer
    issued = client.post("/api/v1/auth/token", {"username": "13711112222", "password": initial}, content_type=JSON)
    assert issued.status_code == 201
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.json()['token']}"}
    for path in ("/api/v1/users/me", "/api/v1/users/", "/api/v1/auth/tokens", "/api/v1/roles/"):
        response = client.get(path, **auth)
        assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    changed = client.post(
        "/api/v1/auth/password", {"old_password": initial, "new_password": NEW_PASSWORD}, content_type=JSON, **auth
    )
    assert changed.status_code == 200
    me = client.get("/api/v1/users/me", **auth)
    assert me.status_code == 200 and me.json()["must_change_password"] is False
