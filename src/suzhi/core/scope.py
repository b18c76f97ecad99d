"""Data scope (数据权限): the one place that decides which rows a caller may see or change.

A user holds roles at organisations; a role grants permission codes and a scope measured from the
organisation it is held at: 全部 (all), 本级及以下 (subtree), 本级 (org), 仅本人 (self) or 自定
(custom: listed organisations and what lies below them). Several roles combine with OR, and only the
roles that grant the permission in question count. Superusers see everything.

Selectors call `filter_queryset`; writes call `get_for_update`. Objects outside the scope raise
`NotFound`, so the API and the pages answer 404 and never confirm that the object exists.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet

from suzhi.core.errors import NotFound
from suzhi.core.permissions import assignments_of, has_code

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_suzhi_scope_cache"


@dataclass(frozen=True)
class DataScope:
    all: bool = False
    subtree_paths: frozenset[str] = field(default_factory=frozenset)
    org_ids: frozenset[int] = field(default_factory=frozenset)
    self_user_id: int | None = None
    self_org_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.all or self.subtree_paths or self.org_ids or self.self_user_id)

    def covers_path(self, path: str) -> bool:
        """Whether an organisation with this tree path lies inside the scope's organisations."""
        return self.all or any(path.startswith(p) for p in self.subtree_paths)


NOTHING = DataScope()


def _minimal_prefixes(paths: Iterable[str]) -> frozenset[str]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return frozenset(kept)


def scope_for(user: Any, permission: str) -> DataScope:
    """The union of the scopes of the user's roles that grant `permission`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cache: dict[str, DataScope] = getattr(user, _CACHE_ATTR, None) or {}
    if permission in cache:
        return cache[permission]
    if user.is_superuser:
        result = DataScope(all=True)
    elif not has_code(user, permission):
        result = NOTHING
    else:
        result = _compute(user, permission)
    cache[permission] = result
    setattr(user, _CACHE_ATTR, cache)
    return result


def _compute(user: Any, permission: str) -> DataScope:
    from suzhi.core.models import Role

    assignments = assignments_of(user)
    subtree: set[str] = set()
    orgs: set[int] = set()
    self_only = False
    custom_role_ids: set[int] = set()
    for assignment in assignments:
        role = assignment.role
        if permission not in (role.permissions or []):
            continue
        kind = role.data_scope
        if kind == Role.DataScope.ALL:
            return DataScope(all=True)
        if kind == Role.DataScope.SUBTREE:
            subtree.add(assignment.organisation.path)
        elif kind == Role.DataScope.ORG:
            orgs.add(assignment.organisation_id)
        elif kind == Role.DataScope.SELF:
            self_only = True
        elif kind == Role.DataScope.CUSTOM:
            custom_role_ids.add(role.pk)
    if custom_role_ids:
        subtree.update(
            Role.custom_organisations.through.objects.filter(role_id__in=custom_role_ids).values_list(
                "organisation__path", flat=True
            )
        )
    return DataScope(
        subtree_paths=_minimal_prefixes(subtree),
        org_ids=frozenset(orgs),
        self_user_id=user.pk if self_only else None,
        self_org_id=user.organisation_id if self_only else None,
    )


def org_q(scope: DataScope, org_field: str = "organisation") -> Q:
    """A filter matching rows whose organisation (via `org_field`; "" for Organisation itself) is in scope."""
    if scope.all:
        return Q()
    prefix = f"{org_field}__" if org_field else ""
    id_lookup = f"{org_field}_id__in" if org_field else "pk__in"
    q = Q(pk__in=[])
    for path in sorted(scope.subtree_paths):
        q |= Q(**{f"{prefix}path__startswith": path})
    if scope.org_ids:
        q |= Q(**{id_lookup: sorted(scope.org_ids)})
    return q


def self_and_ancestor_paths(path: str) -> list[str]:
    """The tree paths of an organisation and all its ancestors, derived from its own path."""
    from suzhi.core.models import Organisation

    step = Organisation.steplen
    return [path[: i + step] for i in range(0, len(path), step)]


def in_or_above_q(user: Any, permission: str, org_field: str = "organisation") -> Q:
    """Rows organised within the user's scope or above it: what a city organises (a training session, a question
    bank, a contest) reaches the people of every unit below, so a unit's admin sees it too."""
    from suzhi.core.models import Organisation

    scope = scope_for(user, permission)
    if scope.all:
        return Q()
    paths = set(scope.subtree_paths) | set(
        Organisation.objects.filter(pk__in=scope.org_ids).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in sorted(paths):
        q |= Q(**{f"{org_field}__path__startswith": path})
    above = sorted({a for path in paths for a in self_and_ancestor_paths(path)})
    if above:
        q |= Q(**{f"{org_field}__path__in": above})
    return q


def filter_queryset(
    queryset: QuerySet[M],
    user: Any,
    permission: str,
    *,
    org_field: str = "organisation",
    owner_field: str | None = None,
) -> QuerySet[M]:
    """Rows of `queryset` the user may see with `permission`.

    `owner_field` names the user a row belongs to, for the 仅本人 scope; a model without one shows
    such a caller nothing (deny by default).
    """
    scope = scope_for(user, permission)
    if scope.all:
        return queryset
    if scope.is_empty:
        return queryset.none()
    q = org_q(scope, org_field)
    if scope.self_user_id is not None and owner_field:
        q |= Q(**{owner_field: scope.self_user_id})
    return queryset.filter(q)


def get_in_scope(
    queryset: QuerySet[M],
    user: Any,
    permission: str,
    *,
    pk: Any,
    org_field: str = "organisation",
    owner_field: str | None = None,
    for_update: bool = False,
) -> M:
    scoped = filter_queryset(queryset, user, permission, org_field=org_field, owner_field=owner_field)
    if for_update:
        scoped = scoped.select_for_update()
    try:
        return scoped.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def organisation_in_scope(user: Any, permission: str, organisation: Any) -> bool:
    scope = scope_for(user, permission)
    return scope.all or scope.covers_path(organisation.path) or organisation.pk in scope.org_ids


def may_manage(user: Any, permission: str, organisation: Any) -> bool:
    """Whether `user` may change what `organisation` holds: they have `permission`, and the organisation is within
    that permission's scope."""
    return bool(user.has_perm(permission)) and organisation_in_scope(user, permission, organisation)


def managed(obj: M, *, user: Any, permission: str, organisation: Any) -> M:
    """`obj`, already read within the caller's view scope, if the caller may change it (may_manage); otherwise a
    404: what one may only see (organised above them) is as good as absent to a page that changes it."""
    if not may_manage(user, permission, organisation):
        raise NotFound()
    return obj
