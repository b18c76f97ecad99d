"""Login with username or phone, the login log, and the 5-failures/15-minutes lockout (等保 2.0)."""

import datetime

import pytest
from django.utils import timezone

from suzhi.core.errors import AccountLocked, AuthenticationFailed
from suzhi.core.models import LoginLog
from suzhi.core.services import auth as auth_services


def post_login(client, login, password, ip="10.0.0.1"):
    return client.post("/login/", {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_login_with_username_or_phone(client, tree, password):
    response = post_login(client, "town_a", password)
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    response = post_login(client, "13900000002", password)
    assert response.status_code == 302 and response["Location"] == "/"
    assert LoginLog.objects.filter(user=tree.town_a_admin, success=True).count() == 2


def test_wrong_password_is_logged_without_the_password(client, tree):
    response = post_login(client, "town_a", "Wrong-pass-1")
    assert response.status_code == 200
    row = LoginLog.objects.get()
    assert row.reason == LoginLog.Reason.BAD_CREDENTIALS and not row.success
    assert row.user == tree.town_a_admin and row.ip == "10.0.0.1"
    assert "Wrong-pass-1" not in str(LoginLog.objects.values().get())


def test_five_failures_lock_the_user_from_that_address(client, tree, password):
    for _ in range(5):
        post_login(client, "town_a", "bad-Password-1")
    # Even the right password is refused now, and the refusal is logged as a lock.
    response = post_login(client, "town_a", password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert LoginLog.objects.filter(reason=LoginLog.Reason.LOCKED).count() == 1
    # Another address is not locked.
    response = post_login(client, "town_a", password, ip="10.0.0.2")
    assert response.status_code == 302


def test_four_failures_do_not_lock_and_a_success_resets(client, tree, password):
    for _ in range(4):
        post_login(client, "town_a", "bad-Password-1")
    assert post_login(client, "town_a", password).status_code == 302
    client.logout()
    for _ in range(4):
        post_login(client, "town_a", "bad-Password-1")
    assert post_login(client, "town_a", password).status_code == 302


def test_lock_lasts_fifteen_minutes(tree, password, monkeypatch):
    from suzhi.core import request_context

    token = request_context._current.set(request_context.RequestInfo(ip="10.9.9.9"))
    try:
        for _ in range(5):
            with pytest.raises(AuthenticationFailed):
                auth_services.login_attempt(login="town_a", password="bad-Password-1")
        with pytest.raises(AccountLocked):
            auth_services.login_attempt(login="town_a", password=password)
        # Shift the failures 14 minutes back: still locked.
        LoginLog.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=14))
        with pytest.raises(AccountLocked):
            auth_services.login_attempt(login="town_a", password=password)
        # 16 minutes back: the lock is over.
        LoginLog.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
        assert auth_services.login_attempt(login="town_a", password=password) == tree.town_a_admin
    finally:
        request_context.reset(token)


def test_unknown_users_are_locked_by_name_too(client, db):
    for _ in range(5):
        post_login(client, "nobody", "bad-Password-1")
    post_login(client, "nobody", "bad-Password-1")
    assert LoginLog.objects.filter(username="n****y", reason=LoginLog.Reason.LOCKED).count() == 1


def test_inactive_user_cannot_log_in(client, tree, password):
    tree.town_a_admin.is_active = False
    tree.town_a_admin.save()
    response = post_login(client, "town_a", password)
    assert response.status_code == 200
    assert LoginLog.objects.get().reason == LoginLog.Reason.INACTIVE


def test_logout_is_post_only_and_logged(client, tree, password):
    post_login(client, "town_a", password)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert LoginLog.objects.filter(reason=LoginLog.Reason.LOGOUT).count() == 1


def test_open_redirect_is_refused(client, tree, password):
    response = client.post("/login/", {"login": "town_a", "password": password, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_session_expires_after_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert "suzhi.core.sessions.SlidingSessionMiddleware" in settings.MIDDLEWARE


def test_activity_slides_the_expiry_but_writes_the_session_at_most_once_a_minute(client, tree, password,
                                                                                monkeypatch):
    from django.contrib.sessions.models import Session

    from suzhi.core import sessions

    post_login(client, "town_a", password)
    assert client.get("/").status_code == 200
    first = Session.objects.get().expire_date
    clock = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: clock + 30)
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == first  # half a minute on: not written again
    monkeypatch.setattr(sessions.time, "time", lambda: clock + 61)
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date > first


def test_forms_carry_csrf_tokens(client, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"login": "x", "password": "y"}).status_code == 403
    assert "csrfmiddlewaretoken" in client.get("/login/").content.decode()


def test_an_idle_session_is_over_and_activity_extends_it(client, tree, password):
    from django.contrib.sessions.models import Session

    post_login(client, "town_a", password)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    # Each request moves the expiry 30 minutes ahead (sliding idle timeout).
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
