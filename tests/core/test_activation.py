"""Activating an account with the one-time code from an activation sheet: the page (/activate/, /activate/<code>/) and
the API (POST /api/v1/auth/activate) set the first password, spend the code, refuse spent and expired codes in
Chinese, and slow down an address that guesses."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from suzhi.core.codes import format_code
from suzhi.core.models import ActivationCode, LoginLog, OperationLog, User
from suzhi.core.services.activation import activation_codes_issue

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xin-mima2024"


@pytest.fixture
def pending(tree):
    """An account nobody can log in to yet, and its code."""
    account = User.objects.create(username="ry1", full_name="王一", organisation=tree.unit_a)
    account.set_unusable_password()
    account.save()
    with transaction.atomic():
        code = activation_codes_issue(actor=tree.unit_a_admin, users=[account])[account.pk]
    return account, code


def test_the_code_alone_is_never_stored(pending):
    account, code = pending
    row = ActivationCode.objects.get(user=account)
    assert code not in row.code_hash and row.expires_at.date() == (timezone.now() + datetime.timedelta(days=14)).date()


def test_the_page_sets_the_password_logs_in_and_spends_the_code(client, pending):
    account, code = pending
    page = client.get(f"/activate/{code}/")
    assert page.status_code == 200 and format_code(code) in page.content.decode()
    response = client.post("/activate/", {"code": format_code(code).lower(), "password": NEW_PASSWORD,
                                          "password_again": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/api/v1/auth/ping").status_code == 200  # logged in
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD) and not account.must_change_password
    assert ActivationCode.objects.get(user=account).used_at is not None
    assert OperationLog.objects.filter(action="user.account_activate", actor=account).exists()
    client.logout()
    again = client.post("/activate/", {"code": code, "password": "Other-mima2025", "password_again": "Other-mima2025"},
                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 200 and "激活码已使用" in again.content.decode()
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused_with_a_clear_message(client, pending):
    account, code = pending
    ActivationCode.objects.filter(user=account).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(f"/activate/{code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "激活码已于" in page and "过期" in page
    response = client.post("/api/v1/auth/activate", {"code": code, "password": NEW_PASSWORD},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422 and response.json()["code"] == "activation_code_refused"
    assert not User.objects.get(pk=account.pk).has_usable_password()


def test_the_api_activates_and_a_weak_password_keeps_the_code(client, pending):
    account, code = pending
    weak = client.post("/api/v1/auth/activate", {"code": code, "password": "123"}, content_type="application/json")
    assert weak.status_code == 422 and weak.json()["detail"][0]["field"] == "password"
    assert ActivationCode.objects.get(user=account).used_at is None
    response = client.post("/api/v1/auth/activate", {"code": code, "password": NEW_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["username"] == "ry1"
    token = client.post("/api/v1/auth/token", {"username": "ry1", "password": NEW_PASSWORD},
                        content_type="application/json")
    assert token.status_code == 201


def test_a_reissued_code_replaces_the_old_one(client, pending, tree):
    account, old = pending
    with transaction.atomic():
        new = activation_codes_issue(actor=tree.unit_a_admin, users=[account])[account.pk]
    refused = client.post("/api/v1/auth/activate", {"code": old, "password": NEW_PASSWORD},
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 422 and "新的激活码" in refused.json()["message"]
    assert client.post("/api/v1/auth/activate", {"code": new, "password": NEW_PASSWORD},
                       content_type="application/json").status_code == 200


def test_an_address_that_guesses_must_wait_and_no_code_is_logged(client, pending, settings):
    settings.ACTIVATION_LOCKOUT_FAILURES = 3
    account, code = pending
    for guess in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC"):
        response = client.post("/activate/", {"code": guess, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
        assert response.status_code == 200
    locked = client.post("/activate/", {"code": code, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert locked.status_code == 429
    assert client.post("/api/v1/auth/activate", {"code": code, "password": NEW_PASSWORD},
                       content_type="application/json").status_code == 429
    assert not User.objects.get(pk=account.pk).has_usable_password()
    failures = LoginLog.objects.filter(channel="activate", success=False)
    assert failures.count() == 3 and all(row.user_id is None for row in failures)
    logged = str(list(LoginLog.objects.values_list("username", "user_agent")))
    assert code not in logged and "AAAAAAAAAA" not in logged
