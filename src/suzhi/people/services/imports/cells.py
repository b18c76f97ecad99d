"""Cleaning a roster's cells: each column's rule chosen once per file and its outcome memoised per distinct text,
and the dictionaries (categories, education, political status) the cells refer to."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from suzhi.core.models import DictItem
from suzhi.people import validation as v
from suzhi.people.models import (
    CATEGORY_DICT,
    EDUCATION_DICT,
    POLITICAL_DICT,
    Person,
)
from suzhi.people.services.imports.common import (
    _GENDER_LABEL,
    _KEYS,
    _LIST_SEPARATORS,
    _Row,
)


class _Dictionaries:
    """Dictionary items by label or code, loaded once per import and locked until it commits."""

    def __init__(self) -> None:
        self.by_type: dict[str, dict[str, DictItem]] = defaultdict(dict)
        items = list(DictItem.objects.filter(
            dict_type__code__in=[CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT], is_active=True
        ).select_related("dict_type"))
        locked = _lock_dict_items([item.pk for item in items])
        for item in items:
            if item.pk not in locked:
                continue  # deleted meanwhile
            lookup = self.by_type[item.dict_type.code]
            for key in (item.code, item.label, item.label_en):
                if key:
                    lookup.setdefault(key.lower(), item)

    def find(self, dict_code: str, text: str) -> DictItem | None:
        return self.by_type[dict_code].get(text.lower())


def _lock_dict_items(ids: list[int]) -> set[int]:
    """Those of these dictionary items that exist, locked until the transaction ends against deletion.

    References to dictionary items have no foreign-key constraint in the database (see suzhi.people.models):
    this is the lock the constraint's check would have taken at commit, taken before the items are used,
    so an item the import accepts cannot be deleted before the people referring to it are stored.
    PostgreSQL's FOR KEY SHARE leaves others free to update the items, only not to delete them. A
    SQLite transaction here holds the database's one write lock from its start (IMMEDIATE)."""
    if connection.vendor != "postgresql" or not ids:
        return set(ids)
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn('id')} FROM {qn(DictItem._meta.db_table)} WHERE {qn('id')} = ANY(%s) "  # noqa: S608
            "FOR KEY SHARE",
            [ids],
        )
        return {pk for (pk,) in cursor.fetchall()}


_UNSET = object()


class _Memo:
    """`func` once per distinct text of a column: most columns repeat a handful of values (gender, unit,
    category, education…), so a 100,000-row file is mostly dictionary hits. The row loop reads `memo`
    itself and calls only on a miss. Only text is stored (1, 1.0 and True are equal keys yet may not
    clean alike), so a number or a date never finds an entry."""

    __slots__ = ("func", "memo")

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.memo: dict[str, Any] = {}

    def __call__(self, value: Any) -> Any:
        if value.__class__ is str:
            found = self.memo.get(value, _UNSET)
            if found is _UNSET:
                found = self.memo[value] = self.func(value)
            return found
        return self.func(value)


def _outcome(cleaner: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, str | None]]:
    """A validation function as (value, None) or (None, message), so its result can be cached."""

    def run(value: Any) -> tuple[Any, str | None]:
        try:
            return cleaner(value), None
        except v.InvalidValue as exc:
            return None, str(exc)

    return run


