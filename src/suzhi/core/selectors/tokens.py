"""Reading API tokens (接口令牌): how long they last, why one may not be used, a user's tokens with their state."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core.models import ApiToken, User
from suzhi.core.params import (
    API_TOKEN_DAYS,
    API_TOKEN_DAYS_DEFAULT,
    API_TOKEN_IDLE_DAYS,
    API_TOKEN_IDLE_DAYS_DEFAULT,
    positive_int,
)


def api_token_days() -> int:
    """How long a new token is valid when no lifetime is asked for, and the longest one may be (days)."""
    return positive_int(API_TOKEN_DAYS, API_TOKEN_DAYS_DEFAULT)


def api_token_idle_days() -> int:
    """After how many days without a call a token lapses."""
    return positive_int(API_TOKEN_IDLE_DAYS, API_TOKEN_IDLE_DAYS_DEFAULT)


def api_token_idle_until(token: ApiToken) -> datetime.datetime:
    """When the token lapses if it is not used again (counted from its last use, or its creation)."""
    return (token.last_used_at or token.created_at) + datetime.timedelta(days=api_token_idle_days())


def api_token_refusal(token: ApiToken, *, now: datetime.datetime | None = None) -> str | None:
    """Why the token may not be used now (revoked, expired, unused too long), or None."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return _("This API token has been revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        return _("This API token has expired; create a new one.")
    if api_token_idle_until(token) <= now:
        return _("This API token lapsed after %(days)d days without use; create a new one.") % {
            "days": api_token_idle_days()}
    return None


def api_tokens_of(*, user: User, now: datetime.datetime | None = None) -> list[ApiToken]:
    """The user's tokens, newest first, each with `idle_until` and `state` (active, expired, idle, revoked)."""
    now = now or timezone.now()
    return [api_token_described(token, now=now) for token in ApiToken.objects.filter(user=user).order_by("-created_at")]


def api_token_described(token: ApiToken, *, now: datetime.datetime | None = None) -> ApiToken:
    """The token with `idle_until` (when it lapses unless used) and `state` set, for lists."""
    now = now or timezone.now()
    token.idle_until = api_token_idle_until(token)  # type: ignore[attr-defined]
    if token.revoked_at is not None:
        state = "revoked"
    elif token.expires_at is not None and token.expires_at <= now:
        state = "expired"
    elif token.idle_until <= now:  # type: ignore[attr-defined]
        state = "idle"
    else:
        state = "active"
    token.state = state  # type: ignore[attr-defined]
    return token
