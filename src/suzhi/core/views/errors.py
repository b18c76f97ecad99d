"""Django's 400 (a body it cannot parse, e.g. a multipart request without its boundary): the error shape under
/api/, a page elsewhere. Django's own 400 view renders without the request, which the site's layout needs."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from suzhi.core.errors import MalformedRequest


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    error = MalformedRequest()
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_dict(), status=error.status)
    return render(request, "core/error.html", {"error": error}, status=error.status)
