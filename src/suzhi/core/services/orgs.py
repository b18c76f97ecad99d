"""Writes to the organisation tree (组织架构): create, edit, move and delete organisations.

Field checks live in suzhi.core.org_fields (`clean_org_fields`, also importable from here) so the Excel
import applies exactly the same rules row by row without a query per row.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from treebeard.exceptions import PathOverflow

from suzhi.core import oplog
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import Conflict, PermissionDenied, ValidationFailed
from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation
from suzhi.core.names import name_initials
from suzhi.core.org_fields import OrgTypes, clean_org_fields, raise_if_errors
from suzhi.core.org_followers import OrgMove, orgs_moved
from suzhi.core.org_usage import usage_of
from suzhi.core.permissions import has_code
from suzhi.core.scope import scope_for
from suzhi.core.selectors.orgs import MANAGE, access_org_for_update, parent_of

# What the operation log keeps of an organisation.
AUDITED_FIELDS = (
    "code", "name", "short_name", "org_type", "region_code", "contact_person", "contact_phone", "address",
    "is_active",
)
# Fields `org_update` accepts; "org_type" takes a dictionary code or label.
EDITABLE_FIELDS = frozenset(AUDITED_FIELDS)

def _ensure_manager(actor: Any) -> None:
    if not has_code(actor, MANAGE):
        raise PermissionDenied()


def _audit(org: Organisation) -> dict[str, Any]:
    return oplog.snapshot(org, AUDITED_FIELDS)


@transaction.atomic
def org_create(
    *,
    actor: Any,
    parent: Organisation | None,
    code: str,
    name: str,
    org_type_code: str,
    short_name: str = "",
    region_code: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Organisation:
    """Add an organisation under `parent` (which must be in the actor's org.manage scope), or a root."""
    _ensure_manager(actor)
    errors: list[dict[str, str]] = []
    locked_parent = None
    if parent is not None:
        locked_parent = access_org_for_update(user=actor, org_id=parent.pk)
    elif not scope_for(actor, MANAGE).all:
        errors.append({
            "field": "parent",
            "message": _("Choose the organisation the new one belongs to; only system administrators add "
                         "top-level organisations."),
        })
    cleaned, field_errors = clean_org_fields(
        {
            "code": code, "name": name, "org_type": org_type_code, "short_name": short_name,
            "region_code": region_code, "contact_person": contact_person, "contact_phone": contact_phone,
            "address": address,
        },
        types=OrgTypes.load(),
    )
    errors += field_errors
    if "code" in cleaned and Organisation.objects.filter(code=cleaned["code"]).exists():
        errors.append({"field": "code", "message": _("The code %(code)s is already in use.") % cleaned})
    raise_if_errors(errors)

    fields = {**cleaned, "name_initials": name_initials(cleaned["name"])}
    try:
        if locked_parent is None:
            org = Organisation.objects.add_root(create_kwargs=fields)
        else:
            org = Organisation.objects.add_child(locked_parent, create_kwargs=fields)
    except PathOverflow as exc:
        raise ValidationFailed(
            _("No more organisations fit at this place in the tree."),
            detail=[{"field": "parent", "message": _("No more organisations fit at this place in the tree.")}],
        ) from exc
    after = {**_audit(org), "parent": locked_parent.code if locked_parent else None}
    oplog.record(actor=actor, action="org.create", obj=org, after=after)
    return org


@transaction.atomic
def org_update(*, actor: Any, org_id: int, data: Mapping[str, Any]) -> Organisation:
    """Change some fields of an organisation in the actor's org.manage scope; only what changed is logged."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"org_update does not accept {sorted(unknown)}")
    _ensure_manager(actor)
    org = access_org_for_update(user=actor, org_id=org_id)
    values = dict(data)
    phone = str(values.get("contact_phone") or "")
    if "*" in phone and phone == mask_phone(org.contact_phone):
        # A masked number sent back unchanged by someone who may not see it in full keeps the stored one.
        del values["contact_phone"]
    cleaned, errors = clean_org_fields(values, types=OrgTypes.load())
    if (
        "code" in cleaned
        and cleaned["code"] != org.code
        and Organisation.objects.filter(code=cleaned["code"]).exclude(pk=org.pk).exists()
    ):
        errors.append({"field": "code", "message": _("The code %(code)s is already in use.") % cleaned})
    raise_if_errors(errors)

    before = _audit(org)
    for name, value in cleaned.items():
        setattr(org, name, value)
    org.name_initials = name_initials(org.name)
    after = _audit(org)
    old, new = oplog.changed(before, after)
    if not new:
        return org
    org.save(update_fields=[*cleaned, "name_initials", "updated_at"])
    oplog.record(actor=actor, action="org.update", obj=org, before=old, after=new)
    return org


@transaction.atomic
def org_move(*, actor: Any, org_id: int, target_id: int) -> Organisation:
    """Move an organisation and everything below it under a new parent; both must be in scope. The followers of
    moves (`core.org_followers`) bring what depends on the tree up to date in the same transaction."""
    _ensure_manager(actor)
    org = access_org_for_update(user=actor, org_id=org_id)
    target = access_org_for_update(user=actor, org_id=target_id)
    if target.path.startswith(org.path):
        message = _("An organisation cannot be moved under itself or one of its own sub-organisations.")
        raise ValidationFailed(message, detail=[{"field": "target_id", "message": message}])
    if org.path[: -Organisation.steplen] == target.path:
        return org  # already there
    old_parent = parent_of(org)
    old_path = org.path
    try:
        Organisation.objects.move(org, target, "last-child")
    except PathOverflow as exc:
        message = _("No more organisations fit at this place in the tree.")
        raise ValidationFailed(message, detail=[{"field": "target_id", "message": message}]) from exc
    org.refresh_from_db()
    # What depends on where organisations meet (the campaigns' people overlaps) follows in this transaction.
    orgs_moved(moves=[OrgMove(old_path=old_path, new_path=org.path)])
    oplog.record(
        actor=actor,
        action="org.move",
        obj=org,
        before={"parent": old_parent.code if old_parent else None},
        after={"parent": target.code},
    )
    return org


def usage_message(usage: list[tuple[str, int]]) -> str:
    items = pgettext("list separator", ", ").join(
        _("%(count)d %(what)s") % {"count": count, "what": label} for label, count in usage
    )
    return _("This organisation still has %(items)s and cannot be deleted.") % {"items": items}


@transaction.atomic
def org_delete(*, actor: Any, org_id: int) -> None:
    """Delete an organisation nothing depends on any more (no sub-organisations, users, records)."""
    _ensure_manager(actor)
    org = access_org_for_update(user=actor, org_id=org_id)
    usage = usage_of(org.pk)
    if usage:
        raise Conflict(
            usage_message(usage),
            code=CoreErrors.ORG_IN_USE,
            detail=[{"what": label, "count": count} for label, count in usage],
        )
    parent = parent_of(org)
    # The log row hangs on the parent: the organisation itself is about to disappear.
    oplog.record(actor=actor, action="org.delete", obj=org, organisation=parent, before=_audit(org))
    try:
        org.delete()
    except (ProtectedError, RestrictedError) as exc:
        # A reference no usage counter knows of (the registry test should have caught it): still a refusal.
        blocking = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        usage = _usage_by_model(blocking)
        raise Conflict(
            usage_message(usage), code=CoreErrors.ORG_IN_USE,
            detail=[{"what": label, "count": count} for label, count in usage],
        ) from exc


def _usage_by_model(objects: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for obj in objects:
        label = str(obj._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + 1
    return list(counts.items())
