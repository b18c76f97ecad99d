"""Who is acting and from where, for the operation log, without threading the request through services."""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_NO_REQUEST = RequestInfo()
_current: ContextVar[RequestInfo | None] = ContextVar("suzhi_request_info", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind N trusted proxies, the Nth address from the right of X-Forwarded-For."""
    if settings.PROXY_COUNT:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR") or None


def set_from_request(request: HttpRequest):  # noqa: ANN201 - returns a ContextVar token
    info = RequestInfo(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:255])
    return _current.set(info)


def reset(token) -> None:  # noqa: ANN001
    _current.reset(token)


def current() -> RequestInfo:
    return _current.get() or _NO_REQUEST
