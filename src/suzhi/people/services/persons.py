"""Writes to the roster (人员): add, edit, transfer, deactivate, logins, and the logged full view of
personal data. What they are given is checked by suzhi.people.person_fields (through suzhi.people.validation,
as the import's values are)."""

import datetime
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import Conflict, PermissionDenied
from suzhi.core.models import DictItem, Organisation, RoleAssignment, User
from suzhi.core.permissions import forget_cached_permissions
from suzhi.core.web import ensure_perm
from suzhi.people import validation as v
from suzhi.people.category_keys import category_key
from suzhi.people.error_codes import PeopleErrors
from suzhi.people.followers import people_changed
from suzhi.people.models import Person, PersonTransfer
from suzhi.people.person_fields import FieldErrors, clean_person_fields, organisation_field
from suzhi.people.selectors.persons import MANAGE, access_person_for_update, can_see_pii, person_get
from suzhi.people.services.counts import person_counted_as, person_counts_follow
from suzhi.people.services.refusals import IdNumberRefused, id_numbers_refused_record

# No birth date: with the masked ID number (region and last four) it would give the whole number.
LOGGED_FIELDS = (
    "name", "gender", "id_type", "id_number", "phone", "organisation", "post", "education",
    "political_status", "union_member", "hire_date", "extra", "is_active", "left_on", "leave_reason",
)
_Service = TypeVar("_Service", bound=Callable[..., Any])


def _logged(person: Person, categories: Iterable[DictItem] | None = None) -> dict[str, Any]:
    picture = oplog.snapshot(person, LOGGED_FIELDS)
    if categories is not None:
        picture["categories"] = sorted(item.code for item in categories)
    return picture


def _logs_refusal(source: Callable[[], str]) -> Callable[[_Service], _Service]:
    """Around a service's transaction: an ID number refused as already on a roster elsewhere (see
    suzhi.people.person_fields) is logged after the rollback."""

    def decorator(service: _Service) -> _Service:
        @functools.wraps(service)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                return service(*args, **kwargs)
            except IdNumberRefused as exc:
                id_numbers_refused_record(actor=kwargs.get("actor"), id_numbers=[exc.id_number],
                                          organisation=exc.organisation, source=source())
                raise

        return cast(_Service, wrapped)

    return decorator


@_logs_refusal(lambda: _("Add person"))
@transaction.atomic
def person_create(
    *,
    actor: User,
    name: str,
    id_number: str,
    organisation_id: Any,
    id_type: str = Person.IdType.RESIDENT,
    gender: str = "",
    birth_date: Any = None,
    phone: str = "",
    categories: Iterable[str] = (),
    post: str = "",
    education: str = "",
    political_status: str = "",
    union_member: Any = False,
    hire_date: Any = None,
    extra: dict[str, Any] | None = None,
) -> Person:
    """Add a person to a roster inside the actor's person.manage scope. Dictionary values are codes
    (or labels); `extra` holds plan-specific attributes checked against their definitions."""
    ensure_perm(actor, MANAGE)
    person = Person(extra={})
    data = {
        "name": name, "id_type": id_type, "id_number": id_number, "gender": gender, "birth_date": birth_date,
        "phone": phone, "organisation_id": organisation_id, "post": post, "education": education,
        "political_status": political_status, "union_member": union_member, "hire_date": hire_date,
        "extra": extra or {}, "categories": list(categories or ()),
    }
    chosen = clean_person_fields(actor, person, data) or []
    person.category_key = category_key(item.pk for item in chosen)
    person.save()
    person.categories.set(chosen)
    person_counts_follow(None, person_counted_as(person))
    oplog.record(
        actor=actor, action="person.create", obj=person, after=_logged(person, chosen),
        summary=_("Added %(name)s to the roster of %(org)s") % {"name": person.name, "org": person.organisation.name},
    )
    return person


_UPDATABLE = (
    "name", "id_type", "id_number", "gender", "birth_date", "phone", "organisation_id", "post", "education",
    "political_status", "union_member", "hire_date", "extra", "categories",
)


