from typing import Any

from django.conf import settings
from django.http import HttpRequest

from suzhi.core import navigation as nav
from suzhi.core.params import get_param


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = nav.items_for(getattr(request, "user", None))
    entries = nav.flatten(items)
    # Only the longest matching entry is current: /notices/manage/ is "Publish notices", not "Notices".
    matching = [i["url"] for i in entries if request.path.startswith(i["url"]) and i["url"] != "/"]
    current = max(matching, key=len) if matching else ("/" if request.path == "/" else "")
    for item in entries:
        item["active"] = "1" if item["url"] == current else ""
    for item in items:
        if "children" in item:
            item["active"] = "1" if any(child["active"] for child in item["children"]) else ""
    return {
        "nav_items": items,
        "app_name": get_param("site_name") or settings.SUZHI["APP_NAME"],
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
