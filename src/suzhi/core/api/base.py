"""The API's shared pieces: authentication (session or bearer token), the error shape, pagination."""

import hashlib
import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import APIKeyCookie, HttpBearer

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import (
    SERVER_ERROR_MESSAGE,
    AuthenticationFailed,
    DomainError,
    MalformedRequest,
    PasswordChangeRequired,
    ValueOutOfRange,
)

logger = logging.getLogger("django.request")


class ErrorOut(Schema):
    code: str
    message: str
    detail: Any = None


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; the key is looked up by its SHA-256 digest."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from suzhi.core.models import ApiToken
        from suzhi.core.selectors.tokens import api_token_refusal
        from suzhi.core.services.auth import api_token_used

        found = ApiToken.objects.select_related("user").filter(key_hash=token_digest(token)).first()
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # An expired, lapsed or revoked token says why, so that whoever runs the script knows what to do.
        if (refusal := api_token_refusal(found, now=now)) is not None:
            raise AuthenticationFailed(refusal, code=CoreErrors.TOKEN_EXPIRED)
        api_token_used(found, now=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        if found.user.must_change_password and not request.path.endswith("/auth/password"):
            raise PasswordChangeRequired()
        return found.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session, with CSRF checked on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


MAX_PAGE_SIZE = 200
# No list has a billion pages; a page number past this is past the end, whatever the list, and its offset would
# not fit the database's 64-bit integers.
MAX_PAGE = 10**9


def page_slice(page: int, page_size: int) -> slice:
    """The rows of page `page` (from 1) of `page_size` rows, at most MAX_PAGE_SIZE: what every paged list answers.
    A page past the end is empty."""
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    if page > MAX_PAGE:
        return slice(0, 0)
    start = (max(1, page) - 1) * size
    return slice(start, start + size)


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M` (at most 200); answers {"items", "count"}."""

    class Input(Schema):
        page: int = 1
        page_size: int = 20

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        rows = page_slice(pagination.page, pagination.page_size)
        return {"items": queryset[rows], "count": self._items_count(queryset)}


def _error(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, detail: Any = None):
    return api.create_response(request, {"code": str(code), "message": message, "detail": detail}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        detail = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query")),
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors
        ]
        return _error(api, request, 422, CoreErrors.VALIDATION_ERROR, _("Some fields are not valid."), detail)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        err = AuthenticationFailed()
        return api.create_response(request, err.as_dict(), status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(api, request, 404, CoreErrors.NOT_FOUND,
                      _("The object does not exist or is outside your data scope."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {400: CoreErrors.BAD_REQUEST, 401: CoreErrors.NOT_AUTHENTICATED, 403: CoreErrors.PERMISSION_DENIED,
                 405: CoreErrors.METHOD_NOT_ALLOWED}
        message = str(exc) if exc.status_code != 403 else _("You do not have permission to do this.")
        return _error(api, request, exc.status_code, codes.get(exc.status_code, CoreErrors.ERROR), message)

    @api.exception_handler(MultiPartParserError)
    def malformed_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        err = MalformedRequest()
        return api.create_response(request, err.as_dict(), status=err.status)

    # A number past what the database stores (an id above 2^63 on SQLite raises OverflowError, on PostgreSQL
    # "out of range" is a DataError; so is a text too long for its column): the input is wrong, not the server.
    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("Value out of range in %s: %s", request.path, exc)
        err = ValueOutOfRange()
        return api.create_response(request, err.as_dict(), status=err.status)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        """Anything else is a bug: logged with its traceback like Django's own 500s, answered in the error shape."""
        logger.error("Internal Server Error: %s", request.path, exc_info=exc,
                     extra={"status_code": 500, "request": request})
        # Django's test client re-raises what this signal reports, so tests still see the exception.
        signals.got_request_exception.send(sender=None, request=request)
        response = _error(api, request, 500, CoreErrors.SERVER_ERROR, str(SERVER_ERROR_MESSAGE))
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response


_REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 413: "Content Too Large",
    422: "Unprocessable Content",
}


def document_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation of an OpenAPI document the error statuses the shared machinery answers, in the error
    shape, beside those the operation declares itself (409, 429 …):

    - 401 and 403 where the operation needs a login: no or a bad credential; a password that must be changed first
      (and, for a browser session, a missing CSRF token on an unsafe method);
    - 404 where the path or a filter (`…_id`) names an object: it does not exist or is outside the caller's data
      scope;
    - 422 where the operation takes parameters or a body: they fail validation or a number is out of range;
    - 400 where it takes a body: the body cannot be parsed (bad JSON, a multipart body without its boundary);
    - 413 where it takes a body: longer than an upload may be (refused from its declared length, unread).
    """
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            params = operation.get("parameters", [])
            statuses = set()
            if operation.get("security"):
                statuses |= {401, 403}
            if any(p.get("in") == "path" or str(p.get("name", "")).endswith("_id") for p in params):
                statuses.add(404)
            if params or "requestBody" in operation:
                statuses.add(422)
            if "requestBody" in operation:
                statuses |= {400, 413}
            # ninja keys its responses by int; the document's keys are strings.
            responses = {str(status): response for status, response in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in sorted(statuses):
                responses.setdefault(str(status), {"description": _REASONS[status], "content": error_ref})
    return schema


def current_user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or getattr(request, "user", AnonymousUser())
