"""Reads of roles (角色), and the one rule that decides which roles an administrator may hand out.

Roles are global: every installation shares one list, so reading them needs no data scope, only a
permission (role.manage to define roles, user.manage to assign them).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from suzhi.core import scope
from suzhi.core.errors import NotFound, PermissionDenied
from suzhi.core.models import Organisation, Role
from suzhi.core.permissions import REGISTRY, has_code, permission_codes_for

_ORG_FIELDS = ("id", "path", "depth", "numchild", "code", "name", "short_name")


def _custom_orgs_prefetch() -> Prefetch:
    return Prefetch(
        "custom_organisations", queryset=Organisation.objects.only(*_ORG_FIELDS).order_by("path")
    )


def ensure_can_read_roles(user: Any) -> None:
    """Role definitions are read by those who define them and by those who assign them."""
    if not (has_code(user, "role.manage") or has_code(user, "user.manage")):
        raise PermissionDenied()


def roles_list(*, user: Any, q: str = "") -> QuerySet[Role]:
    """Every role with how many assignments it has; one query plus one for custom organisations."""
    ensure_can_read_roles(user)
    qs = Role.objects.annotate(assignment_count=Count("assignments")).prefetch_related(_custom_orgs_prefetch())
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("-is_builtin", "code")


def role_get(*, user: Any, role_id: Any) -> Role:
    ensure_can_read_roles(user)
    try:
        return roles_list(user=user).get(pk=role_id)
    except (Role.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def permission_choices() -> list[tuple[str, str, str]]:
    """(code, label, group) of every registered permission code, in registration order."""
    return [(item.code, str(item.label), str(item.group)) for item in REGISTRY.values()]


def _covers(data_scope: scope.DataScope, organisation: Organisation, *, exact_ok: bool) -> bool:
    if data_scope.all or data_scope.covers_path(organisation.path):
        return True
    return exact_ok and organisation.pk in data_scope.org_ids


def grant_refusal(actor: Any, role: Role, organisation: Organisation | None = None) -> str | None:
    """Why `actor` may not give `role` (held at `organisation`) to someone, or None when they may.

    Nobody hands out more than they hold: every permission code of the role, with a data scope no
    wider than the actor's own for that code. Without `organisation` only the checks that do not
    depend on where the role is held are made (to list the roles worth offering).
    """
    if getattr(actor, "is_superuser", False):
        return None
    manage = scope.scope_for(actor, "user.manage")
    if manage.is_empty:
        return _("You do not have permission to do this.")
    missing = sorted(set(role.permissions or []) - permission_codes_for(actor))
    if missing:
        return _("You cannot grant the role “%(role)s”: it includes permissions you do not hold (%(codes)s).") % {
            "role": role.name,
            "codes": ", ".join(missing),
        }
    kind = role.data_scope
    if kind == Role.DataScope.ALL and not manage.all:
        return _(
            "The role “%(role)s” sees all data; only an administrator whose own scope is all data may grant it."
        ) % {"role": role.name}
    custom_orgs: Iterable[Organisation] = role.custom_organisations.all() if kind == Role.DataScope.CUSTOM else ()
    for org in custom_orgs:
        if not _covers(manage, org, exact_ok=True) or any(
            not _covers(scope.scope_for(actor, code), org, exact_ok=False) for code in role.permissions or []
        ):
            return _(
                "You cannot grant the role “%(role)s”: it covers “%(org)s”, which is outside your data scope."
            ) % {"role": role.name, "org": org.name}
    if organisation is None:
        return None
    if not _covers(manage, organisation, exact_ok=True):
        return _("“%(org)s” is outside the organisations whose users you manage.") % {"org": organisation.name}
    for code in role.permissions or []:
        own = scope.scope_for(actor, code)
        wider = (
            (kind == Role.DataScope.ALL and not own.all)
            or (kind == Role.DataScope.SUBTREE and not _covers(own, organisation, exact_ok=False))
            or (kind == Role.DataScope.ORG and not _covers(own, organisation, exact_ok=True))
        )
        if wider:
            return _(
                "You cannot grant the role “%(role)s” at “%(org)s”: for “%(code)s” it would reach further "
                "than your own data scope."
            ) % {"role": role.name, "org": organisation.name, "code": code}
    return None


def roles_grantable(*, user: Any) -> list[Role]:
    """The roles `user` could grant somewhere in their scope, for forms' choices."""
    if not has_code(user, "user.manage"):
        return []
    roles = Role.objects.prefetch_related(_custom_orgs_prefetch()).order_by("-is_builtin", "code")
    return [role for role in roles if grant_refusal(user, role) is None]
