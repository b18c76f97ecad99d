"""Tokens and passwords over the API."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.throttling import AnonRateThrottle

from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.selectors import tokens as token_selectors
from suzhi.core.services import auth as auth_services

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""
    days: int | None = Field(None, description="Days the token is valid; at most, and by default, the "
                                               "api_token_days parameter (90)")


class TokenCreatedOut(Schema):
    id: int
    name: str
    token: str
    expires_at: datetime.datetime | None


class TokenOut(Schema):
    """`state`: active, expired (past expires_at), idle (unused until idle_until) or revoked."""

    id: int
    name: str
    key_prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    idle_until: datetime.datetime
    state: str
    revoked_at: datetime.datetime | None


class PasswordIn(Schema):
    old_password: str
    new_password: str


class OkOut(Schema):
    ok: bool = True
    message: str = ""


class PingOut(Schema):
    ok: bool = True


@router.get("/ping", response=PingOut, summary="Check that the caller is signed in")
def ping(request: HttpRequest):
    """Does no work: a page asks whether its session is still alive (401 when it is not)."""
    return {"ok": True}


@router.post(
    "/token",
    auth=None,
    response={201: TokenCreatedOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    throttle=[AnonRateThrottle("30/m")],
    summary="Get a bearer token with username (or phone) and password",
)
def token_create(request: HttpRequest, payload: TokenIn):
    user = auth_services.login_attempt(login=payload.username, password=payload.password, channel="api")
    token, key = auth_services.api_token_create(user=user, name=payload.name, days=payload.days)
    return Status(201, {"id": token.pk, "name": token.name, "token": key, "expires_at": token.expires_at})


@router.get("/tokens", response=list[TokenOut], summary="The caller's tokens")
def token_list(request: HttpRequest):
    return token_selectors.api_tokens_of(user=current_user(request))


@router.delete("/tokens/{token_id}", response={200: TokenOut, 404: ErrorOut}, summary="Revoke a token")
def token_revoke(request: HttpRequest, token_id: int):
    token = auth_services.api_token_revoke(user=current_user(request), token_id=token_id)
    return token_selectors.api_token_described(token)


@router.post("/password", response={200: OkOut, 422: ErrorOut}, summary="Change the caller's password")
def password_change(request: HttpRequest, payload: PasswordIn):
    auth_services.password_change(
        user=current_user(request), old_password=payload.old_password, new_password=payload.new_password
    )
    return {"ok": True, "message": _("Your password has been changed.")}
