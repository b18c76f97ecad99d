"""Permission codes (权限标识): which pages and buttons a role opens.

Codes look like Django permissions ("org.manage"), and each is registered as a django-rules
permission, so `user.has_perm("org.manage")` and `{% if perms.org.manage %}` both work.
Apps register their own codes in `AppConfig.ready()`.
"""

from dataclasses import dataclass
from typing import Any

import rules
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PermissionCode:
    code: str
    label: str | Promise
    group: str | Promise


REGISTRY: dict[str, PermissionCode] = {}

_CACHE_ATTR = "_suzhi_permission_codes"
_ASSIGNMENTS_ATTR = "_suzhi_assignments"


def permission_codes_for(user: Any) -> frozenset[str]:
    """Every code the user holds through any role (roles combine with OR). Cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        codes = frozenset(REGISTRY)
    else:
        codes = frozenset(code for a in assignments_of(user) for code in (a.role.permissions or []))
    setattr(user, _CACHE_ATTR, codes)
    return codes


def assignments_of(user: Any) -> list[Any]:
    """The user's role assignments with role and organisation: one query per request, shared by the
    permission codes here and the data scope in scope.py."""
    cached = getattr(user, _ASSIGNMENTS_ATTR, None)
    if cached is None:
        from suzhi.core.models import RoleAssignment

        cached = list(
            RoleAssignment.objects.filter(user=user)
            .select_related("role", "organisation")
            .only("role__permissions", "role__data_scope", "role_id", "organisation__path", "organisation_id")
        )
        setattr(user, _ASSIGNMENTS_ATTR, cached)
    return cached


def forget_cached_permissions(user: Any) -> None:
    for attr in (_CACHE_ATTR, "_suzhi_scope_cache", _ASSIGNMENTS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def has_code(user: Any, code: str) -> bool:
    return code in permission_codes_for(user)


def register(code: str, label: str | Promise, group: str | Promise) -> None:
    REGISTRY[code] = PermissionCode(code=code, label=label, group=group)

    @rules.predicate(name=f"holds:{code}")
    def holds(user: Any) -> bool:
        return has_code(user, code)

    rules.set_perm(code, holds)


def unregister(code: str) -> None:
    """For tests that register an example app and take it away again."""
    REGISTRY.pop(code, None)
    if rules.perm_exists(code):
        rules.remove_perm(code)


def grouped() -> list[tuple[str, list[PermissionCode]]]:
    groups: dict[str, list[PermissionCode]] = {}
    for item in REGISTRY.values():
        groups.setdefault(str(item.group), []).append(item)
    return list(groups.items())


# The foundation's own codes.
_SYSTEM = _("System")
register("org.view", _("View organisations"), _SYSTEM)
register("org.manage", _("Create, edit, move, import and delete organisations"), _SYSTEM)
register("user.view", _("View users"), _SYSTEM)
register("user.manage", _("Create and edit users, assign roles, reset passwords"), _SYSTEM)
register("role.manage", _("Define roles"), _SYSTEM)
register("log.view", _("View operation and login logs"), _SYSTEM)
register("dict.manage", _("Edit dictionaries and system parameters"), _SYSTEM)
register("notice.manage", _("Publish notices"), _SYSTEM)
register("pii.view", _("See ID numbers and phone numbers in full"), _SYSTEM)
