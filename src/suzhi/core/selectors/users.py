"""Reads of user accounts, filtered by the caller's data scope, and how their phone numbers are shown."""

import unicodedata
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation, RoleAssignment, User


def _assignments_prefetch() -> Prefetch:
    return Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.select_related("role", "organisation").order_by("role__code", "id"),
    )


def _scoped(user: Any, permission: str) -> QuerySet[User]:
    scoped = scope.filter_queryset(User.objects.all(), user, permission, org_field="organisation", owner_field="id")
    if getattr(user, "pk", None) is None:
        return scoped
    # Everyone sees their own account, whatever their roles say.
    return scoped | User.objects.filter(pk=user.pk)


def users_visible(
    *, user: Any, org_id: Any = None, q: str = "", is_active: bool | None = None, role_code: str = ""
) -> QuerySet[User]:
    """Accounts `user` may see with user.view, filtered; one query per page plus one for roles.

    `org_id` narrows to that organisation and everything below it; an organisation the caller
    cannot see is NotFound rather than an empty list, so its existence is not disclosed.
    """
    qs = _scoped(user, "user.view")
    if org_id not in (None, ""):
        organisation = scope.get_in_scope(
            Organisation.objects.only("id", "path"), user, "user.view", pk=org_id, org_field=""
        )
        qs = qs.filter(organisation__path__startswith=organisation.path)
    q = unicodedata.normalize("NFKC", q or "").strip()
    if q:
        match = Q(username__icontains=q) | Q(full_name__icontains=q)
        digits = q.replace(" ", "")
        if digits.isdigit():
            match |= Q(phone__endswith=digits)
        qs = qs.filter(match)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if role_code:
        qs = qs.filter(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role__code=role_code)))
    return (
        qs.select_related("organisation")
        .prefetch_related(_assignments_prefetch())
        .order_by("organisation__path", "username")
    )


def user_get(*, user: Any, user_id: Any) -> User:
    try:
        return users_visible(user=user).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def access_user_for_update(*, user: Any, user_id: Any) -> User:
    """The account `user` may change (scope of user.manage), locked for the transaction."""
    return scope.get_in_scope(
        User.objects.all(), user, "user.manage", pk=user_id, org_field="organisation", owner_field="id",
        for_update=True,
    )


def organisations_for(*, user: Any, permission: str) -> QuerySet[Organisation]:
    """Organisations inside the caller's scope for `permission`, in tree order (for choices)."""
    return scope.filter_queryset(
        Organisation.objects.only("id", "path", "depth", "numchild", "name", "short_name", "code", "is_active"),
        user,
        permission,
        org_field="",
    ).order_by("path")


def phone_visible_to(viewer: Any, account: User) -> bool:
    """Full numbers for the account itself and for viewers whose pii.view scope covers the account."""
    if getattr(viewer, "pk", None) is not None and viewer.pk == account.pk:
        return True
    pii = scope.scope_for(viewer, "pii.view")
    if pii.all:
        return True
    organisation = account.organisation if account.organisation_id else None
    return organisation is not None and scope.organisation_in_scope(viewer, "pii.view", organisation)


def shown_phone(*, viewer: Any, account: User) -> str:
    """The phone as `viewer` may see it: 138****5678 unless they hold pii.view over the account.

    The one helper pages, API answers and exports use, so the rule cannot drift between them.
    """
    if not account.phone:
        return ""
    return account.phone if phone_visible_to(viewer, account) else mask_phone(account.phone)


def user_get_manageable(*, user: Any, user_id: Any) -> User:
    """The account as `user` may change it (scope of user.manage), without a lock: for showing forms."""
    return scope.get_in_scope(
        User.objects.select_related("organisation"), user, "user.manage", pk=user_id, org_field="organisation",
        owner_field="id",
    )


def can_manage_account(viewer: Any, account: User) -> bool:
    """Whether to offer the edit buttons; the services check again (and more) when they are used."""
    manage = scope.scope_for(viewer, "user.manage")
    if manage.all or (manage.self_user_id is not None and manage.self_user_id == account.pk):
        return True
    return account.organisation_id is not None and scope.organisation_in_scope(
        viewer, "user.manage", account.organisation
    )
