"""Importing rosters (人员导入) from the sheets units already keep.

The whole file is checked before anything is written: each row's values (normalised by
`suzhi.people.validation`), its organisation (code, name path or unique name, inside the importer's
scope), duplicates inside the file, and the people already on record. Then new people go in with
`bulk_create`, changed ones with `bulk_update`: the number of queries grows with the number of
500-row chunks, never with the number of rows.
"""

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from pypinyin import Style, lazy_pinyin

from suzhi.core import oplog
from suzhi.core.errors import NotFound, PermissionDenied, ValidationFailed
from suzhi.core.excel import cell_text, read_rows, write_xlsx
from suzhi.core.masking import mask_phone
from suzhi.core.models import DictItem, Organisation
from suzhi.core.params import get_param
from suzhi.core.permissions import has_code
from suzhi.core.scope import organisation_in_scope
from suzhi.core.services.org_import import ImportResult, ensure_upload_size, error_rows_xlsx
from suzhi.people import validation as v
from suzhi.people.models import CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT, Person, PersonTransfer

__all__ = ["COLUMNS", "ImportResult", "error_rows_xlsx", "people_import", "template_xlsx"]

IMPORT = "person.import"
HEADER_SEARCH_ROWS = 20
DEFAULT_MAX_ROWS = 200000
CHUNK = 500  # IN lists stay far below SQLite's bound-parameter limit
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


@dataclasses.dataclass(eq=False)
class _Row:
    number: int  # the row number the clerk sees in the spreadsheet
    raw: list[Any]
    values: dict[str, Any]
    cleaned: dict[str, Any] = dataclasses.field(default_factory=dict)
    categories: list[int] | None = None  # None: the file says nothing about them
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    existing: Person | None = None
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)
    categories_change: bool = False

    @property
    def ok(self) -> bool:
        return not self.messages

    def fail(self, column: str, message: str) -> None:
        self.messages.append((column, message))


# ---- reading ---------------------------------------------------------------------------------------


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    lookup = _header_lookup()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = lookup.get(_normalise_header(value))
            if key and key not in found:
                found[key] = col
        if len(found) >= 2 and ("name" in found or "id_number" in found):
            missing = [str(c.label) for c in COLUMNS if c.required and c.key not in found]
            if missing:
                raise ValidationFailed(
                    _("The header row (row %(row)d) lacks the column(s) %(columns)s.")
                    % {"row": index + 1, "columns": pgettext("list separator", ", ").join(missing)},
                    code="missing_columns",
                    detail=[{"row": index + 1, "column": m, "message": _("Missing column")} for m in missing],
                )
            return index, found
    raise ValidationFailed(
        _("No header row found. The first rows must include the columns %(columns)s.")
        % {"columns": pgettext("list separator", ", ").join(str(c.label) for c in COLUMNS if c.required)},
        code="no_header",
    )


def _parse(data: bytes, filename: str) -> tuple[list[str], list[_Row], dict[str, str]]:
    ensure_upload_size(len(data))
    rows = read_rows(data, filename)
    if not any(any(cell_text(c) for c in row) for row in rows):
        raise ValidationFailed(_("The sheet is empty."), code="empty_file")
    header_index, columns = _find_header(rows)
    header = [cell_text(c) for c in rows[header_index]]
    headers_by_key = {key: header[col] for key, col in columns.items()}
    width = len(header)
    items = list(columns.items())
    parsed: list[_Row] = []
    for index in range(header_index + 1, len(rows)):
        raw = rows[index]
        length = len(raw)
        values = {key: raw[col] if col < length else "" for key, col in items}
        if not any(value not in ("", None) and cell_text(value) for value in values.values()):
            continue
        parsed.append(_Row(number=index + 1, raw=(list(raw) + [""] * width)[:width], values=values))
    if not parsed:
        raise ValidationFailed(_("There are no data rows below the header row."), code="empty_file")
    limit = get_param("import_max_rows", DEFAULT_MAX_ROWS) or DEFAULT_MAX_ROWS
    if len(parsed) > limit:
        raise ValidationFailed(
            _("The file has %(count)d rows; at most %(max)d can be imported at once.")
            % {"count": len(parsed), "max": limit},
            code="too_many_rows",
        )
    return header, parsed, headers_by_key


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


