"""Activating an account over the API (POST /api/v1/auth/activate), public like the page."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.throttling import AnonRateThrottle

from suzhi.core.api.base import ErrorOut
from suzhi.core.services import activation as services

router = Router(tags=["auth"])


class ActivateIn(Schema):
    code: str = Field(..., description="The activation code from the sheet; dashes, spaces and case do not matter")
    password: str = Field(..., description="The new password, checked by the password policy")


class ActivatedOut(Schema):
    ok: bool = True
    username: str
    message: str


@router.post(
    "",
    auth=None,
    response={200: ActivatedOut, 422: ErrorOut, 429: ErrorOut},
    throttle=[AnonRateThrottle("30/m")],
    summary="Activate an account with its one-time code and set its password",
)
def activate(request: HttpRequest, payload: ActivateIn):
    """Spends the code. A wrong, spent or expired code is 422 with a message saying which; too many wrong codes from
    one address are 429. Then log in (or get a token at /auth/token) with the username and the new password."""
    user = services.account_activate(code=payload.code, password=payload.password)
    return {"ok": True, "username": user.username,
            "message": _("Your account is active. Log in with your username and new password.")}