@_logs_refusal(lambda: _("Edit person"))
@transaction.atomic
def person_update(*, actor: User, person_id: Any, **changes: Any) -> Person:
    """Change the fields given (any of `_UPDATABLE`); fields not given stay as they are. A change of
    organisation here is a transfer and is kept in the history like one."""
    ensure_perm(actor, MANAGE)
    unknown = sorted(set(changes) - set(_UPDATABLE))
    if unknown:
        raise TypeError(f"person_update() got unexpected fields: {', '.join(unknown)}")
    person = access_person_for_update(user=actor, person_id=person_id)
    counted = person_counted_as(person)
    old_categories = list(person.categories.all())
    before = _logged(person, old_categories)
    old_org = person.organisation
    chosen = clean_person_fields(actor, person, changes)
    after = _logged(person, chosen if chosen is not None else old_categories)
    old, new = oplog.changed(before, after)
    if not new:
        return person
    recategorised = chosen is not None and {i.pk for i in chosen} != {i.pk for i in old_categories}
    if chosen is not None:
        person.category_key = category_key(item.pk for item in chosen)
    person.save()
    if chosen is not None:
        person.categories.set(chosen)
    moved = person.organisation_id != old_org.pk
    if moved:
        PersonTransfer.objects.create(
            person=person, from_organisation=old_org, to_organisation=person.organisation, actor=actor,
            reason=_("Changed on the edit page"),
        )
    if moved or recategorised:
        # After the person row is written (and locked since access_person_for_update): see suzhi.people.followers.
        people_changed(person_ids=[person.pk])
    # Compared as written rather than by `moved or recategorised`: no statement when they count where they did.
    person_counts_follow(counted, person_counted_as(person))
    oplog.record(actor=actor, action="person.update", obj=person, before=old, after=new)
    return person


def _login_set_active(actor: User, person: Person, *, active: bool) -> None:
    """Someone who left must not keep logging in (sessions and API tokens stop with the account), and
    coming back reopens the login. The account is the person's own, so person.manage suffices."""
    account = person.user
    if account is None or account.is_active == active or account.is_superuser:
        return
    account.is_active = active
    account.save(update_fields=["is_active"])
    forget_cached_permissions(account)
    oplog.record(
        actor=actor, action="user.activate" if active else "user.deactivate", obj=account,
        before={"is_active": not active}, after={"is_active": active},
        summary=(_("Login reopened: %(name)s came back") if active else _("Login closed: %(name)s left"))
        % {"name": person.name},
    )


def _login_follows_transfer(actor: User, person: Person, source: Organisation, target: Organisation) -> None:
    """The participant role and the account's organisation move with the person; roles of other kinds
    (an administrator's) are left for a user manager to decide."""
    account = person.user
    if account is None:
        return
    moved = RoleAssignment.objects.filter(user=account, organisation=source, role__code="participant")
    already = RoleAssignment.objects.filter(user=account, organisation=target, role__code="participant").exists()
    if already:
        moved.delete()
    else:
        moved.update(organisation=target)
    if account.organisation_id == source.pk:
        account.organisation = target
        account.save(update_fields=["organisation"])
    forget_cached_permissions(account)


@transaction.atomic
def person_transfer(*, actor: User, person_id: Any, to_organisation_id: Any, reason: str = "") -> PersonTransfer:
    """Move a person to another organisation (调动); the move is kept as history. Both organisations
    must be in the actor's person.manage scope."""
    ensure_perm(actor, MANAGE)
    person = access_person_for_update(user=actor, person_id=person_id)
    errors = FieldErrors()
    target = organisation_field(actor, to_organisation_id, errors, "to_organisation_id")
    reason = v.clean_text(reason)
    if len(reason) > 200:
        errors.add("reason", _("The reason may have at most %(n)d characters.") % {"n": 200})
    if target is not None and target.pk == person.organisation_id:
        errors.add("to_organisation_id", _("%(name)s is already on the roster of %(org)s.")
                   % {"name": person.name, "org": target.name})
    errors.raise_if_any()
    assert target is not None
    source = person.organisation
    transfer = PersonTransfer.objects.create(
        person=person, from_organisation=source, to_organisation=target, actor=actor, reason=reason,
    )
    counted = person_counted_as(person)
    person.organisation = target
    person.save(update_fields=["organisation", "updated_at"])
    people_changed(person_ids=[person.pk])
    person_counts_follow(counted, person_counted_as(person))
    _login_follows_transfer(actor, person, source, target)
    oplog.record(
        actor=actor, action="person.transfer", obj=person,
        before={"organisation": source.name}, after={"organisation": target.name, "reason": reason},
        summary=_("Transferred %(name)s from %(from)s to %(to)s")
        % {"name": person.name, "from": source.name, "to": target.name},
    )
    return transfer


