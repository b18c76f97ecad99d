"""Importing rosters (人员导入) from the sheets units already keep.

The whole file is checked before anything is written: each row's values (normalised by
`suzhi.people.validation`), its organisation (code, name path or unique name, inside the importer's
scope), duplicates inside the file, and the people already on record. Then new people go in as
prepared rows (multi-row INSERTs on SQLite, COPY on PostgreSQL) with primary keys reserved beforehand,
changed ones with `bulk_update`: the number of queries grows with the number of chunks, never with
the number of rows.

Speed goal (bench/people_import.py): a 100,000-row file imports in at most four times the time
python-calamine alone takes to read it. Hence the per-column rules chosen once per file and memoised
per distinct text, and no ORM machinery per row or per IN-list value.
"""

import contextlib
import dataclasses
import datetime
import gc
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from pypinyin import Style, lazy_pinyin

from suzhi.core import oplog
from suzhi.core.errors import NotFound, PermissionDenied, ValidationFailed
from suzhi.core.excel import cell_text, read_rows, write_xlsx
from suzhi.core.masking import mask_phone
from suzhi.core.models import DictItem, Organisation
from suzhi.core.params import get_param
from suzhi.core.permissions import has_code
from suzhi.core.scope import organisation_in_scope
from suzhi.core.services.org_import import ImportResult, ensure_upload_size, error_rows_xlsx, find_header
from suzhi.people import validation as v
from suzhi.people.models import CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT, Person, PersonTransfer

__all__ = ["COLUMNS", "ImportResult", "error_rows_xlsx", "people_import", "template_xlsx"]

IMPORT = "person.import"
HEADER_SEARCH_ROWS = 20
DEFAULT_MAX_ROWS = 200000
CHUNK = 500  # bulk_update batches stay below SQLite's older 999 bound-parameter limit
LOOKUP_CHUNK = 5000
MAX_PARAMS = 32766  # bound values per statement at most, whatever the database allows
SQLITE_WRITE_CACHE_KIB = 128 * 1024  # an upper bound: pages are allocated as they are read
STEP = Organisation.steplen


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # what the template writes
    required: bool
    variants: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("name", pgettext_lazy("roster column", "Name"), True, ("姓名", "名字", "name")),
    Column("id_type", gettext_lazy("ID type"), False, ("证件类型", "id type")),
    Column("id_number", gettext_lazy("ID number"), True,
           ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号", "id number")),
    Column("gender", gettext_lazy("Gender"), False, ("性别", "gender", "sex")),
    Column("birth_date", gettext_lazy("Date of birth"), False, ("出生日期", "出生年月日", "date of birth")),
    Column("phone", gettext_lazy("Mobile phone"), False,
           ("手机", "手机号", "手机号码", "联系电话", "电话", "mobile phone", "phone")),
    Column("organisation", pgettext_lazy("roster column", "Organisation"), False,
           ("单位", "所在单位", "单位名称", "单位编码", "组织编码", "组织", "organisation", "organization")),
    Column("categories", gettext_lazy("Categories"), False, ("人员类别", "类别", "categories", "category")),
    Column("post", gettext_lazy("Post"), False, ("岗位", "职务", "岗位职务", "岗位/职务", "post", "job title")),
    Column("education", gettext_lazy("Education"), False, ("学历", "education")),
    Column("political_status", gettext_lazy("Political status"), False, ("政治面貌", "political status")),
    Column("union_member", gettext_lazy("Union member"), False,
           ("是否工会会员", "工会会员", "union member")),
    Column("hire_date", gettext_lazy("Hire date"), False,
           ("入职日期", "参加工作时间", "参加工作日期", "入职时间", "hire date")),
)
_KEYS = [c.key for c in COLUMNS]

