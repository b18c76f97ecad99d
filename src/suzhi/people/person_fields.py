"""Checking what a form, the API or a service is given for a person (人员), field by field: every value through
suzhi.people.validation, as the import's are, dictionary choices and typed attributes looked up, the ID number
agreed with the birth date and gender, and a number already on a roster refused. Every problem is collected so
a form shows them all at once. No writes: the roster services (services/persons.py) save what passes."""

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from suzhi.core import scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import DictItem, Organisation
from suzhi.core.names import name_initials
from suzhi.people import validation as v
from suzhi.people.models import CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT, Person, PersonAttribute
from suzhi.people.selectors.persons import MANAGE, VIEW
from suzhi.people.services.refusals import IdNumberRefused, not_registrable_message

_OTHER_ID = re.compile(r"^[A-Z0-9()\-]{5,32}$")
_UNSET: Any = object()


class FieldErrors:
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


def organisation_field(actor: Any, organisation_id: Any, errors: FieldErrors, field: str) -> Organisation | None:
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


def _dict_item(code: str, value: Any, errors: FieldErrors, field: str) -> DictItem | None:
    text = v.clean_text(value)
    if not text:
        return None
    item = DictItem.objects.filter(dict_type__code=code, is_active=True).filter(code=text).first()
    if item is None:
        item = DictItem.objects.filter(dict_type__code=code, is_active=True, label=text).first()
    if item is None:
        errors.add(field, _("“%(value)s” is not in the list of choices.") % {"value": text})
    return item


def _categories(values: Iterable[Any], errors: FieldErrors) -> list[DictItem]:
    wanted = [w for w in dict.fromkeys(v.clean_text(value) for value in values or ()) if w]
    found = {item.code: item for item in DictItem.objects.filter(
        dict_type__code=CATEGORY_DICT, is_active=True, code__in=wanted)}
    missing = [w for w in wanted if w not in found]
    if missing:
        errors.add("categories", _("Unknown person categories: %(codes)s.") % {"codes": "、".join(missing)})
    return [found[w] for w in wanted if w in found]


def _extra(current: dict[str, Any], given: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
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


def _typed(attribute: PersonAttribute, raw: Any, errors: FieldErrors, field: str) -> Any:
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


def _identity(person: Person, data: dict[str, Any], errors: FieldErrors) -> None:
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


def _check_unique(actor: Any, person: Person, errors: FieldErrors) -> None:
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


def clean_person_fields(actor: Any, person: Person, data: dict[str, Any]) -> list[DictItem] | None:
    """Clean `data` (only the keys present) into `person`; returns the categories when given."""
    errors = FieldErrors()
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
        organisation = organisation_field(actor, data["organisation_id"], errors, "organisation_id")
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
