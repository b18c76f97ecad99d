"""The navigation menu, built from the permissions the user holds. Apps add entries in `ready()`."""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    permission: str | None = None  # None: every logged-in user
    order: int = 100


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def items_for(user: Any) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    result = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": item.key, "label": str(item.label), "url": url})
    return result