class _Cleaners:
    """The rules of each column, chosen once per file; those of repetitive columns are memoised."""

    def __init__(self, dicts: _Dictionaries, id_types: dict[str, str]) -> None:
        self.dicts = dicts
        self.id_types = id_types
        self.name = _Memo(self._name)
        self.id_type = _Memo(self._id_type)
        self.gender = _Memo(_outcome(v.clean_gender))
        self.date = _Memo(_outcome(v.clean_date))  # birth and hire dates
        self.post = _Memo(self._post)
        self.education = _Memo(lambda value: self._dictionary(EDUCATION_DICT, value))
        self.political_status = _Memo(lambda value: self._dictionary(POLITICAL_DICT, value))
        self.union_member = _Memo(self._union_member)
        self.categories = _Memo(self._categories)
        self.organisation = _Memo(v.clean_text)

    @staticmethod
    def _name(value: Any) -> tuple[str, str | None]:
        name = v.clean_name(value)
        if not name:
            return name, _("The name is missing.")
        if len(name) > 50:
            return name, _("The name is longer than %(n)d characters.") % {"n": 50}
        return name, None

    def _id_type(self, value: Any) -> tuple[str, str | None]:
        text = v.clean_text(value).lower()
        id_type = Person.IdType.RESIDENT if not text else self.id_types.get(text)
        if id_type is None:
            return Person.IdType.RESIDENT, _("“%(value)s” is not a known ID type.") % {"value": text}
        return id_type, None

    @staticmethod
    def phone(value: Any) -> tuple[str, str, str | None]:
        """(kind, value, message): kind "phone", "masked" (an exported sheet's 138****8000) or ""."""
        if value.__class__ is str and value.isdigit() and value.isascii():  # plain digits, as most are
            try:
                return "phone", v.clean_phone(value), None
            except v.InvalidValue as exc:
                return "", "", str(exc)
        text = v.clean_text(value)
        if "*" in text:
            return "masked", text, None  # an exported, masked sheet: kept if it matches the record
        try:
            phone = v.clean_phone(value)
        except v.InvalidValue as exc:
            return "", "", str(exc)
        return ("phone" if phone else ""), phone, None

    @staticmethod
    def _post(value: Any) -> tuple[str, str | None]:
        post = v.clean_text(value)
        if len(post) > 100:
            return "", _("The post is longer than %(n)d characters.") % {"n": 100}
        return post, None

    def _dictionary(self, dict_code: str, value: Any) -> tuple[int | None, str | None]:
        text = v.clean_text(value)
        if not text:
            return None, None
        item = self.dicts.find(dict_code, text)
        if item is None:
            return None, _("“%(value)s” is not in the dictionary.") % {"value": text}
        return item.pk, None

    @staticmethod
    def _union_member(value: Any) -> tuple[bool | None, str | None]:
        if not v.clean_text(value):
            return None, None
        try:
            return v.clean_bool(value), None
        except v.InvalidValue as exc:
            return None, str(exc)

    def _categories(self, value: Any) -> tuple[list[int] | None, list[str]]:
        text = v.clean_text(value)
        if not text:
            return None, []
        ids: list[int] = []
        errors: list[str] = []
        for part in _LIST_SEPARATORS.split(text):
            if not part:
                continue
            item = self.dicts.find(CATEGORY_DICT, part)
            if item is None:
                errors.append(_("“%(value)s” is not a person category.") % {"value": part})
            elif item.pk not in ids:
                ids.append(item.pk)
        return sorted(ids), errors