def _clean_row(row: _Row, dicts: _Dictionaries, id_types: dict[str, str]) -> None:
    values = row.values
    cleaned = row.cleaned
    present = values.keys()

    name = v.clean_name(values.get("name"))
    if not name:
        row.fail("name", _("The name is missing."))
    elif len(name) > 50:
        row.fail("name", _("The name is longer than %(n)d characters.") % {"n": 50})
    cleaned["name"] = name

    id_type_text = v.clean_text(values.get("id_type")).lower()
    id_type = Person.IdType.RESIDENT if not id_type_text else id_types.get(id_type_text)
    if id_type is None:
        row.fail("id_type", _("“%(value)s” is not a known ID type.") % {"value": id_type_text})
        id_type = Person.IdType.RESIDENT
    cleaned["id_type"] = id_type

    derived = None
    try:
        number = v.clean_id_number(values.get("id_number"))
        if not number:
            raise v.InvalidValue(_("The ID number is missing."))
        if id_type == Person.IdType.RESIDENT:
            derived = v.check_resident_id(number)
            number = derived.number
        elif len(number) > 32:
            raise v.InvalidValue(_("The ID number is longer than %(n)d characters.") % {"n": 32})
        cleaned["id_number"] = number
    except v.InvalidValue as exc:
        row.fail("id_number", str(exc))

    def clean(key: str, cleaner: Any) -> Any:
        try:
            return cleaner(values.get(key))
        except v.InvalidValue as exc:
            row.fail(key, str(exc))
            return None

    if "gender" in present:
        gender = clean("gender", v.clean_gender)
        if gender and derived and gender != derived.gender:
            row.fail("gender", _("The gender %(given)s does not match the ID number, which says %(derived)s.")
                     % {"given": _GENDER_LABEL[gender], "derived": _GENDER_LABEL[derived.gender]})
        if gender:
            cleaned["gender"] = gender
    if "birth_date" in present:
        birth = clean("birth_date", v.clean_date)
        if birth and derived and birth != derived.birth_date:
            row.fail("birth_date", _("The date of birth %(given)s does not match the ID number, which says "
                                     "%(derived)s.") % {"given": birth.isoformat(),
                                                        "derived": derived.birth_date.isoformat()})
        if birth:
            cleaned["birth_date"] = birth
    if derived:
        cleaned["gender"] = derived.gender
        cleaned["birth_date"] = derived.birth_date

    if "phone" in present:
        phone = v.clean_text(values.get("phone"))
        if "*" in phone:
            cleaned["masked_phone"] = phone  # an exported, masked sheet: kept if it matches the record
        else:
            phone = clean("phone", v.clean_phone)
            if phone:
                cleaned["phone"] = phone
    if "post" in present:
        post = v.clean_text(values.get("post"))
        if len(post) > 100:
            row.fail("post", _("The post is longer than %(n)d characters.") % {"n": 100})
        elif post:
            cleaned["post"] = post
    for key, dict_code in (("education", EDUCATION_DICT), ("political_status", POLITICAL_DICT)):
        text = v.clean_text(values.get(key)) if key in present else ""
        if text:
            item = dicts.find(dict_code, text)
            if item is None:
                row.fail(key, _("“%(value)s” is not in the dictionary.") % {"value": text})
            else:
                cleaned[key] = item.pk
    if "union_member" in present and v.clean_text(values.get("union_member")):
        member = clean("union_member", v.clean_bool)
        if member is not None:
            cleaned["union_member"] = member
    if "hire_date" in present:
        hired = clean("hire_date", v.clean_date)
        if hired:
            cleaned["hire_date"] = hired
    if "categories" in present:
        text = v.clean_text(values.get("categories"))
        if text:
            ids: list[int] = []
            for part in _LIST_SEPARATORS.split(text):
                if not part:
                    continue
                item = dicts.find(CATEGORY_DICT, part)
                if item is None:
                    row.fail("categories", _("“%(value)s” is not a person category.") % {"value": part})
                elif item.pk not in ids:
                    ids.append(item.pk)
            row.categories = sorted(ids)


def _check_duplicates(rows: list[_Row]) -> None:
    seen: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    for row in rows:
        if row.cleaned.get("id_number"):
            seen[(row.cleaned["id_type"], row.cleaned["id_number"])].append(row)
    for same in seen.values():
        if len(same) < 2:
            continue
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


def _load_existing(rows: list[_Row]) -> dict[tuple[str, str], Person]:
    numbers = sorted({r.cleaned["id_number"] for r in rows if r.cleaned.get("id_number")})
    found: dict[tuple[str, str], Person] = {}
    for chunk in _chunks(numbers):
        for person in Person.objects.filter(id_number__in=chunk).select_related("organisation").order_by():
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


