import json
import os
from typing import Any

from django.core.asgi import get_asgi_application

from suzhi.config.guard import serving_guard

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suzhi.config.settings")
django_application = get_asgi_application()
serving_guard()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Django's ASGI handler receives a whole request body before any middleware runs: a body longer than an
    upload may be is refused here from its declared length (413), and one sent without a length is cut off
    once it passes the limit (Django then drops the request as disconnected)."""
    if scope["type"] != "http":
        return await django_application(scope, receive, send)
    from suzhi.core.middleware import request_body_limit, upload_too_large_body

    limit = request_body_limit()
    declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
    if declared.isdigit() and int(declared) > limit:
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": json.dumps(upload_too_large_body()).encode()})
        return None
    received = 0

    async def bounded_receive() -> dict[str, Any]:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                return {"type": "http.disconnect"}
        return message

    return await django_application(scope, bounded_receive, send)
