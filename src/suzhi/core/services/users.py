"""Writes to user accounts and their role assignments (用户管理).

Two rules hold everywhere here: an administrator acts only inside their user.manage scope, and never
hands out, or takes over, more than they hold themselves (no privilege escalation).
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog, scope
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import ApiToken, Organisation, Role, RoleAssignment, User
from suzhi.core.passwords import generate_password
from suzhi.core.permissions import forget_cached_permissions
from suzhi.core.phones import is_mobile, normalise_mobile
from suzhi.core.selectors.roles import grant_refusal
from suzhi.core.selectors.users import access_user_for_update
from suzhi.core.services.auth import check_new_password
from suzhi.core.web import ensure_perm

USERNAME_RE = re.compile(r"[A-Za-z0-9_.@-]{3,150}")
LOGGED_FIELDS = ("username", "full_name", "phone", "organisation", "is_active", "must_change_password")


class EscalationRefused(PermissionDenied):
    """The actor tried to grant, revoke or take over more than they hold themselves."""

    code = CoreErrors.ESCALATION_REFUSED


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail=[{"field": field, "message": message}])


def _others(exclude_pk: int | None) -> QuerySet[User]:
    return User.objects.all() if exclude_pk is None else User.objects.exclude(pk=exclude_pk)


def _clean_username(raw: str, *, exclude_pk: int | None = None) -> str:
    username = unicodedata.normalize("NFKC", raw or "").strip()
    if not USERNAME_RE.fullmatch(username):
        raise _invalid(
            "username",
            _("The username must be 3 to 150 characters: letters, digits and _ . - @ only."),
        )
    others = _others(exclude_pk)
    if others.filter(username__iexact=username).exists():
        raise _invalid("username", _("The username “%(username)s” is already taken.") % {"username": username})
    # Login accepts a username or a phone, so one account's username may not be another's phone.
    if others.filter(phone=username).exists():
        raise _invalid("username", _("This username is another account's mobile number; choose another."))
    return username


def _clean_phone(raw: str | None, *, exclude_pk: int | None = None) -> str | None:
    phone = normalise_mobile(raw)
    if not phone:
        return None
    if not is_mobile(phone):
        raise _invalid("phone", _("Enter an 11-digit mainland mobile number starting with 13 to 19."))
    others = _others(exclude_pk)
    if others.filter(phone=phone).exists() or others.filter(username=phone).exists():
        raise _invalid("phone", _("This mobile number is already used by another account."))
    return phone


def _clean_full_name(raw: str | None) -> str:
    full_name = (raw or "").strip()
    if not full_name:
        raise _invalid("full_name", _("Enter the person's full name."))
    if len(full_name) > 100:
        raise _invalid("full_name", _("The full name may have at most 100 characters."))
    return full_name


def _organisation_for(actor: User, organisation_id: Any, *, field: str = "organisation_id") -> Organisation:
    """An organisation inside the actor's user.manage scope; any other id reads as unknown."""
    if organisation_id in (None, ""):
        raise _invalid(field, _("Choose an organisation."))
    try:
        organisation = scope.get_in_scope(
            Organisation.objects.all(), actor, "user.manage", pk=organisation_id, org_field=""
        )
    except NotFound as exc:
        raise _invalid(field, _("The organisation does not exist or is outside your data scope.")) from exc
    if not organisation.is_active:
        raise _invalid(field, _("“%(org)s” is deactivated.") % {"org": organisation.name})
    return organisation


def _role_by_code(role_code: str, *, field: str = "role_code") -> Role:
    role = Role.objects.filter(code=(role_code or "").strip()).first()
    if role is None:
        raise _invalid(field, _("There is no role “%(code)s”.") % {"code": role_code})
    return role


def _ensure_can_grant(actor: User, role: Role, organisation: Organisation, *, field: str = "role_code") -> None:
    reason = grant_refusal(actor, role, organisation)
    if reason is not None:
        raise EscalationRefused(reason, detail=[{"field": field, "message": reason}])


