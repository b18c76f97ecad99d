"""Writes to role definitions (角色管理): permission codes plus a data scope.

Roles are global. Whoever defines them still cannot put into a role more than they hold themselves,
or a role editor could give their own role every code.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from suzhi.core import oplog, scope
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import Organisation, Role
from suzhi.core.permissions import REGISTRY, permission_codes_for
from suzhi.core.services.users import EscalationRefused
from suzhi.core.web import ensure_perm

CODE_RE = re.compile(r"[a-z][a-z0-9_-]{1,63}")
LOGGED_FIELDS = ("code", "name", "description", "permissions", "data_scope")


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail=[{"field": field, "message": message}])


def _clean_code(raw: str, *, exclude_pk: int | None = None) -> str:
    code = (raw or "").strip().lower()
    if not CODE_RE.fullmatch(code):
        raise _invalid(
            "code",
            _("The code must be 2 to 64 characters: lowercase letters, digits, _ and -, starting with a letter."),
        )
    others = Role.objects.all() if exclude_pk is None else Role.objects.exclude(pk=exclude_pk)
    if others.filter(code=code).exists():
        raise _invalid("code", _("The role code “%(code)s” is already taken.") % {"code": code})
    return code


def _clean_name(raw: str) -> str:
    name = (raw or "").strip()
    if not name:
        raise _invalid("name", _("Enter a name for the role."))
    if len(name) > 100:
        raise _invalid("name", _("The name may have at most 100 characters."))
    return name


def _clean_description(raw: str | None) -> str:
    description = (raw or "").strip()
    if len(description) > 255:
        raise _invalid("description", _("The description may have at most 255 characters."))
    return description


def _clean_permissions(raw: Iterable[str]) -> list[str]:
    codes = {str(code).strip() for code in raw or ()}
    unknown = sorted(codes - set(REGISTRY))
    if unknown:
        raise _invalid(
            "permissions", _("Unknown permission codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    # Registry order, so the same set is always stored the same way.
    return [code for code in REGISTRY if code in codes]


def _clean_scope(raw: str) -> str:
    if raw not in Role.DataScope.values:
        raise _invalid("data_scope", _("Choose one of the data scopes offered."))
    return raw


def _custom_organisations(actor: Any, data_scope: str, ids: Iterable[Any] | None) -> list[Organisation]:
    if data_scope != Role.DataScope.CUSTOM:
        return []
    wanted = {int(i) for i in ids or () if str(i).strip().isdigit()}
    if not wanted:
        raise _invalid("custom_organisations", _("Choose at least one organisation for a custom data scope."))
    found = list(
        scope.filter_queryset(Organisation.objects.filter(pk__in=wanted), actor, "role.manage", org_field="")
    )
    if len(found) != len(wanted):
        raise _invalid(
            "custom_organisations",
            _("Some of the organisations do not exist or are outside your data scope."),
        )
    return sorted(found, key=lambda org: org.path)


def _ensure_within_actor(actor: Any, *, name: str, permissions: Iterable[str], data_scope: str,
                         custom_orgs: Iterable[Organisation]) -> None:
    """A role the actor defines, or edits, may not reach beyond what the actor holds."""
    if actor.is_superuser:
        return
    missing = sorted(set(permissions) - permission_codes_for(actor))
    if missing:
        raise EscalationRefused(
            _("The role “%(role)s” would include permissions you do not hold (%(codes)s).")
            % {"role": name, "codes": ", ".join(missing)},
            detail=[{"field": "permissions", "message": _("Permissions you do not hold.")}],
        )
    own = scope.scope_for(actor, "role.manage")
    if data_scope == Role.DataScope.ALL and not own.all:
        raise EscalationRefused(
            _("Only an administrator whose own scope is all data can define or change a role that sees all data."),
            detail=[{"field": "data_scope", "message": _("Wider than your own data scope.")}],
        )
    for org in custom_orgs:
        if not own.all and not own.covers_path(org.path):
            raise EscalationRefused(
                _("“%(org)s” is outside your data scope.") % {"org": org.name},
                detail=[{"field": "custom_organisations", "message": _("Outside your data scope.")}],
            )


def _picture(role: Role) -> dict[str, Any]:
    result = oplog.snapshot(role, LOGGED_FIELDS)
    result["custom_organisations"] = [org.name for org in role.custom_organisations.order_by("path")]
    return result


@transaction.atomic
def role_create(
    *,
    actor: Any,
    code: str,
    name: str,
    description: str = "",
    permissions: Iterable[str] = (),
    data_scope: str = Role.DataScope.SUBTREE,
    custom_organisation_ids: Iterable[Any] = (),
) -> Role:
    ensure_perm(actor, "role.manage")
    role = Role(
        code=_clean_code(code),
        name=_clean_name(name),
        description=_clean_description(description),
        permissions=_clean_permissions(permissions),
        data_scope=_clean_scope(data_scope),
        is_builtin=False,
    )
    custom_orgs = _custom_organisations(actor, role.data_scope, custom_organisation_ids)
    _ensure_within_actor(
        actor, name=role.name, permissions=role.permissions, data_scope=role.data_scope, custom_orgs=custom_orgs
    )
    role.save()
    role.custom_organisations.set(custom_orgs)
    oplog.record(
        actor=actor, action="role.create", obj=role, organisation=None, after=_picture(role),
        summary=_("Created role %(code)s") % {"code": role.code},
    )
    return role


def _role_for_update(role_id: Any) -> Role:
    try:
        return Role.objects.select_for_update().get(pk=role_id)
    except (Role.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


@transaction.atomic
def role_update(
    *,
    actor: Any,
    role_id: Any,
    code: str | None = None,
    name: str | None = None,
    description: str | None = None,
    permissions: Iterable[str] | None = None,
    data_scope: str | None = None,
    custom_organisation_ids: Iterable[Any] | None = None,
) -> Role:
    """Change a role; None leaves a field as it is. Built-in roles keep their code."""
    ensure_perm(actor, "role.manage")
    role = _role_for_update(role_id)
    current_orgs = list(role.custom_organisations.all())
    # Editing a role down is as much a change of someone else's rights as editing it up.
    _ensure_within_actor(
        actor, name=role.name, permissions=role.permissions, data_scope=role.data_scope, custom_orgs=current_orgs
    )
    before = _picture(role)
    if code is not None and code.strip().lower() != role.code:
        if role.is_builtin:
            raise _invalid("code", _("The code of a built-in role cannot change."))
        role.code = _clean_code(code, exclude_pk=role.pk)
    if name is not None:
        role.name = _clean_name(name)
    if description is not None:
        role.description = _clean_description(description)
    if permissions is not None:
        role.permissions = _clean_permissions(permissions)
    if data_scope is not None:
        role.data_scope = _clean_scope(data_scope)
    if custom_organisation_ids is not None or data_scope is not None:
        ids = custom_organisation_ids if custom_organisation_ids is not None else [o.pk for o in current_orgs]
        custom_orgs = _custom_organisations(actor, role.data_scope, ids)
    else:
        custom_orgs = current_orgs
    _ensure_within_actor(
        actor, name=role.name, permissions=role.permissions, data_scope=role.data_scope, custom_orgs=custom_orgs
    )
    role.save()
    role.custom_organisations.set(custom_orgs)
    old, new = oplog.changed(before, _picture(role))
    if new:
        oplog.record(actor=actor, action="role.update", obj=role, organisation=None, before=old, after=new)
    return role


@transaction.atomic
def role_delete(*, actor: Any, role_id: Any) -> None:
    ensure_perm(actor, "role.manage")
    role = _role_for_update(role_id)
    if role.is_builtin:
        raise Conflict(_("“%(role)s” is a built-in role and cannot be deleted.") % {"role": role.name},
                       code=CoreErrors.BUILTIN_ROLE)
    _ensure_within_actor(
        actor, name=role.name, permissions=role.permissions, data_scope=role.data_scope,
        custom_orgs=role.custom_organisations.all(),
    )
    held = role.assignments.count()
    if held:
        raise Conflict(
            ngettext(
                "“%(role)s” is still assigned %(count)d time; revoke it from its holder first.",
                "“%(role)s” is still assigned %(count)d times; revoke it from its holders first.",
                held,
            )
            % {"role": role.name, "count": held},
            code=CoreErrors.ROLE_IN_USE,
            detail={"assignments": held},
        )
    # Logged before the row goes, so the log keeps the role's id.
    oplog.record(actor=actor, action="role.delete", obj=role, organisation=None, before=_picture(role),
                 summary=_("Deleted role %(code)s") % {"code": role.code})
    role.custom_organisations.clear()
    role.delete()
