"""Writes to the roster (人员): add, edit, transfer, deactivate, logins, and the logged full view of
personal data. Every value goes through suzhi.people.validation, as the import's do."""

import datetime
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import DictItem, Organisation, RoleAssignment, User
from suzhi.core.names import name_initials
from suzhi.core.permissions import forget_cached_permissions
from suzhi.core.web import ensure_perm
from suzhi.people import validation as v
from suzhi.people.category_keys import category_key
from suzhi.people.error_codes import PeopleErrors
from suzhi.people.followers import people_changed
from suzhi.people.models import CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT, Person, PersonAttribute, PersonTransfer
from suzhi.people.selectors.persons import MANAGE, VIEW, access_person_for_update, can_see_pii, person_get
from suzhi.people.services.counts import person_counted_as, person_counts_follow
from suzhi.people.services.refusals import IdNumberRefused, id_numbers_refused_record, not_registrable_message

# No birth date: with the masked ID number (region and last four) it would give the whole number.
LOGGED_FIELDS = (
    "name", "gender", "id_type", "id_number", "phone", "organisation", "post", "education",
    "political_status", "union_member", "hire_date", "extra", "is_active", "left_on", "leave_reason",
)
_OTHER_ID = re.compile(r"^[A-Z0-9()\-]{5,32}$")
_UNSET: Any = object()
_Service = TypeVar("_Service", bound=Callable[..., Any])