def _ensure_can_manage_account(actor: User, account: User) -> None:
    """Only change accounts whose roles the actor could have granted: resetting a higher
    administrator's password would otherwise hand their rights to someone below them."""
    if actor.pk == account.pk:
        return
    if account.is_superuser and not actor.is_superuser:
        raise EscalationRefused(_("Only a superuser can change a superuser's account."))
    assignments = RoleAssignment.objects.filter(user=account).select_related("role", "organisation")
    for assignment in assignments.prefetch_related("role__custom_organisations"):
        if grant_refusal(actor, assignment.role, assignment.organisation) is not None:
            raise EscalationRefused(
                _(
                    "%(name)s holds the role “%(role)s” at “%(org)s”, which you cannot grant, so only an "
                    "administrator above you can change this account."
                )
                % {"name": str(account), "role": assignment.role.name, "org": assignment.organisation.name}
            )


def _check_password(user: User, password: str) -> None:
    """The password policy, reported on the field the administrator typed it into."""
    try:
        check_new_password(user=user, password=password)
    except ValidationFailed as exc:
        detail = [{**item, "field": "password"} for item in exc.detail or []]
        raise ValidationFailed(exc.message, detail=detail) from exc


def _fresh_password(user: User) -> str:
    for _attempt in range(20):
        candidate = generate_password()
        try:
            check_new_password(user=user, password=candidate)
        except ValidationFailed:
            continue
        return candidate
    raise RuntimeError("could not generate a password that passes the password policy")


def _assign(actor: User, account: User, role: Role, organisation: Organisation) -> RoleAssignment:
    if RoleAssignment.objects.filter(user=account, role=role, organisation=organisation).exists():
        raise Conflict(
            _("%(name)s already holds “%(role)s” at “%(org)s”.")
            % {"name": str(account), "role": role.name, "org": organisation.name},
            code=CoreErrors.ALREADY_ASSIGNED,
        )
    assignment = RoleAssignment.objects.create(user=account, role=role, organisation=organisation)
    oplog.record(
        actor=actor,
        action="user.role_assign",
        obj=account,
        after={"assignment": assignment.pk, "role": role.code, "organisation": organisation.name},
        summary=_("Granted “%(role)s” at “%(org)s”") % {"role": role.name, "org": organisation.name},
    )
    return assignment


def _forget(actor: User, account: User) -> None:
    forget_cached_permissions(account)
    if actor.pk == account.pk:
        forget_cached_permissions(actor)


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    organisation_id: Any,
    phone: str | None = "",
    password: str | None = None,
    role_codes: Iterable[str] = (),
) -> tuple[User, str | None]:
    """Create an account in the actor's scope; returns it and the generated initial password.

    The initial password is None when the administrator typed one. Either way the person must set
    their own at first login.
    """
    ensure_perm(actor, "user.manage")
    organisation = _organisation_for(actor, organisation_id)
    user = User(
        username=_clean_username(username),
        full_name=_clean_full_name(full_name),
        phone=_clean_phone(phone),
        organisation=organisation,
        is_active=True,
        must_change_password=True,
    )
    roles = [_role_by_code(code, field="role_codes") for code in dict.fromkeys(role_codes or ())]
    for role in roles:
        _ensure_can_grant(actor, role, organisation, field="role_codes")
    generated = None
    if password:
        _check_password(user, password)
    else:
        generated = password = _fresh_password(user)
    user.set_password(password)
    user.save()
    oplog.record(
        actor=actor, action="user.create", obj=user, after=oplog.snapshot(user, LOGGED_FIELDS),
        summary=_("Created account %(username)s") % {"username": user.username},
    )
    for role in roles:
        _assign(actor, user, role, organisation)
    return user, generated


