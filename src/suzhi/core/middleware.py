from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from suzhi.core import request_context
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import PasswordChangeRequired


class RequestContextMiddleware:
    """Makes the client address available to the operation log for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_context.set_from_request(request)
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class PasswordChangeRequiredMiddleware:
    """Accounts an admin created (or reset) must set their own password before anything else."""

    ALLOWED_URL_NAMES = ("core:password_change", "core:logout", "core:set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED_URL_NAMES}
            if request.path.startswith("/api/"):
                # Bearer-token callers are checked in the API's auth, session callers here.
                if request.path not in ("/api/v1/auth/password",):
                    error = PasswordChangeRequired()
                    return JsonResponse(error.as_dict(), status=error.status)
            elif request.path not in allowed and not request.path.startswith("/static/"):
                return redirect(f"{reverse('core:password_change')}?next={request.get_full_path()}")
        return self.get_response(request)


class DomainErrorMiddleware:
    """Pages: a NotFound from a selector is a 404 page, a PermissionDenied a 403 page; a number past what the
    database stores (OverflowError on SQLite, DataError on PostgreSQL) is the caller's error, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import DataError
        from django.shortcuts import render

        from suzhi.core.errors import DomainError, NotFound, PermissionDenied, ValueOutOfRange

        if isinstance(exception, OverflowError | DataError):
            exception = ValueOutOfRange()
        if not isinstance(exception, DomainError):
            return None
        wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
        if wants_json:
            return JsonResponse(exception.as_dict(), status=exception.status)
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", status=403)
        return render(request, "core/error.html", {"error": exception}, status=exception.status)


class UploadSizeMiddleware:
    """A request body longer than an upload may be (SUZHI_UPLOAD_MAX_BYTES and room for the form around the file)
    is refused from its declared length, before any of it is read: 413, in the API's error shape under /api/.
    A body without a length is never read under WSGI (Django takes it as empty); under ASGI the server's
    receiving is bounded in suzhi.config.asgi."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > request_body_limit():
            return upload_too_large(request)
        return self.get_response(request)


def request_body_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "SUZHI_UPLOAD_MAX_BYTES", 20 * 2**20)) + 2**20


def upload_too_large_body() -> dict:
    from django.conf import settings
    from django.utils.translation import gettext as _

    from suzhi.core.errors import ValidationFailed

    mb = int(getattr(settings, "SUZHI_UPLOAD_MAX_BYTES", 20 * 2**20)) // 2**20
    message = _("The upload is larger than %(mb)d MB.") % {"mb": mb}
    return ValidationFailed(message, code=CoreErrors.FILE_TOO_LARGE).as_dict()


def upload_too_large(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    body = upload_too_large_body()
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(body, status=413)
    return render(request, "core/error.html", {"error": body}, status=413)
