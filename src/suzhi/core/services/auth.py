"""Logging in and out, passwords and API tokens (等保 2.0 level 2)."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog, request_context
from suzhi.core.api.base import token_digest
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import AccountLocked, AuthenticationFailed, NotFound, ValidationFailed
from suzhi.core.masking import mask_login
from suzhi.core.models import ApiToken, LoginLog, User
from suzhi.core.selectors.tokens import api_token_days


def _resolve_login(login: str) -> User | None:
    from suzhi.core.auth_backend import resolve_login

    return resolve_login(login)


def locked_until(*, login: str, user: User | None, ip: str | None, now: datetime.datetime | None = None):
    """When the lock for this account (or entered name) from this address ends, or None if not locked.

    Five wrong passwords within 15 minutes lock the pair for 15 minutes from the fifth; a success
    clears the count. Computed from the login log, so every app server agrees. A name that matches no
    account is compared as the log keeps it, masked: unknown names that mask alike (138****5678) share
    one count, which only locks someone trying many such names sooner.
    """
    now = now or timezone.now()
    window = datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    threshold = settings.LOGIN_LOCKOUT_FAILURES
    who = Q(user=user) if user is not None else Q(user__isnull=True, username=logged_name(login=login, user=None))
    events = (
        LoginLog.objects.filter(who, ip=ip, created_at__gte=now - 2 * window)
        .filter(reason__in=[LoginLog.Reason.OK, LoginLog.Reason.BAD_CREDENTIALS])
        .order_by("created_at", "id")
        .values_list("created_at", "reason")
    )
    streak: list[datetime.datetime] = []
    until = None
    for at, reason in events:
        if reason == LoginLog.Reason.OK:
            streak = []
            continue
        streak = [t for t in streak if t > at - window] + [at]
        if len(streak) >= threshold:
            until = at + window
            streak = []
    return until if until and until > now else None


def logged_name(*, login: str, user: User | None) -> str:
    """What the login log keeps as the name: the account's username when the name matched one (whether
    a username, a phone or an ID number was typed), otherwise the typed text masked. The log is read by
    every administrator with log.view, who would otherwise see phones and ID numbers in full."""
    if user is not None:
        return user.username
    return mask_login(login)[:150]


def _log_login(*, login: str, user: User | None, reason: str, channel: str) -> None:
    info = request_context.current()
    LoginLog.objects.create(
        username=logged_name(login=login, user=user),
        user=user,
        organisation_id=getattr(user, "organisation_id", None),
        ip=info.ip,
        user_agent=info.user_agent,
        channel=channel,
        success=reason == LoginLog.Reason.OK,
        reason=reason,
    )


def login_attempt(*, login: str, password: str, channel: str = "web") -> User:
    """Check a username-or-phone and password; every attempt lands in the login log (登录日志)."""
    login = (login or "").strip()
    user = _resolve_login(login) if login else None
    ip = request_context.current().ip
    until = locked_until(login=login, user=user, ip=ip)
    if until is not None:
        _log_login(login=login, user=user, reason=LoginLog.Reason.LOCKED, channel=channel)
        minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
        raise AccountLocked(
            _("Too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": minutes},
            detail={"locked_until": until.isoformat()},
        )
    if user is not None and not user.is_active and user.check_password(password):
        _log_login(login=login, user=user, reason=LoginLog.Reason.INACTIVE, channel=channel)
        raise AuthenticationFailed(_("This account has been disabled."), code=CoreErrors.ACCOUNT_DISABLED)
    authenticated = authenticate(None, username=login, password=password) if login and password else None
    if authenticated is None:
        _log_login(login=login, user=user, reason=LoginLog.Reason.BAD_CREDENTIALS, channel=channel)
        raise AuthenticationFailed(_("Wrong username or password."), code=CoreErrors.BAD_CREDENTIALS)
    _log_login(login=login, user=authenticated, reason=LoginLog.Reason.OK, channel=channel)
    return authenticated


def logout_record(*, user: User) -> None:
    _log_login(login=user.username, user=user, reason=LoginLog.Reason.LOGOUT, channel="web")


def check_new_password(*, user: User, password: str) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            " ".join(str(m) for m in exc.messages), detail=[{"field": "new_password", "message": m}
                                                          for m in exc.messages]
        ) from exc


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """The user sets a new password; clears the first-login requirement."""
    if not user.check_password(old_password):
        raise ValidationFailed(
            _("The current password is wrong."),
            detail=[{"field": "old_password", "message": _("The current password is wrong.")}],
        )
    if old_password == new_password:
        raise ValidationFailed(
            _("The new password must differ from the current one."),
            detail=[{"field": "new_password", "message": _("The new password must differ from the current one.")}],
        )
    check_new_password(user=user, password=new_password)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    oplog.record(actor=user, action="user.password_change", obj=user, summary=_("Changed own password"))


# last_used_at is written at most this often, so a busy client does not write on every call.
TOKEN_TOUCH_SECONDS = 60


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new bearer token, valid for `days` (by default, and at most, the api_token_days parameter). The
    plain key is returned once and never stored."""
    longest = api_token_days()
    if days is None:
        days = longest
    if not 1 <= days <= longest:
        message = _("A token is valid for 1 to %(n)d days.") % {"n": longest}
        raise ValidationFailed(message, detail=[{"field": "days", "message": message}])
    key = f"sz_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=(name or _("API token"))[:100],
        key_prefix=key[:10],
        key_hash=token_digest(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    oplog.record(actor=user, action="token.create", obj=token, organisation=user.organisation,
                 after={"name": token.name, "prefix": token.key_prefix, "expires_at": token.expires_at})
    return token, key


def api_token_used(token: ApiToken, *, now: datetime.datetime | None = None) -> None:
    """Note a call made with the token: written only when the last note is a minute old or more."""
    now = now or timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOKEN_TOUCH_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the caller's own tokens; someone else's answers 404."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        oplog.record(actor=user, action="token.revoke", obj=token, organisation=user.organisation,
                     after={"name": token.name, "prefix": token.key_prefix})
    return token
