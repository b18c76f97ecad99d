"""Bearer tokens: issue, use, list, revoke; the one error shape."""

from suzhi.core.models import ApiToken


def issue(client, username, password):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password, "name": "脚本"},
        content_type="application/json",
    )


def test_token_round_trip(client, tree, password):
    response = issue(client, "town_a", password)
    assert response.status_code == 201
    key = response.json()["token"]
    stored = ApiToken.objects.get()
    assert key not in (stored.key_hash, stored.key_prefix)  # only a digest is kept
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    tokens = client.get("/api/v1/auth/tokens", **auth)
    assert tokens.status_code == 200 and tokens.json()[0]["name"] == "脚本"
    revoked = client.delete(f"/api/v1/auth/tokens/{stored.pk}", **auth)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    after = client.get("/api/v1/auth/tokens", **auth)
    assert after.status_code == 401
    assert set(after.json()) == {"code", "message", "detail"}


def test_wrong_password_gives_error_shape(client, tree):
    response = issue(client, "town_a", "nope-Nope-1")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "bad_credentials"
    assert set(body) == {"code", "message", "detail"}


def test_api_lockout(client, tree, password):
    for _ in range(5):
        issue(client, "town_a", "nope-Nope-1")
    response = issue(client, "town_a", password)
    assert response.status_code == 429
    assert response.json()["code"] == "account_locked"


def test_validation_errors_have_the_shape(client, tree):
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"][0]["field"] == "password"


def test_unauthenticated_call_has_the_shape(client, db):
    response = client.get("/api/v1/auth/tokens")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_cannot_revoke_someone_elses_token(client, tree, password, api_client):
    other = issue(client, "town_b", password).json()["id"]
    response = api_client(tree.town_a_admin).delete(f"/api/v1/auth/tokens/{other}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_session_api_calls_need_csrf(tree):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(tree.town_a_admin)
    assert client.get("/api/v1/auth/tokens").status_code == 200
    response = client.post(
        "/api/v1/auth/password", {"old_password": "x", "new_password": "y"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)


def test_password_change_via_api(tree, password, api_client):
    client = api_client(tree.town_a_admin)
    weak = client.post(
        "/api/v1/auth/password", {"old_password": password, "new_password": "abcdefgh"},
        content_type="application/json",
    )
    assert weak.status_code == 422 and weak.json()["detail"][0]["field"] == "new_password"
    ok = client.post(
        "/api/v1/auth/password", {"old_password": password, "new_password": "Better-pass-2"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    tree.town_a_admin.refresh_from_db()
    assert tree.town_a_admin.check_password("Better-pass-2")
