"""API tokens expire: a default lifetime and an idle expiry, both system parameters, shown with the token
(issue 13). The clock is moved, never waited for."""

import datetime

import pytest
from django.utils import timezone

from suzhi.core import params
from suzhi.core.models import ApiToken, SystemParameter
from suzhi.core.services import auth as auth_services

ME = "/api/v1/users/me"


@pytest.fixture
def clock(monkeypatch):
    """`clock(days=…, seconds=…)` puts django's clock that far after the start of the test."""
    start = timezone.now()
    moved = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: moved["now"])

    def move(**delta):
        moved["now"] = start + datetime.timedelta(**delta)
        return moved["now"]

    move.start = start
    return move


def call(client, key, path=ME):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}")


def set_param(key, value):
    SystemParameter.objects.update_or_create(key=key, defaults={"name": key, "value": str(value), "value_type": "int"})
    params.forget()


def test_a_token_gets_the_default_lifetime_and_no_more(tree, clock):
    token, _key = auth_services.api_token_create(user=tree.town_a_admin, name="脚本")
    assert token.expires_at == clock.start + datetime.timedelta(days=90)
    set_param(params.API_TOKEN_DAYS, 10)
    token, _key = auth_services.api_token_create(user=tree.town_a_admin, name="短期")
    assert token.expires_at == clock.start + datetime.timedelta(days=10)
    with pytest.raises(auth_services.ValidationFailed) as refused:
        auth_services.api_token_create(user=tree.town_a_admin, name="长期", days=11)
    assert refused.value.detail[0]["field"] == "days"


def test_an_expired_token_is_refused_with_a_reason(tree, client, clock):
    _token, key = auth_services.api_token_create(user=tree.town_a_admin, name="脚本", days=40)
    for day in (0, 20, 39):  # used often enough never to lapse
        clock(days=day)
        assert call(client, key).status_code == 200
    clock(days=40, seconds=1)
    response = call(client, key)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired" and "过期" in response.json()["message"]


def test_a_token_unused_for_the_idle_days_lapses(tree, client, clock):
    _token, key = auth_services.api_token_create(user=tree.town_a_admin, name="脚本")
    clock(days=25)
    assert call(client, key).status_code == 200  # the use moves the idle limit to day 55
    clock(days=54)
    assert call(client, key).status_code == 200
    clock(days=84, seconds=1)
    response = call(client, key)
    assert response.status_code == 401 and "30" in response.json()["message"]
    # A shorter idle limit applies to tokens already issued.
    other, other_key = auth_services.api_token_create(user=tree.town_a_admin, name="另一个")
    set_param(params.API_TOKEN_IDLE_DAYS, 7)
    clock(days=84 + 8)
    assert call(client, other_key).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(tree, client, clock):
    token, key = auth_services.api_token_create(user=tree.town_a_admin, name="脚本")
    first = clock(seconds=5)
    assert call(client, key).status_code == 200
    clock(seconds=50)
    assert call(client, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    later = clock(seconds=66)
    assert call(client, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == later


def test_the_list_page_and_api_show_created_last_used_and_expiry(tree, client, login_client, clock):
    token, key = auth_services.api_token_create(user=tree.town_a_admin, name="脚本")
    used = clock(days=3)
    assert call(client, key).status_code == 200
    body = call(client, key, "/api/v1/auth/tokens").json()[0]
    assert body["state"] == "active"
    assert body["created_at"].startswith(clock.start.isoformat()[:16])
    assert body["last_used_at"].startswith(used.isoformat()[:16])
    assert body["expires_at"].startswith((clock.start + datetime.timedelta(days=90)).isoformat()[:16])
    assert body["idle_until"].startswith((used + datetime.timedelta(days=30)).isoformat()[:16])
    clock(days=40)
    html = login_client(tree.town_a_admin).get("/tokens/").content.decode()
    local = timezone.localtime(used + datetime.timedelta(days=30))
    assert f"{local.year}年{local.month}月{local.day}日" in html
    assert 'data-state="idle"' in html and ApiToken.objects.get().revoked_at is None


def test_the_page_form_uses_the_default_and_refuses_longer(tree, login_client, clock):
    page = login_client(tree.participant_a)
    page.post("/tokens/", {"name": "默认"})
    assert ApiToken.objects.get().expires_at == clock.start + datetime.timedelta(days=90)
    response = page.post("/tokens/", {"name": "太长", "days": "365"})
    assert response.status_code == 200 and "days" in response.context["form"].errors
    assert ApiToken.objects.count() == 1