@transaction.atomic
def user_update(
    *,
    actor: User,
    user_id: Any,
    full_name: str | None = None,
    phone: str | None = None,
    organisation_id: Any = None,
    is_active: bool | None = None,
) -> User:
    """Change an account. None leaves a field as it is; phone "" removes the number."""
    ensure_perm(actor, "user.manage")
    account = access_user_for_update(user=actor, user_id=user_id)
    _ensure_can_manage_account(actor, account)
    before = oplog.snapshot(account, LOGGED_FIELDS)
    if full_name is not None:
        account.full_name = _clean_full_name(full_name)
    if phone is not None:
        account.phone = _clean_phone(phone, exclude_pk=account.pk)
    if organisation_id not in (None, "") and organisation_id != account.organisation_id:
        account.organisation = _organisation_for(actor, organisation_id)
    if is_active is not None and is_active != account.is_active:
        if not is_active and account.pk == actor.pk:
            raise _invalid("is_active", _("You cannot deactivate your own account."))
        account.is_active = is_active
    after = oplog.snapshot(account, LOGGED_FIELDS)
    old, new = oplog.changed(before, after)
    if new:
        account.save()
        action = "user.update"
        if list(new) == ["is_active"]:
            action = "user.activate" if account.is_active else "user.deactivate"
        oplog.record(actor=actor, action=action, obj=account, before=old, after=new)
    return account


@transaction.atomic
def user_password_reset(*, actor: User, user_id: Any) -> str:
    """A new temporary password the person must replace at next login; their API tokens stop working."""
    ensure_perm(actor, "user.manage")
    account = access_user_for_update(user=actor, user_id=user_id)
    if account.pk == actor.pk:
        raise ValidationFailed(_("Change your own password on the Change password page."), code=CoreErrors.OWN_ACCOUNT)
    _ensure_can_manage_account(actor, account)
    temporary = _fresh_password(account)
    account.set_password(temporary)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    # A reset usually means the old secret leaked; tokens made with it must not outlive it.
    revoked = ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=timezone.now())
    oplog.record(
        actor=actor, action="user.password_reset", obj=account,
        after={"must_change_password": True, "api_tokens_revoked": revoked},
        summary=_("Reset the password of %(username)s") % {"username": account.username},
    )
    return temporary


@transaction.atomic
def user_role_assign(*, actor: User, user_id: Any, role_code: str, organisation_id: Any) -> RoleAssignment:
    ensure_perm(actor, "user.manage")
    account = access_user_for_update(user=actor, user_id=user_id)
    role = _role_by_code(role_code)
    organisation = _organisation_for(actor, organisation_id)
    _ensure_can_grant(actor, role, organisation)
    assignment = _assign(actor, account, role, organisation)
    _forget(actor, account)
    return assignment


@transaction.atomic
def user_role_revoke(*, actor: User, assignment_id: Any, user_id: Any = None) -> None:
    """Take a role away; only one the actor could have granted (and, with `user_id`, of that user)."""
    ensure_perm(actor, "user.manage")
    scoped = scope.filter_queryset(
        RoleAssignment.objects.all(), actor, "user.manage", org_field="user__organisation", owner_field="user_id"
    )
    if user_id is not None:
        scoped = scoped.filter(user_id=user_id)
    try:
        # Lock the assignment row only: the joins into users and organisations are for the scope.
        assignment = scoped.select_for_update(of=("self",)).get(pk=assignment_id)
    except (RoleAssignment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    account = User.objects.get(pk=assignment.user_id)
    role, organisation, revoked_id = assignment.role, assignment.organisation, assignment.pk
    _ensure_can_grant(actor, role, organisation)
    assignment.delete()
    oplog.record(
        actor=actor,
        action="user.role_revoke",
        obj=account,
        before={"assignment": revoked_id, "role": role.code, "organisation": organisation.name},
        summary=_("Revoked “%(role)s” at “%(org)s”") % {"role": role.name, "org": organisation.name},
    )
    _forget(actor, account)
