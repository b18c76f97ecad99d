"""Reads of the organisation tree, always through the caller's data scope (permission "org.view")."""

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation
from suzhi.core.scope import DataScope, get_in_scope, org_q, scope_for

VIEW = "org.view"
MANAGE = "org.manage"

STEP = Organisation.steplen


def ancestor_paths(path: str) -> list[str]:
    """The paths of an organisation's ancestors (not itself), top first, derived from its own path."""
    return [path[:end] for end in range(STEP, len(path), STEP)]


def _visible_q(scope: DataScope) -> Q:
    q = org_q(scope, "")
    if scope.self_org_id is not None:
        # 仅本人: the user's own organisation is the one organisation such a caller sees.
        q |= Q(pk=scope.self_org_id)
    return q


def orgs_visible(*, user: Any, permission: str = VIEW) -> QuerySet[Organisation]:
    scope = scope_for(user, permission)
    qs = Organisation.objects.select_related("org_type").order_by("path")
    if scope.all:
        return qs
    if scope.is_empty:
        return qs.none()
    return qs.filter(_visible_q(scope))


def is_visible(user: Any, org: Organisation, permission: str = VIEW) -> bool:
    """The same decision as `orgs_visible`, in memory, for an organisation already loaded."""
    scope = scope_for(user, permission)
    return (
        scope.all
        or scope.covers_path(org.path)
        or org.pk in scope.org_ids
        or (scope.self_org_id is not None and org.pk == scope.self_org_id)
    )


def org_get(*, user: Any, org_id: Any, permission: str = VIEW) -> Organisation:
    try:
        return orgs_visible(user=user, permission=permission).get(pk=org_id)
    except (Organisation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def access_org_for_update(*, user: Any, org_id: Any) -> Organisation:
    """The organisation, locked, if it lies in the user's org.manage scope; else NotFound."""
    return get_in_scope(Organisation.objects.all(), user, MANAGE, pk=org_id, org_field="", for_update=True)


def scope_roots(*, user: Any) -> list[Organisation]:
    """The top-most organisations the user sees: where their tree view starts."""
    scope = scope_for(user, VIEW)
    qs = Organisation.objects.select_related("org_type").order_by("path")
    if scope.all:
        return list(qs.filter(depth=1))
    if scope.is_empty:
        return []
    q = Q(path__in=sorted(scope.subtree_paths)) | Q(pk__in=sorted(scope.org_ids))
    if scope.self_org_id is not None:
        q |= Q(pk=scope.self_org_id)
    # An organisation granted on its own that already lies inside a granted subtree is not a root.
    return [org for org in qs.filter(q) if org.path in scope.subtree_paths or not scope.covers_path(org.path)]


def org_children(*, user: Any, org_id: Any) -> QuerySet[Organisation]:
    parent = org_get(user=user, org_id=org_id)
    return orgs_visible(user=user).filter(path__startswith=parent.path, depth=parent.depth + 1)


def org_search(*, user: Any, q: str, permission: str = VIEW) -> QuerySet[Organisation]:
    """Visible organisations whose name, short name, code or pinyin initials contain `q`."""
    q = (q or "").strip()
    if not q:
        return Organisation.objects.none()
    match = Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q)
    if q.isascii():
        match |= Q(name_initials__contains=q.lower())
    return orgs_visible(user=user, permission=permission).filter(match)


def org_list(
    *, user: Any, parent_id: int | None = None, q: str = "", type_code: str = ""
) -> QuerySet[Organisation]:
    """The API's list: all visible organisations, or the children of one, filtered."""
    qs = orgs_visible(user=user) if parent_id is None else org_children(user=user, org_id=parent_id)
    if q.strip():
        qs = qs.filter(pk__in=org_search(user=user, q=q).values("pk"))
    if type_code:
        qs = qs.filter(org_type__code=type_code)
    return qs


def org_subtree(*, user: Any, root_id: Any = None) -> QuerySet[Organisation]:
    """A visible organisation and the visible ones below it (all visible ones without a root)."""
    qs = orgs_visible(user=user)
    if root_id in (None, ""):
        return qs
    root = org_get(user=user, org_id=root_id)
    return qs.filter(path__startswith=root.path)


def parent_of(org: Organisation) -> Organisation | None:
    """The parent, whether or not anyone may see it; for services and the log."""
    if org.depth <= 1:
        return None
    return Organisation.objects.filter(path=org.path[:-STEP]).first()


def org_breadcrumb(org: Organisation, *, user: Any = None) -> list[Organisation]:
    """The ancestors of `org`, top first, in one query; with `user`, only those the user may see."""
    paths = ancestor_paths(org.path)
    if not paths:
        return []
    ancestors = list(Organisation.objects.filter(path__in=paths).order_by("path"))
    if user is not None:
        ancestors = [a for a in ancestors if is_visible(user, a)]
    return ancestors


def ancestors_of_many(orgs: Iterable[Organisation], *, user: Any) -> dict[int, list[Organisation]]:
    """For each organisation, its visible ancestors (top first): one query for a whole result list."""
    orgs = list(orgs)
    wanted = {p for org in orgs for p in ancestor_paths(org.path)}
    by_path = {}
    if wanted:
        by_path = {
            a.path: a
            for a in Organisation.objects.filter(path__in=sorted(wanted)).only("pk", "path", "name", "depth")
            if is_visible(user, a)
        }
    return {org.pk: [by_path[p] for p in ancestor_paths(org.path) if p in by_path] for org in orgs}


def with_parent_pk(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Annotate `parent_pk` with a correlated subquery, so a page of results needs no query per row."""
    parent = Organisation.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - STEP)
    ).order_by()
    return qs.annotate(parent_pk=Subquery(parent.values("pk")[:1]))


def visible_parent_id(user: Any, org: Organisation) -> int | None:
    """The parent's id from `with_parent_pk`, or None for a root or a parent outside the user's scope."""
    parent_pk = getattr(org, "parent_pk", None)
    if parent_pk is None or org.depth <= 1:
        return None
    scope = scope_for(user, VIEW)
    visible = (
        scope.all
        or scope.covers_path(org.path[:-STEP])
        or parent_pk in scope.org_ids
        or parent_pk == scope.self_org_id
    )
    return parent_pk if visible else None