def _clean_rows(rows: list[_Row], columns: dict[str, int], cleaners: _Cleaners) -> None:
    """Every rule of every row, in one pass with the column positions looked up once; the messages
    of a row come in the order of the columns of the template."""
    col = {key: columns.get(key, -1) for key in _KEYS}  # -1: the None each parsed row ends with
    i_name, i_id_type, i_id_number = col["name"], col["id_type"], col["id_number"]
    i_gender, i_birth, i_phone, i_post = col["gender"], col["birth_date"], col["phone"], col["post"]
    i_education, i_political, i_member = col["education"], col["political_status"], col["union_member"]
    i_hire, i_categories, i_org = col["hire_date"], col["categories"], col["organisation"]
    c = cleaners
    resident = Person.IdType.RESIDENT
    clean_id_number, check_resident_id, invalid = v.clean_id_number, v.check_resident_id, v.InvalidValue
    missing_number = _("The ID number is missing.")
    masked_number = _("The ID number is masked (contains *) and cannot be imported; export with “Export (for "
                      "re-import)” instead.")
    today = datetime.date.today()
    no_id_type = c.id_type(None) if i_id_type < 0 else None
    # Memo hits are read here, inline: a call per cell would cost more than the lookup itself.
    m_categories = c.categories.memo
    m_date = c.date.memo
    m_education = c.education.memo
    m_gender = c.gender.memo
    m_id_type = c.id_type.memo
    m_name = c.name.memo
    m_organisation = c.organisation.memo
    m_political_status = c.political_status.memo
    m_post = c.post.memo
    m_union_member = c.union_member.memo
    for row in rows:
        raw = row.source
        cleaned = row.cleaned
        fail = row.fail

        name, message = m_name.get(value := raw[i_name]) or c.name(value)
        if message:
            fail("name", message)
        cleaned["name"] = name

        id_type, message = no_id_type or m_id_type.get(value := raw[i_id_type]) or c.id_type(value)
        if message:
            fail("id_type", message)
        cleaned["id_type"] = id_type

        derived = None
        if "*" in str(raw[i_id_number] or ""):
            # A masked export's number: one plain error, not a checksum error and then one per masked cell.
            fail("id_number", masked_number)
            cleaned["masked_id_number"] = True
            continue
        try:
            number = clean_id_number(raw[i_id_number])
            if not number:
                raise invalid(missing_number)
            if id_type == resident:
                derived = check_resident_id(number, today=today)
                number = derived.number
            elif len(number) > 32:
                raise invalid(_("The ID number is longer than %(n)d characters.") % {"n": 32})
            cleaned["id_number"] = number
        except invalid as exc:
            fail("id_number", str(exc))

        if i_gender >= 0:
            gender, message = m_gender.get(value := raw[i_gender]) or c.gender(value)
            if message:
                fail("gender", message)
            if gender and derived and gender != derived.gender:
                fail("gender", _("The gender %(given)s does not match the ID number, which says %(derived)s.")
                     % {"given": _GENDER_LABEL[gender], "derived": _GENDER_LABEL[derived.gender]})
            if gender:
                cleaned["gender"] = gender
        if i_birth >= 0:
            birth, message = m_date.get(value := raw[i_birth]) or c.date(value)
            if message:
                fail("birth_date", message)
            if birth and derived and birth != derived.birth_date:
                fail("birth_date", _("The date of birth %(given)s does not match the ID number, which says "
                                     "%(derived)s.") % {"given": birth.isoformat(),
                                                        "derived": derived.birth_date.isoformat()})
            if birth:
                cleaned["birth_date"] = birth
        if derived:
            cleaned["gender"] = derived.gender
            cleaned["birth_date"] = derived.birth_date

        if i_phone >= 0:
            kind, phone, message = c.phone(raw[i_phone])
            if message:
                fail("phone", message)
            elif kind == "phone":
                cleaned["phone"] = phone
            elif kind == "masked":
                cleaned["masked_phone"] = phone
        if i_post >= 0:
            post, message = m_post.get(value := raw[i_post]) or c.post(value)
            if message:
                fail("post", message)
            elif post:
                cleaned["post"] = post
        if i_education >= 0:
            pk, message = m_education.get(value := raw[i_education]) or c.education(value)
            if message:
                fail("education", message)
            elif pk is not None:
                cleaned["education"] = pk
        if i_political >= 0:
            pk, message = m_political_status.get(value := raw[i_political]) or c.political_status(value)
            if message:
                fail("political_status", message)
            elif pk is not None:
                cleaned["political_status"] = pk
        if i_member >= 0:
            member, message = m_union_member.get(value := raw[i_member]) or c.union_member(value)
            if message:
                fail("union_member", message)
            elif member is not None:
                cleaned["union_member"] = member
        if i_hire >= 0:
            hired, message = m_date.get(value := raw[i_hire]) or c.date(value)
            if message:
                fail("hire_date", message)
            elif hired:
                cleaned["hire_date"] = hired
        if i_categories >= 0:
            ids, messages = m_categories.get(value := raw[i_categories]) or c.categories(value)
            for message in messages:
                fail("categories", message)
            if ids is not None:
                row.categories = ids
        if i_org >= 0:
            text = m_organisation.get(value := raw[i_org])
            row.org_text = c.organisation(value) if text is None else text