_ID_TYPES = {
    "居民身份证": Person.IdType.RESIDENT, "身份证": Person.IdType.RESIDENT,
    "港澳居民来往内地通行证": Person.IdType.HK_MACAO, "港澳通行证": Person.IdType.HK_MACAO,
    "回乡证": Person.IdType.HK_MACAO,
    "台湾居民来往大陆通行证": Person.IdType.TAIWAN, "台胞证": Person.IdType.TAIWAN,
    "外国人永久居留身份证": Person.IdType.FOREIGN_PERMANENT, "外国人永久居留证": Person.IdType.FOREIGN_PERMANENT,
    "护照": Person.IdType.PASSPORT, "其他": Person.IdType.OTHER,
}
_NOISE = re.compile(r"[\s\u3000*＊_\-:：]|[(（][^)）]*[)）]")
_LIST_SEPARATORS = re.compile(r"[、,，/;；\s]+")
_GENDER_LABEL = {"M": "男", "F": "女"}


def _normalise_header(value: Any) -> str:
    return _NOISE.sub("", v.to_halfwidth(cell_text(value))).lower()


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (*column.variants, str(column.label)):
            lookup.setdefault(_normalise_header(name), column.key)
    return lookup


def _id_type_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {key.lower(): str(code) for key, code in _ID_TYPES.items()}
    for code, label in Person.IdType.choices:
        lookup.setdefault(code, code)
        lookup.setdefault(str(label).lower(), code)
    return lookup


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _max_params() -> int:
    """How many values one statement may bind. Django's SQLite backend says 999, the limit of SQLite
    before 3.32; the library in use says what it really allows (usually 32,766 or 250,000)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return min(MAX_PARAMS, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return min(MAX_PARAMS, connection.features.max_query_params or MAX_PARAMS)


def _lookup_chunk() -> int:
    """IN lists for lookups by ID number: as long as the database binds, so a 100,000-row file takes
    a few dozen queries rather than hundreds."""
    return max(1, min(LOOKUP_CHUNK, _max_params() - 1))


@dataclasses.dataclass(eq=False, slots=True)
class _Row:
    number: int  # the row number the clerk sees in the spreadsheet
    source: list[Any]  # the sheet's row; its first `width` cells are what the error report shows
    width: int
    cleaned: dict[str, Any] = dataclasses.field(default_factory=dict)
    org_text: str = ""  # the organisation cell, normalised
    categories: list[int] | None = None  # None: the file says nothing about them
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    existing: Person | None = None
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)
    categories_change: bool = False

    @property
    def raw(self) -> list[Any]:
        return (self.source + [""] * self.width)[: self.width]

    @property
    def ok(self) -> bool:
        return not self.messages

    def fail(self, column: str, message: str) -> None:
        self.messages.append((column, message))


# ---- reading ---------------------------------------------------------------------------------------


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    return find_header(
        rows, lookup=_header_lookup(), normalise=_normalise_header, columns=COLUMNS,
        is_header=lambda found: len(found) >= 2 and ("name" in found or "id_number" in found),
        search_rows=HEADER_SEARCH_ROWS,
    )


def _parse(data: bytes, filename: str) -> tuple[list[str], list[_Row], dict[str, int], dict[str, str]]:
    """The data rows, each padded to the header's width and ending in one extra None: the cell that
    an absent column (index -1) reads, as `dict.get` would."""
    ensure_upload_size(len(data))
    rows = read_rows(data, filename)
    if not any(any(cell_text(c) for c in row) for row in rows):
        raise ValidationFailed(_("The sheet is empty."), code="empty_file")
    header_index, columns = _find_header(rows)
    header = [cell_text(c) for c in rows[header_index]]
    headers_by_key = {key: header[col] for key, col in columns.items()}
    width = len(header)
    indices = list(columns.values())
    parsed: list[_Row] = []
    append = parsed.append
    for index in range(header_index + 1, len(rows)):
        raw = rows[index]
        if len(raw) < width:  # a short CSV line: blank cells, and the None below stays outside `raw`
            raw.extend([""] * (width - len(raw)))
        for col in indices:  # a row is data if any mapped cell is not blank; the first usually is not
            value = raw[col]
            if value.__class__ is str:
                if value and not value.isspace():
                    break
            elif value is not None and cell_text(value):
                break
        else:
            continue
        raw.append(None)
        append(_Row(number=index + 1, source=raw, width=width))
    if not parsed:
        raise ValidationFailed(_("There are no data rows below the header row."), code="empty_file")
    limit = get_param("import_max_rows", DEFAULT_MAX_ROWS) or DEFAULT_MAX_ROWS
    if len(parsed) > limit:
        raise ValidationFailed(
            _("The file has %(count)d rows; at most %(max)d can be imported at once.")
            % {"count": len(parsed), "max": limit},
            code="too_many_rows",
        )
    return header, parsed, columns, headers_by_key


# ---- checking --------------------------------------------------------------------------------------


class _Dictionaries:
    """Dictionary items by label or code, loaded once per import."""

    def __init__(self) -> None:
        self.by_type: dict[str, dict[str, DictItem]] = defaultdict(dict)
        items = DictItem.objects.filter(
            dict_type__code__in=[CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT], is_active=True
        ).select_related("dict_type")
        for item in items:
            lookup = self.by_type[item.dict_type.code]
            for key in (item.code, item.label, item.label_en):
                if key:
                    lookup.setdefault(key.lower(), item)

    def find(self, dict_code: str, text: str) -> DictItem | None:
        return self.by_type[dict_code].get(text.lower())


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


def _check_duplicates(rows: list[_Row]) -> None:
    seen: dict[tuple[str, str], _Row] = {}
    repeated: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        number = row.cleaned.get("id_number")
        if number:
            key = (row.cleaned["id_type"], number)
            first = seen.setdefault(key, row)
            if first is not row:
                repeated.setdefault(key, [first]).append(row)
    for same in repeated.values():
        for row in same:
            others = ", ".join(str(o.number) for o in same if o is not row)
            row.fail("id_number", _("The same ID number appears again in row %(rows)s.") % {"rows": others})


class _Organisations:
    """Resolves the organisation cells of the whole file in a few queries: by code, else by name path."""

    def __init__(self, actor: Any, texts: set[str]) -> None:
        self.actor = actor
        self.found: dict[str, Organisation | str] = {}  # text -> organisation, or an error message
        by_code: dict[str, Organisation] = {}
        for chunk in _chunks(sorted(texts)):
            for org in Organisation.objects.filter(code__in=chunk).only("pk", "code", "name", "path"):
                by_code[org.code] = org
        pending = [t for t in texts if t not in by_code]
        for text in texts:
            if text in by_code:
                self.found[text] = self._checked(by_code[text], text)
        if pending:
            self._by_names(pending)

    def in_scope(self, org: Organisation) -> bool:
        return organisation_in_scope(self.actor, IMPORT, org)

    def _checked(self, org: Organisation, text: str) -> Organisation | str:
        if self.in_scope(org):
            return org
        return _("The organisation %(org)s is outside your data scope.") % {"org": text}

    def _by_names(self, texts: list[str]) -> None:
        paths = {t: [part.strip() for part in re.split(r"[/／\\>＞]", t) if part.strip()] for t in texts}
        last_names = sorted({parts[-1] for parts in paths.values() if parts})
        candidates: dict[str, list[Organisation]] = defaultdict(list)
        for chunk in _chunks(last_names):
            for org in Organisation.objects.filter(name__in=chunk).only("pk", "code", "name", "path", "depth"):
                candidates[org.name].append(org)
        needs_ancestors = {org.path[:end] for t, parts in paths.items() if len(parts) > 1
                           for org in candidates.get(parts[-1], []) for end in range(STEP, len(org.path), STEP)}
        names_by_path: dict[str, str] = {}
        for chunk in _chunks(sorted(needs_ancestors)):
            names_by_path.update(Organisation.objects.filter(path__in=chunk).values_list("path", "name"))
        for text, parts in paths.items():
            matches = []
            for org in candidates.get(parts[-1], []) if parts else []:
                chain = [names_by_path.get(org.path[:end], "") for end in range(STEP, len(org.path), STEP)]
                chain.append(org.name)
                if chain[-len(parts):] == parts:
                    matches.append(org)
            inside = [org for org in matches if self.in_scope(org)]
            if len(inside) == 1:
                self.found[text] = inside[0]
            elif len(inside) > 1:
                self.found[text] = _("Several organisations are called %(org)s; give the code or the full path "
                                     "(敦煌市总工会/七里镇工会联合会/…).") % {"org": text}
            elif matches:
                self.found[text] = _("The organisation %(org)s is outside your data scope.") % {"org": text}
            else:
                self.found[text] = _("No organisation has the code or name %(org)s.") % {"org": text}


def _by_number(rows: Iterable[_Row]) -> dict[str, list[str]]:
    """Distinct ID numbers by ID type: lookups filter on both, the columns of the unique index."""
    numbers: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        number = row.cleaned.get("id_number")
        if number:
            numbers[row.cleaned["id_type"]].add(number)
    return {id_type: list(found) for id_type, found in sorted(numbers.items())}


def _load_existing(rows: list[_Row]) -> dict[tuple[str, str], Person]:
    """The people on record with the file's ID numbers. Which ones, in plain SQL on the unique index
    (the ORM spends microseconds on each value of an IN list: most of a second for a whole file), then
    only those as model instances."""
    qn = connection.ops.quote_name
    table = qn(Person._meta.db_table)
    pks: list[int] = []
    size = _lookup_chunk()
    select = f"SELECT {qn('id')} FROM {table} WHERE {qn('id_type')} = %s AND {qn('id_number')} "  # noqa: S608
    with connection.cursor() as cursor:
        for id_type, numbers in _by_number(rows).items():
            if connection.vendor == "postgresql":  # one array parameter instead of thousands of literals
                cursor.execute(select + "= ANY(%s)", [id_type, numbers])
                pks.extend(pk for (pk,) in cursor.fetchall())
                continue
            for chunk in _chunks(numbers, size):
                cursor.execute(select + f"IN ({', '.join(['%s'] * len(chunk))})", [id_type, *chunk])
                pks.extend(pk for (pk,) in cursor.fetchall())
    found: dict[tuple[str, str], Person] = {}
    for chunk in _chunks(sorted(pks), size):
        for person in Person.objects.filter(pk__in=chunk).select_related("organisation").order_by():
            found[(person.id_type, person.id_number)] = person
    return found


def _existing_categories(person_ids: list[int]) -> dict[int, list[int]]:
    through = Person.categories.through
    result: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(sorted(person_ids)):
        for person_id, item_id in through.objects.filter(person_id__in=chunk).values_list("person_id",
                                                                                         "dictitem_id"):
            result[person_id].append(item_id)
    return result


_PLAIN_FIELDS = ("name", "gender", "birth_date", "phone", "post", "union_member", "hire_date")
_FK_FIELDS = {"education": "education_id", "political_status": "political_status_id",
              "organisation": "organisation_id"}


def _diff(row: _Row, current_categories: dict[int, list[int]]) -> None:
    person = row.existing
    assert person is not None
    masked = row.cleaned.pop("masked_phone", None)
    if masked is not None and masked != mask_phone(person.phone):
        row.fail("phone", _("“%(value)s” is not a mainland mobile number (11 digits starting 13–19).")
                 % {"value": masked})
        return
    for name in _PLAIN_FIELDS:
        if name in row.cleaned and getattr(person, name) != row.cleaned[name]:
            row.changes[name] = row.cleaned[name]
    for name, attname in _FK_FIELDS.items():
        if name in row.cleaned and getattr(person, attname) != row.cleaned[name]:
            row.changes[attname] = row.cleaned[name]
    if row.categories is not None and sorted(current_categories.get(person.pk, [])) != row.categories:
        row.categories_change = True


def _analyse(*, actor: Any, rows: list[_Row], columns: dict[str, int], default_org: Organisation | None) -> None:
    _clean_rows(rows, columns, _Cleaners(_Dictionaries(), _id_type_lookup()))
    _check_duplicates(rows)

    texts = {r.org_text for r in rows} - {""}
    orgs = _Organisations(actor, texts)
    for row in rows:
        text = row.org_text
        if text:
            org = orgs.found[text]
            if isinstance(org, str):
                row.fail("organisation", org)
            else:
                row.cleaned["organisation"] = org.pk

    existing = _load_existing(rows)
    matched = []
    for row in rows:
        key = (row.cleaned.get("id_type"), row.cleaned.get("id_number"))
        person = existing.get(key) if existing else None  # type: ignore[arg-type]
        if person is not None:
            if not organisation_in_scope(actor, IMPORT, person.organisation):
                row.fail("id_number", _("This person is on the roster of an organisation outside your data "
                                        "scope; ask that organisation to transfer them."))
                continue
            row.existing = person
            matched.append(row)
            continue
        # The default organisation is for new people only: a blank cell never moves someone already on record.
        if "organisation" not in row.cleaned and not row.org_text:
            if default_org is not None:
                row.cleaned["organisation"] = default_org.pk
            else:
                row.fail("organisation", _("No organisation given; fill in the column or choose a default "
                                           "organisation."))
        if "masked_phone" in row.cleaned:
            row.fail("phone", _("“%(value)s” is not a mainland mobile number (11 digits starting 13–19).")
                     % {"value": row.cleaned.pop("masked_phone")})
    categories = _existing_categories([r.existing.pk for r in matched if r.existing and r.categories is not None])
    for row in matched:
        if row.ok:
            _diff(row, categories)


# ---- the service -----------------------------------------------------------------------------------


def default_organisation(*, actor: Any, org_id: Any) -> Organisation | None:
    if org_id in (None, ""):
        return None
    org = Organisation.objects.filter(pk=org_id).first() if str(org_id).isdigit() else None
    if org is None or not organisation_in_scope(actor, IMPORT, org):
        raise NotFound()
    return org


@transaction.atomic
def people_import(
    *,
    actor: Any,
    data: bytes,
    filename: str,
    default_org_id: int | None = None,
    dry_run: bool,
    skip_invalid: bool,
) -> ImportResult:
    """Create or update people from a spreadsheet; a file with errors writes nothing unless
    `skip_invalid`, and then only its valid rows."""
    if not has_code(actor, IMPORT):
        raise PermissionDenied()
    default_org = default_organisation(actor=actor, org_id=default_org_id)
    with _no_gc_pauses():
        return _import(actor=actor, data=data, filename=filename, default_org=default_org, dry_run=dry_run,
                       skip_invalid=skip_invalid)


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """A large file makes a few million small objects that all live until the import ends; Python's
    cyclic collector would walk them again and again, finding nothing to free (about a second per
    100,000 rows). Anything cyclic made meanwhile is collected once the import is over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(*, actor: Any, data: bytes, filename: str, default_org: Organisation | None, dry_run: bool,
            skip_invalid: bool) -> ImportResult:
    header, rows, columns, headers_by_key = _parse(data, filename)
    _analyse(actor=actor, rows=rows, columns=columns, default_org=default_org)

    result = ImportResult(dry_run=dry_run, total_rows=len(rows), headers=header)
    valid = result.tally(rows, headers_by_key, is_update=lambda row: bool(row.changes or row.categories_change),
                         skip_invalid=skip_invalid)
    if not valid:
        return result
    with _bulk_write_cache():
        _write(actor, valid)
    result.written = True
    counts = {"file": filename, "created": result.created, "updated": result.updated,
              "unchanged": result.unchanged, "skipped": result.invalid_rows}
    oplog.record(
        actor=actor,
        action="person.import",
        organisation=default_org or getattr(actor, "organisation", None),
        after=counts,
        summary=_("Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                  "%(skipped)d rows skipped.") % counts,
    )
    return result


# ---- writing ---------------------------------------------------------------------------------------


def _initials(name: str, cache: dict[str, str]) -> str:
    found = cache.get(name)
    if found is None:
        found = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()[:50]
        cache[name] = found
    return found


def _write(actor: Any, rows: list[_Row]) -> None:
    now = timezone.now()
    initials: dict[str, str] = {}
    through = Person.categories.through
    new_rows = [r for r in rows if r.existing is None]
    pks = _insert_people(new_rows, now, initials)
    links = [(pk, item_id) for row, pk in zip(new_rows, pks, strict=True) for item_id in row.categories or ()]

    changed = [r for r in rows if r.existing is not None and r.changes]
    fields: set[str] = set()
    transfers = []
    for row in changed:
        person = row.existing
        assert person is not None
        if "organisation_id" in row.changes:
            transfers.append(PersonTransfer(
                person=person, from_organisation_id=person.organisation_id,
                to_organisation_id=row.changes["organisation_id"], actor=actor if actor.pk else None,
                reason=_("Roster import"),
            ))
        for attname, value in row.changes.items():
            setattr(person, attname, value)
            fields.add(attname)
        if "name" in row.changes:
            person.name_initials = _initials(person.name, initials)
            fields.add("name_initials")
    touched = [r.existing for r in rows if r.existing is not None and (r.changes or r.categories_change)]
    for person in touched:
        person.updated_at = now
    if touched:
        Person.objects.bulk_update(touched, sorted(fields | {"updated_at"}), batch_size=CHUNK)
    PersonTransfer.objects.bulk_create(transfers, batch_size=CHUNK)

    recategorised = [r for r in rows if r.existing is not None and r.categories_change]
    for chunk in _chunks([r.existing.pk for r in recategorised if r.existing]):
        through.objects.filter(person_id__in=chunk).delete()
    links += [(r.existing.pk, item_id) for r in recategorised if r.existing for item_id in r.categories or []]
    _insert_rows(through._meta.db_table, ["person_id", "dictitem_id"], links)


@contextlib.contextmanager
def _bulk_write_cache() -> Iterator[None]:
    """A larger SQLite page cache while the import writes: its default 2 MiB holds a fraction of the
    people table's nine indexes, and every insert would reread index pages. Restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _reserve_ids(model: type[Any], count: int) -> list[int]:
    """Primary keys for `count` new rows, taken before writing them, so their category links need not
    read them back."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite has one writer: inside this transaction nobody else can take these numbers (a writer
            # that came first makes our INSERT fail, never collide). AUTOINCREMENT's counter moves past them.
            cursor.execute(
                f"SELECT MAX(n) FROM (SELECT MAX({qn(column)}) AS n FROM {qn(table)} "  # noqa: S608 - model names
                "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)", [table],
            )
            start = (cursor.fetchone()[0] or 0) + 1
            return list(range(start, start + count))
        # The sequence's name first: as an argument of nextval, pg_get_serial_sequence would run once per
        # number, which took most of half a second for 100,000.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [pk for (pk,) in cursor.fetchall()]


def _insert_rows(table: str, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """Plain INSERTs of prepared rows, the quickest way each database offers.

    `bulk_create` is what we'd like, but on SQLite it splits into batches of 999 bound values (about 45
    people each), builds model instances and every batch's SQL anew: that was most of the import's time.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Multi-row VALUES with as many values as SQLite binds: fewer statements and a third quicker
            # than executemany's row-by-row binding. Unless queries are being logged (DEBUG, tests), whose
            # log substitutes %s, the placeholders are SQLite's own "?", which Django's %s-to-? rewriting
            # leaves as they are: that rewriting costs milliseconds per statement of 32,000 placeholders.
            per = max(1, _max_params() // len(columns))
            head = f"INSERT INTO {qn(table)} ({names}) VALUES "  # noqa: S608 - identifiers come from the model
            mark = "%s" if connection.queries_logged else "?"
            one = "({})".format(",".join([mark] * len(columns)))
            full = head + ",".join([one] * per)
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                sql = full if len(chunk) == per else head + ",".join([one] * len(chunk))
                cursor.execute(sql, list(chain.from_iterable(chunk)))
            return
        # PostgreSQL: COPY, its bulk-loading path, many times quicker than INSERTs of any size; in binary,
        # which spares the server parsing every timestamp, date and number from text.
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s)",
            [qn(table), list(columns)],
        )
        types = dict(cursor.fetchall())
        with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([types[c] for c in columns])
            for row in rows:
                copy.write_row(row)


_NEW_PERSON_FIELDS = ("name", "name_initials", "gender", "id_type", "id_number", "id_last4", "birth_date", "phone",
                      "organisation_id", "post", "education_id", "political_status_id", "union_member", "hire_date")


def _insert_people(rows: list[_Row], now: Any, initials: dict[str, str]) -> list[int]:
    """New people with their values prepared for the database the way the model fields would; their
    primary keys in the order of `rows`."""
    pk_field = Person._meta.pk
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    constants = {"created_at": now, "updated_at": now, "extra": {}, "is_active": True, "left_on": None,
                 "leave_reason": "", "user_id": None}
    order = [f.attname for f in fields]
    if set(order) != set(constants) | set(_NEW_PERSON_FIELDS):
        raise RuntimeError("Person's fields changed: update the roster import's INSERT.")
    # One template row of the constants, copied and filled per person: no per-field work in the loop.
    template = [None] + [f.get_db_prep_save(constants[f.attname], connection) if f.attname in constants else None
                         for f in fields]
    at = {name: order.index(name) + 1 for name in _NEW_PERSON_FIELDS}
    i_name, i_initials, i_gender, i_id_type = at["name"], at["name_initials"], at["gender"], at["id_type"]
    i_number, i_last4, i_birth, i_phone = at["id_number"], at["id_last4"], at["birth_date"], at["phone"]
    i_org, i_post, i_education, i_political = (at["organisation_id"], at["post"], at["education_id"],
                                               at["political_status_id"])
    i_member, i_hire = at["union_member"], at["hire_date"]
    adapt_date = connection.ops.adapt_datefield_value
    pks = _reserve_ids(Person, len(rows))
    values: list[list[Any]] = []
    for row, pk in zip(rows, pks, strict=True):
        c = row.cleaned
        get = c.get
        record = template.copy()
        name = c["name"]
        number = c["id_number"]
        record[0] = pk
        record[i_name] = name
        found = initials.get(name)
        record[i_initials] = found if found is not None else _initials(name, initials)
        record[i_gender] = get("gender", "")
        record[i_id_type] = c["id_type"]
        record[i_number] = number
        record[i_last4] = number[-4:]
        record[i_birth] = adapt_date(get("birth_date"))
        record[i_phone] = get("phone", "")
        record[i_org] = c["organisation"]
        record[i_post] = get("post", "")
        record[i_education] = get("education")
        record[i_political] = get("political_status")
        record[i_member] = get("union_member", False)
        record[i_hire] = adapt_date(get("hire_date"))
        values.append(record)
    _insert_rows(Person._meta.db_table, [str(pk_field.column)] + [str(f.column) for f in fields], values)
    return pks


# ---- template --------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """An empty roster with the import's columns; dictionary columns offer dropdowns."""
    labels = defaultdict(list)
    items = DictItem.objects.filter(
        dict_type__code__in=[CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT], is_active=True
    ).select_related("dict_type").order_by("sort_order", "pk")
    for item in items:
        labels[item.dict_type.code].append(item.label)
    choices = {
        "id_type": [str(label) for label in ("居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证",
                                             "外国人永久居留身份证", "护照", "其他")],
        "gender": ["男", "女"],
        "categories": labels[CATEGORY_DICT],
        "education": labels[EDUCATION_DICT],
        "political_status": labels[POLITICAL_DICT],
        "union_member": ["是", "否"],
    }
    return write_xlsx(
        [str(c.label) for c in COLUMNS],
        [],
        sheet_title=str(_("Roster")),
        validations={_KEYS.index(key): values for key, values in choices.items() if values},
    )