class _Errors:
    """Collects every field's problem so a form shows them all at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.refused: tuple[str, Organisation | None] | None = None

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def check(self, field: str, clean: Any, value: Any) -> Any:
        try:
            return clean(value)
        except v.InvalidValue as exc:
            self.add(field, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.items and self.refused is not None:
            number, organisation = self.refused
            raise IdNumberRefused(self.items[0]["message"], detail=self.items, id_number=number,
                                  organisation=organisation)
        if self.items:
            raise ValidationFailed(self.items[0]["message"], detail=self.items)


def _organisation(actor: Any, organisation_id: Any, errors: _Errors, field: str) -> Organisation | None:
    if organisation_id in (None, ""):
        errors.add(field, _("Choose an organisation."))
        return None
    try:
        organisation = scope.get_in_scope(Organisation.objects.all(), actor, MANAGE, pk=organisation_id, org_field="")
    except NotFound:
        errors.add(field, _("The organisation does not exist or is outside your data scope."))
        return None
    if not organisation.is_active:
        errors.add(field, _("“%(org)s” is deactivated.") % {"org": organisation.name})
        return None
    return organisation


def _dict_item(code: str, value: Any, errors: _Errors, field: str) -> DictItem | None:
    text = v.clean_text(value)
    if not text:
        return None
    item = DictItem.objects.filter(dict_type__code=code, is_active=True).filter(code=text).first()
    if item is None:
        item = DictItem.objects.filter(dict_type__code=code, is_active=True, label=text).first()
    if item is None:
        errors.add(field, _("“%(value)s” is not in the list of choices.") % {"value": text})
    return item


def _categories(values: Iterable[Any], errors: _Errors) -> list[DictItem]:
    wanted = [w for w in dict.fromkeys(v.clean_text(value) for value in values or ()) if w]
    found = {item.code: item for item in DictItem.objects.filter(
        dict_type__code=CATEGORY_DICT, is_active=True, code__in=wanted)}
    missing = [w for w in wanted if w not in found]
    if missing:
        errors.add("categories", _("Unknown person categories: %(codes)s.") % {"codes": "、".join(missing)})
    return [found[w] for w in wanted if w in found]


def _extra(current: dict[str, Any], given: dict[str, Any], errors: _Errors) -> dict[str, Any]:
    """Merge typed attributes into `current`: each value checked against its PersonAttribute's type;
    a blank value removes the attribute."""
    result = dict(current or {})
    if not given:
        return result
    attributes = {a.key: a for a in PersonAttribute.objects.filter(key__in=list(given), is_active=True)}
    for key, raw in given.items():
        field = f"extra.{key}"
        attribute = attributes.get(key)
        if attribute is None:
            errors.add(field, _("There is no attribute “%(key)s”.") % {"key": key})
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            result.pop(key, None)
            continue
        value = _typed(attribute, raw, errors, field)
        if value is not None:
            result[key] = value
    return result


def _typed(attribute: PersonAttribute, raw: Any, errors: _Errors, field: str) -> Any:
    kind = attribute.value_type
    types = PersonAttribute.ValueType
    if kind == types.INT:
        text = v.clean_text(raw).replace(" ", "")
        if isinstance(raw, bool) or not re.fullmatch(r"-?\d{1,12}", text):
            errors.add(field, _("%(label)s: “%(value)s” is not a whole number.")
                       % {"label": attribute.label, "value": text})
            return None
        return int(text)
    if kind == types.DATE:
        found = errors.check(field, v.clean_date, raw)
        return found.isoformat() if found else None
    if kind == types.BOOL:
        return errors.check(field, v.clean_bool, raw)
    if kind == types.CHOICE:
        text = v.clean_text(raw)
        items = DictItem.objects.filter(dict_type_id=attribute.dict_type_id, is_active=True)
        item = items.filter(code=text).first() or items.filter(label=text).first()
        if item is None:
            errors.add(field, _("%(label)s: “%(value)s” is not in the list of choices.")
                       % {"label": attribute.label, "value": text})
            return None
        return item.code
    text = v.clean_text(raw)
    if len(text) > 200:
        errors.add(field, _("%(label)s may have at most %(n)d characters.") % {"label": attribute.label, "n": 200})
        return None
    return text


def _identity(person: Person, data: dict[str, Any], errors: _Errors) -> None:
    """ID type and number, birth date and gender: a resident ID number gives the last two, and
    given values must agree with it."""
    if not {"id_type", "id_number", "gender", "birth_date"} & set(data):
        return
    id_type = data.get("id_type", _UNSET)
    if id_type is not _UNSET:
        if id_type not in Person.IdType.values:
            errors.add("id_type", _("Choose a valid ID type."))
            return
        person.id_type = id_type
    number_given = data.get("id_number", _UNSET)
    if number_given is not _UNSET:
        number = errors.check("id_number", v.clean_id_number, number_given)
        if number is None:
            return
        if not number:
            errors.add("id_number", _("Enter the ID number."))
            return
        person.id_number = number
    gender = data.get("gender", _UNSET)
    if gender is not _UNSET:
        gender = errors.check("gender", v.clean_gender, gender)
    birth = data.get("birth_date", _UNSET)
    if birth is not _UNSET:
        birth = errors.check("birth_date", v.clean_date, birth)
    if person.id_type == Person.IdType.RESIDENT:
        try:
            resident = v.check_resident_id(person.id_number)
        except v.InvalidValue as exc:
            errors.add("id_number", str(exc))
            return
        person.id_number = resident.number
        if birth not in (_UNSET, None) and birth != resident.birth_date:
            errors.add("birth_date", _("The date of birth %(given)s does not match the ID number (%(derived)s).")
                       % {"given": birth.isoformat(), "derived": resident.birth_date.isoformat()})
        if gender not in (_UNSET, None, "") and gender != resident.gender:
            errors.add("gender", _("The gender does not match the ID number (%(derived)s).")
                       % {"derived": Person.Gender(resident.gender).label})
        person.birth_date, person.gender = resident.birth_date, resident.gender
        return
    if not _OTHER_ID.match(person.id_number):
        errors.add("id_number", _("An ID number of this type has 5 to 32 letters, digits, brackets or dashes."))
    if birth is not _UNSET:
        person.birth_date = birth
    if gender is not _UNSET and gender is not None:
        person.gender = gender


def _check_unique(actor: Any, person: Person, errors: _Errors) -> None:
    if not person.id_number or any(e["field"] == "id_number" for e in errors.items):
        return
    other = (
        Person.objects.filter(id_type=person.id_type, id_number=person.id_number)
        .exclude(pk=person.pk).select_related("organisation").first()
    )
    if other is None:
        return
    if scope.organisation_in_scope(actor, VIEW, other.organisation):
        errors.add("id_number", _("This ID number is already on the roster of %(org)s (%(name)s).")
                   % {"org": other.organisation.name, "name": other.name})
    else:
        # Neither where nor that the person is on a roster: see suzhi.people.services.refusals.
        errors.add("id_number", not_registrable_message())
        errors.refused = (person.id_number, person.organisation if person.organisation_id else None)


def _apply(actor: Any, person: Person, data: dict[str, Any]) -> list[DictItem] | None:
    """Clean `data` (only the keys present) into `person`; returns the categories when given."""
    errors = _Errors()
    if "name" in data:
        name = errors.check("name", v.clean_name, data["name"])
        if name is not None:
            if not name:
                errors.add("name", _("Enter the name."))
            elif len(name) > 50:
                errors.add("name", _("The name may have at most %(n)d characters.") % {"n": 50})
            else:
                person.name, person.name_initials = name, name_initials(name, max_length=50)
    _identity(person, data, errors)
    if "phone" in data:
        phone = errors.check("phone", v.clean_phone, data["phone"])
        if phone is not None:
            person.phone = phone
    if "organisation_id" in data:
        organisation = _organisation(actor, data["organisation_id"], errors, "organisation_id")
        if organisation is not None:
            person.organisation = organisation
    if "post" in data:
        post = v.clean_text(data["post"])
        if len(post) > 100:
            errors.add("post", _("The post may have at most %(n)d characters.") % {"n": 100})
        person.post = post[:100]
    if "education" in data:
        person.education = _dict_item(EDUCATION_DICT, data["education"], errors, "education")
    if "political_status" in data:
        person.political_status = _dict_item(POLITICAL_DICT, data["political_status"], errors, "political_status")
    if "union_member" in data:
        member = errors.check("union_member", v.clean_bool, data["union_member"])
        if member is not None:
            person.union_member = member
    if "hire_date" in data:
        hired = errors.check("hire_date", v.clean_date, data["hire_date"])
        if not any(e["field"] == "hire_date" for e in errors.items):
            person.hire_date = hired
    if "extra" in data:
        person.extra = _extra(person.extra, data["extra"] or {}, errors)
    categories = _categories(data["categories"], errors) if "categories" in data else None
    _check_unique(actor, person, errors)
    errors.raise_if_any()
    person.id_last4 = person.id_number[-4:]
    return categories


def _logged(person: Person, categories: Iterable[DictItem] | None = None) -> dict[str, Any]:
    picture = oplog.snapshot(person, LOGGED_FIELDS)
    if categories is not None:
        picture["categories"] = sorted(item.code for item in categories)
    return picture


def _logs_refusal(source: Callable[[], str]) -> Callable[[_Service], _Service]:
    """Around a service's transaction: an ID number refused by `_check_unique` is logged after the rollback."""

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
    chosen = _apply(actor, person, data) or []
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
    chosen = _apply(actor, person, changes)
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
    errors = _Errors()
    target = _organisation(actor, to_organisation_id, errors, "to_organisation_id")
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
    errors = _Errors()
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
