"""The API-token page: create (key shown once), use, revoke; only one's own tokens."""

import re

from suzhi.core.models import ApiToken
from suzhi.core.services.auth import api_token_create


def created_key(response):
    return re.search(r'<code class="secret">(sz_[^<]+)</code>', response.content.decode()).group(1)


def test_page_needs_login(client, db):
    response = client.get("/tokens/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_create_shows_the_key_once_and_it_works(tree, login_client, client):
    page = login_client(tree.participant_a)
    assert page.get("/tokens/").status_code == 200
    response = page.post("/tokens/", {"name": "打卡脚本", "days": "30"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = created_key(response)
    token = ApiToken.objects.get(user=tree.participant_a)
    assert token.name == "打卡脚本" and token.expires_at is not None
    assert key not in page.get("/tokens/").content.decode()
    client.logout()
    me = client.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200 and me.json()["username"] == "worker_a"


def test_token_without_days_gets_the_default_lifetime(tree, login_client):
    login_client(tree.participant_a).post("/tokens/", {"name": "长期"})
    assert ApiToken.objects.get().expires_at is not None


def test_bad_input_stays_on_the_form(tree, login_client):
    response = login_client(tree.participant_a).post("/tokens/", {"name": "", "days": "0"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_list_shows_only_own_tokens(tree, login_client):
    api_token_create(user=tree.town_b_admin, name="乙镇脚本")
    api_token_create(user=tree.town_a_admin, name="甲镇脚本")
    body = login_client(tree.town_a_admin).get("/tokens/").content.decode()
    assert "甲镇脚本" in body and "乙镇脚本" not in body


def test_revoke(tree, login_client):
    token, key = api_token_create(user=tree.town_a_admin, name="脚本")
    client = login_client(tree.town_a_admin)
    assert client.get(f"/tokens/{token.pk}/revoke/").status_code == 405
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_other_town_cannot_revoke(tree, login_client):
    token, _key = api_token_create(user=tree.town_a_admin, name="脚本")
    response = login_client(tree.town_b_admin).post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
