"""Check-in codes (签到码): a signed link per session, shown on screen or printed as a QR code. A forged or
altered code fails the signature; resetting the session's code version voids every code handed out."""

import io

import segno
from django.core import signing
from django.urls import reverse

from suzhi.training.models import TrainingSession

SALT = "suzhi.training.check-in"


class InvalidCode(Exception):
    pass


def check_in_token(session: TrainingSession) -> str:
    return signing.dumps({"s": session.pk, "v": session.code_version}, salt=SALT, compress=True)


def check_in_path(session: TrainingSession) -> str:
    return reverse("training:check_in", args=[session.pk, check_in_token(session)])


def read_token(session: TrainingSession, token: str) -> None:
    """Raise InvalidCode unless `token` is this session's current code."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidCode("forged") from None
    if not isinstance(data, dict) or data.get("s") != session.pk:
        raise InvalidCode("forged")
    if data.get("v") != session.code_version:
        raise InvalidCode("replaced")


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (drawn here: nothing is fetched)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()
