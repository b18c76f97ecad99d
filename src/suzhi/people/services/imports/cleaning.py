"""Checking a roster's rows: every cell normalised and validated, then what the whole file and the
database say about each row (repeats, organisations, the people on record)."""

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation
from suzhi.core.scope import organisation_in_scope
from suzhi.people import validation as v
from suzhi.people.models import (
    Person,
    PersonCategory,
)
from suzhi.people.services.imports.cells import _clean_rows, _Cleaners
from suzhi.people.services.imports.common import (
    IMPORT,
    STEP,
    _chunks,
    _lookup_chunk,
    _Row,
)
from suzhi.people.services.refusals import not_registrable_message

CHECK_CHUNK = 2000  # rows checked between two hand-overs of new people to the database
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


def _load_existing(numbers: dict[str, list[str]]) -> dict[tuple[str, str], Person]:
    """The people on record with these ID numbers (by ID type, the columns of the unique index). Which
    ones, in plain SQL on the unique index (the ORM spends microseconds on each value of an IN list: most
    of a second for a whole file), then only those as model instances."""
    qn = connection.ops.quote_name
    table = qn(Person._meta.db_table)
    pks: list[int] = []
    size = _lookup_chunk()
    select = f"SELECT {qn('id')} FROM {table} WHERE {qn('id_type')} = %s AND {qn('id_number')} "  # noqa: S608
    with connection.cursor() as cursor:
        for id_type, found in sorted(numbers.items()):
            if connection.vendor == "postgresql":  # one array parameter instead of thousands of literals
                cursor.execute(select + "= ANY(%s)", [id_type, found])
                pks.extend(pk for (pk,) in cursor.fetchall())
                continue
            for chunk in _chunks(found, size):
                cursor.execute(select + f"IN ({', '.join(['%s'] * len(chunk))})", [id_type, *chunk])
                pks.extend(pk for (pk,) in cursor.fetchall())
    people: dict[tuple[str, str], Person] = {}
    for chunk in _chunks(sorted(pks), size):
        for person in Person.objects.filter(pk__in=chunk).select_related("organisation").order_by():
            people[(person.id_type, person.id_number)] = person
    return people


def _existing_categories(person_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(sorted(person_ids)):
        for person_id, item_id in PersonCategory.objects.filter(person_id__in=chunk).values_list("person_id",
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


@dataclasses.dataclass
class _FileFacts:
    """What checking a row needs to know about the whole file and the database, gathered first so that
    the rows can then be checked (and new people written) a chunk at a time, without a query."""

    repeated: dict[tuple[str, str], list[_Row]]  # ID numbers given in more than one row
    orgs: _Organisations
    existing: dict[tuple[str, str], Person]
    in_scope: set[int]  # the people on record the importer may update
    categories: dict[int, list[int]]  # their categories now
    possibly_new: int  # rows whose ID number matches nobody on record: the most people the file can add


def _gather(*, actor: Any, rows: list[_Row], columns: dict[str, int], cleaners: _Cleaners) -> _FileFacts:
    """A quick first pass over the identifying cells (ID type and number) and the organisation cells.

    Its ID numbers are those the full check finds wherever the number is valid, and validity depends on
    the number and type alone: so rows sharing one share validity, and the repeats found here are the
    repeats among valid numbers."""
    i_id_type, i_number = columns.get("id_type", -1), columns.get("id_number", -1)
    i_org = columns.get("organisation", -1)
    no_id_type = cleaners.id_type(None) if i_id_type < 0 else None
    m_id_type, m_org = cleaners.id_type.memo, cleaners.organisation.memo
    clean_id_number, invalid = v.clean_id_number, v.InvalidValue
    first: dict[tuple[str, str], _Row] = {}  # the row of each number; a list only for the few repeated
    repeated: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        raw = row.source
        id_type = (no_id_type or m_id_type.get(value := raw[i_id_type]) or cleaners.id_type(value))[0]
        try:
            number = clean_id_number(raw[i_number])
        except invalid:
            number = ""
        if number and (other := first.setdefault(key := (id_type, number), row)) is not row:
            if key in repeated:
                repeated[key].append(row)
            else:
                repeated[key] = [other, row]
        if i_org >= 0:
            text = m_org.get(value := raw[i_org])
            row.org_text = cleaners.organisation(value) if text is None else text

    numbers: dict[str, list[str]] = defaultdict(list)
    for id_type, number in first:
        numbers[id_type].append(number)
    existing = _load_existing(numbers)
    in_scope = {p.pk for p in existing.values() if organisation_in_scope(actor, IMPORT, p.organisation)}
    return _FileFacts(
        repeated=repeated,
        orgs=_Organisations(actor, {r.org_text for r in rows} - {""}),
        existing=existing,
        in_scope=in_scope,
        categories=_existing_categories(sorted(in_scope)),
        possibly_new=len(rows) - sum(len(repeated[key]) if key in repeated else 1 for key in existing),
    )


def _check(*, rows: list[_Row], columns: dict[str, int], cleaners: _Cleaners, facts: _FileFacts,
           default_org: Organisation | None) -> Iterator[list[_Row]]:
    """Every rule for every row, a chunk at a time; yields each chunk once its rows are final. Makes no
    query, so that new people can be streamed to the database meanwhile."""
    for chunk in _chunks(rows, CHECK_CHUNK):
        chunk = list(chunk)
        _clean_rows(chunk, columns, cleaners)
        for row in chunk:
            _check_row(row, facts, default_org)
        yield chunk


def _check_row(row: _Row, facts: _FileFacts, default_org: Organisation | None) -> None:
    """The rules that look beyond the row's own cells, after them: repeats in the file, the
    organisation, and the person on record if any."""
    cleaned = row.cleaned
    if cleaned.get("masked_id_number"):
        return  # said once already: the row cannot be matched to anyone
    number = cleaned.get("id_number")
    same = facts.repeated.get((cleaned["id_type"], number)) if number else None
    if same:
        others = ", ".join(str(o.number) for o in same if o is not row)
        row.fail("id_number", _("The same ID number appears again in row %(rows)s.") % {"rows": others})
    text = row.org_text
    if text:
        org = facts.orgs.found[text]
        if isinstance(org, str):
            row.fail("organisation", org)
        else:
            cleaned["organisation"] = org.pk

    person = facts.existing.get((cleaned["id_type"], number)) if number and facts.existing else None
    if person is not None:
        if person.pk not in facts.in_scope:
            # Neither where nor that the person is on a roster: see suzhi.people.services.refusals.
            row.fail("id_number", not_registrable_message())
            return
        row.existing = person
        if row.ok:
            _diff(row, facts.categories)
        return
    # The default organisation is for new people only: a blank cell never moves someone already on record.
    if "organisation" not in cleaned and not row.org_text:
        if default_org is not None:
            cleaned["organisation"] = default_org.pk
        else:
            row.fail("organisation", _("No organisation given; fill in the column or choose a default "
                                       "organisation."))
    if "masked_phone" in cleaned:
        row.fail("phone", _("“%(value)s” is not a mainland mobile number (11 digits starting 13–19).")
                 % {"value": cleaned.pop("masked_phone")})