def _analyse(*, actor: Any, rows: list[_Row], default_org: Organisation | None) -> None:
    dicts = _Dictionaries()
    id_types = _id_type_lookup()
    for row in rows:
        _clean_row(row, dicts, id_types)
    _check_duplicates(rows)

    texts = {v.clean_text(r.values.get("organisation")) for r in rows} - {""}
    orgs = _Organisations(actor, texts)
    for row in rows:
        text = v.clean_text(row.values.get("organisation"))
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
        person = existing.get(key)  # type: ignore[arg-type]
        if person is not None:
            if not organisation_in_scope(actor, IMPORT, person.organisation):
                row.fail("id_number", _("This person is on the roster of an organisation outside your data "
                                        "scope; ask that organisation to transfer them."))
                continue
            row.existing = person
            matched.append(row)
            continue
        # The default organisation is for new people only: a blank cell never moves someone already on record.
        if "organisation" not in row.cleaned and not v.clean_text(row.values.get("organisation")):
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


def _format(row: _Row, column_key: str, message: str, headers: dict[str, str]) -> dict[str, Any]:
    column = headers.get(column_key, "")
    if column:
        text = _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": row.number, "column": column, "message": message}
    else:
        text = _("Row %(row)d: %(message)s") % {"row": row.number, "message": message}
    return {"row": row.number, "column": column, "message": text}


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
    header, rows, headers_by_key = _parse(data, filename)
    _analyse(actor=actor, rows=rows, default_org=default_org)

    result = ImportResult(dry_run=dry_run, total_rows=len(rows), headers=header)
    for row in rows:
        if not row.ok:
            formatted = [_format(row, c, m, headers_by_key) for c, m in row.messages]
            result.errors.extend(formatted)
            result.error_rows.append((row.raw, "\n".join(e["message"] for e in formatted)))
        elif row.existing is None:
            result.created += 1
        elif row.changes or row.categories_change:
            result.updated += 1
        else:
            result.unchanged += 1
    if dry_run or (result.errors and not skip_invalid):
        return result
    valid = [r for r in rows if r.ok]
    if not valid:
        return result
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
    people = []
    for row in new_rows:
        c = row.cleaned
        people.append({
            "name": c["name"], "name_initials": _initials(c["name"], initials), "gender": c.get("gender", ""),
            "id_type": c["id_type"], "id_number": c["id_number"], "id_last4": c["id_number"][-4:],
            "birth_date": c.get("birth_date"), "phone": c.get("phone", ""), "organisation_id": c["organisation"],
            "post": c.get("post", ""), "education_id": c.get("education"),
            "political_status_id": c.get("political_status"), "union_member": c.get("union_member", False),
            "hire_date": c.get("hire_date"),
        })
    _insert_people(people, now)
    ids: dict[tuple[str, str], int] = {}
    numbers = sorted({p["id_number"] for p in people})
    for chunk in _chunks(numbers):
        for id_type, id_number, pk in Person.objects.filter(id_number__in=chunk).values_list(
                "id_type", "id_number", "pk").order_by():
            ids[(id_type, id_number)] = pk
    links = [(ids[(row.cleaned["id_type"], row.cleaned["id_number"])], item_id)
             for row in new_rows for item_id in row.categories or []]

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
    _executemany(through._meta.db_table, ["person_id", "dictitem_id"], links)


def _executemany(table: str, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """Plain INSERTs through `executemany`: one statement for any number of rows.

    `bulk_create` is what we'd like, but on SQLite it splits into batches of 999 bound values (about 45
    people each), builds model instances and every batch's SQL anew: that was most of the import's time.
    """
    if not rows:
        return
    ops = connection.ops
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - identifiers come from the model
        ops.quote_name(table), ", ".join(ops.quote_name(c) for c in columns),
    )
    one = "({})".format(", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # in-process: executemany is the quickest way in
            for chunk in _chunks(rows, 5000):
                cursor.executemany(head + one, chunk)
            return
        # PostgreSQL: COPY, its bulk-loading path, many times quicker than INSERTs of any size.
        copy_sql = "COPY {} ({}) FROM STDIN".format(
            ops.quote_name(table), ", ".join(ops.quote_name(c) for c in columns),
        )
        with cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)


def _insert_people(people: list[dict[str, Any]], now: Any) -> None:
    """New people with their values prepared for the database the way the model fields would."""
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    constants = {"created_at": now, "updated_at": now, "extra": {}, "is_active": True, "left_on": None,
                 "leave_reason": "", "user_id": None}
    prepared = {f.attname: f.get_db_prep_save(constants[f.attname], connection)
                for f in fields if f.attname in constants}
    adapt_date = connection.ops.adapt_datefield_value
    dates = {"birth_date", "hire_date"}
    rows: list[list[Any]] = []
    for person in people:
        row: list[Any] = []
        for f in fields:
            if f.attname in prepared:
                row.append(prepared[f.attname])
            elif f.attname in dates:
                row.append(adapt_date(person[f.attname]))
            else:
                row.append(person[f.attname])
        rows.append(row)
    _executemany(Person._meta.db_table, [str(f.column) for f in fields], rows)


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
