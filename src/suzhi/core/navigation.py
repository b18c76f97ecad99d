"""The navigation menu, built from the permissions the user holds. Apps declare entries in their manifests.

Organisers' entries sit in a few groups (活动管理 / 组织人员 / 系统管理), shown as drop-down menus, so a dozen kinds do
not overflow a 1366-pixel screen. A group the user can see only one entry of shows that entry itself. A person's
own entries (我的培训, 我的竞赛, 我的建议 …, group MINE) stay a row of links for a participant on a phone, and
gather under 我的 for someone who also sees organisers' groups.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

# Groups an entry can sit in, in menu order; "" is the top level.
MINE = "mine"
WORK = "work"
ORGANISATION = "organisation"
SYSTEM = "system"


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    order: int


GROUPS: dict[str, NavGroup] = {
    MINE: NavGroup(MINE, pgettext_lazy("menu group", "Mine"), 15),
    WORK: NavGroup(WORK, pgettext_lazy("menu group", "Campaign work"), 25),
    ORGANISATION: NavGroup(ORGANISATION, pgettext_lazy("menu group", "Organisations and people"), 60),
    SYSTEM: NavGroup(SYSTEM, pgettext_lazy("menu group", "System"), 90),
}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    permission: str | None = None  # None: every logged-in user
    order: int = 100
    group: str = ""  # a key of GROUPS, or "" for the top level

    def __post_init__(self) -> None:
        if self.group and self.group not in GROUPS:
            raise ValueError(f"navigation entry {self.key!r}: unknown group {self.group!r}")


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def unregister(key: str) -> None:
    _ITEMS.pop(key, None)


def items_for(user: Any) -> list[dict[str, Any]]:
    """The menu for `user`: entries {"key", "label", "url"} and groups {"key", "label", "children": [entries]}
    in order. Entries whose URL is not mounted are left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries: list[tuple[tuple[int, str], dict[str, Any]]] = []
    children: dict[str, list[dict[str, Any]]] = {}
    item_order = {item.key: item.order for item in _ITEMS.values()}
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"key": item.key, "label": str(item.label), "url": url}
        if item.group:
            children.setdefault(item.group, []).append(entry)
        else:
            entries.append(((item.order, item.key), entry))
    if not children.keys() - {MINE}:  # a participant: their own entries are the menu
        entries += [((item_order[entry["key"]], entry["key"]), entry) for entry in children.pop(MINE, [])]
    for key, members in children.items():
        group = GROUPS[key]
        if len(members) == 1:
            entries.append(((group.order, key), members[0]))
        else:
            entries.append(((group.order, key), {"key": key, "label": str(group.label), "children": members}))
    return [entry for _order, entry in sorted(entries, key=lambda pair: pair[0])]


def flatten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of a menu, groups opened."""
    result = []
    for item in items:
        result.extend(item.get("children") or [item])
    return result