@transaction.atomic
def person_deactivate(*, actor: User, person_id: Any, reason: str, left_on: Any = None) -> Person:
    """Mark a person as gone (离职/调出/退休). Nothing is deleted: their records stay and count."""
    ensure_perm(actor, MANAGE)
    person = access_person_for_update(user=actor, person_id=person_id)
    errors = FieldErrors()
    if reason not in Person.LeaveReason.values:
        errors.add("reason", _("Choose why the person left."))
    left = errors.check("left_on", v.clean_date, left_on)
    if left is not None and left > datetime.date.today():
        errors.add("left_on", _("The date of leaving cannot be in the future."))
    errors.raise_if_any()
    if not person.is_active:
        raise Conflict(_("%(name)s is already deactivated.") % {"name": person.name},
                       code=PeopleErrors.ALREADY_INACTIVE)
    before = oplog.snapshot(person, ("is_active", "left_on", "leave_reason"))
    counted = person_counted_as(person)
    person.is_active, person.leave_reason = False, reason
    person.left_on = left or datetime.date.today()
    person.save(update_fields=["is_active", "left_on", "leave_reason", "updated_at"])
    people_changed(person_ids=[person.pk])
    person_counts_follow(counted, person_counted_as(person))
    _login_set_active(actor, person, active=False)
    oplog.record(
        actor=actor, action="person.deactivate", obj=person, before=before,
        after=oplog.snapshot(person, ("is_active", "left_on", "leave_reason")),
        summary=_("%(name)s left: %(reason)s") % {"name": person.name, "reason": person.get_leave_reason_display()},
    )
    return person


@transaction.atomic
def person_reactivate(*, actor: User, person_id: Any) -> Person:
    ensure_perm(actor, MANAGE)
    person = access_person_for_update(user=actor, person_id=person_id)
    if person.is_active:
        raise Conflict(_("%(name)s is already active.") % {"name": person.name}, code=PeopleErrors.ALREADY_ACTIVE)
    before = oplog.snapshot(person, ("is_active", "left_on", "leave_reason"))
    counted = person_counted_as(person)
    person.is_active, person.left_on, person.leave_reason = True, None, ""
    person.save(update_fields=["is_active", "left_on", "leave_reason", "updated_at"])
    people_changed(person_ids=[person.pk])
    person_counts_follow(counted, person_counted_as(person))
    _login_set_active(actor, person, active=True)
    oplog.record(actor=actor, action="person.reactivate", obj=person, before=before,
                 after=oplog.snapshot(person, ("is_active", "left_on", "leave_reason")))
    return person


@transaction.atomic
def person_login_create(*, actor: User, person_id: Any) -> tuple[User, str | None]:
    """A participant login tied to the person, who logs in with their phone or ID number (the username,
    "ry" and the person's id, carries no personal data into logs),
    the role "participant" is held at their organisation, and the initial password, returned once,
    must be changed at first login. Needs user.manage as well as person.manage."""
    from suzhi.core.services.users import user_create

    ensure_perm(actor, MANAGE)
    person = access_person_for_update(user=actor, person_id=person_id)
    if person.user_id is not None:
        raise Conflict(_("%(name)s already has a login.") % {"name": person.name}, code=PeopleErrors.LOGIN_EXISTS)
    if not person.is_active:
        raise Conflict(_("%(name)s is deactivated; reactivate them first.") % {"name": person.name},
                       code=PeopleErrors.INACTIVE)
    account, password = user_create(
        actor=actor, username=f"ry{person.pk}", full_name=person.name,
        organisation_id=person.organisation_id, phone=person.phone, role_codes=["participant"],
    )
    person.user = account
    person.save(update_fields=["user", "updated_at"])
    oplog.record(actor=actor, action="person.login_create", obj=person, after={"user_id": account.pk},
                 summary=_("Created a participant login for %(name)s") % {"name": person.name})
    return account, password


@transaction.atomic
def person_pii_reveal(*, actor: User, person_id: Any) -> tuple[str, str]:
    """The full ID number and phone of one person, for a viewer holding pii.view over their
    organisation; the look is written to the operation log."""
    person = person_get(user=actor, person_id=person_id)
    if not can_see_pii(actor, person.organisation):
        raise PermissionDenied()
    oplog.record(actor=actor, action="person.pii_view", obj=person,
                 summary=_("Viewed the full ID number and phone of %(name)s") % {"name": person.name})
    return person.id_number, person.phone


@transaction.atomic
def persons_pii_reveal(*, actor: User, persons: Iterable[Person]) -> set[int]:
    """A list shown in full: the ids of the people (already selected through a scoped selector) whose
    data the viewer may see in full, with one operation-log row naming them all."""
    revealed = [p for p in persons if can_see_pii(actor, p.organisation)]
    if revealed:
        oplog.record(
            actor=actor, action="person.pii_view", organisation=getattr(actor, "organisation", None),
            after={"person_ids": [p.pk for p in revealed]},
            summary=_("Viewed the full ID numbers and phones of %(n)d people") % {"n": len(revealed)},
        )
    return {p.pk for p in revealed}
