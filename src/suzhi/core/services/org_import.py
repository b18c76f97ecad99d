"""Importing the organisation tree from Excel (组织架构导入), and the same columns for templates and exports.

The file is checked as a whole first: every row's fields, duplicate codes, parents (in the tree or in the
file, in any order), cycles. Only then is anything written: new organisations get their materialised
paths computed here and are inserted with `bulk_create`, level by level, so ten thousand rows cost a
bounded number of queries; the rare moves of existing organisations go through treebeard.
"""

import dataclasses
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from suzhi.core import oplog
from suzhi.core.errors import PermissionDenied, ValidationFailed
from suzhi.core.excel import cell_text, read_rows, write_xlsx
from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation
from suzhi.core.org_followers import OrgMove, orgs_moved
from suzhi.core.params import get_param
from suzhi.core.permissions import has_code
from suzhi.core.scope import organisation_in_scope, scope_for
from suzhi.core.selectors.orgs import MANAGE
from suzhi.core.services.orgs import OrgTypes, clean_org_fields, name_initials

STEP = Organisation.steplen
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
DEFAULT_MAX_ROWS = 50000


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # the header the template and the export write
    required: bool
    variants: tuple[str, ...]  # other headers people use for it


COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Organisation code"), True,
           ("组织编码", "编码", "单位编码", "组织代码", "code", "organisation code", "organization code", "org code")),
    Column("name", gettext_lazy("Organisation name"), True,
           ("组织名称", "名称", "单位名称", "name", "organisation name", "organization name")),
    Column("org_type", gettext_lazy("Organisation type"), True,
           ("组织类型", "类型", "单位类型", "type", "organisation type", "organization type")),
    Column("parent_code", gettext_lazy("Parent code"), True,
           ("上级编码", "上级组织编码", "上级单位编码", "parent code", "parent")),
    Column("short_name", gettext_lazy("Short name"), False, ("简称", "short name")),
    Column("region_code", gettext_lazy("Administrative region code"), False,
           ("行政区划代码", "区划代码", "行政区划", "region code")),
    Column("contact_person", gettext_lazy("Contact person"), False, ("联系人", "contact person")),
    Column("contact_phone", gettext_lazy("Contact phone"), False, ("联系电话", "电话", "contact phone", "phone")),
    Column("address", gettext_lazy("Address"), False, ("地址", "address")),
)
TYPE_COLUMN_INDEX = 2

_NOISE = re.compile(r"[\s\u3000*＊_\-:：]|[(（][^)）]*[)）]")


def _normalise_header(value: Any) -> str:
    return _NOISE.sub("", cell_text(value)).lower()


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        # The label in the current language too, so a template downloaded in any language reads back.
        for name in (*column.variants, str(column.label)):
            lookup.setdefault(_normalise_header(name), column.key)
    return lookup


@dataclasses.dataclass
class ImportResult:
    """Counts are what the valid rows do (or did, when `written`); errors are {row, column, message}."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    total_rows: int = 0
    headers: list[str] = dataclasses.field(default_factory=list)
    error_rows: list[tuple[list[Any], str]] = dataclasses.field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len(self.error_rows)

    def tally(self, rows: Sequence[Any], headers_by_key: dict[str, str], *, is_update: Callable[[Any], bool],
              skip_invalid: bool) -> list[Any]:
        """Count what the rows do (a row has `number`, `raw`, `messages` as (column key, message), `ok` and
        `existing`), keep each invalid row's errors and its line for the error report, and return the valid
        rows to write: none on a dry run, or when there are errors and the user did not choose to skip them."""
        for row in rows:
            if not row.ok:
                formatted = [row_error(row.number, headers_by_key.get(key, ""), message)
                             for key, message in row.messages]
                self.errors.extend(formatted)
                self.error_rows.append((row.raw, "\n".join(e["message"] for e in formatted)))
            elif row.existing is None:
                self.created += 1
            elif is_update(row):
                self.updated += 1
            else:
                self.unchanged += 1
        if self.dry_run or (self.errors and not skip_invalid):
            return []
        return [row for row in rows if row.ok]


def row_error(number: int, column: str, message: str) -> dict[str, Any]:
    """One error of an import as the pages, the API and the CLI show it: row, column title and the sentence."""
    if column:
        text = _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": number, "column": column, "message": message}
    else:
        text = _("Row %(row)d: %(message)s") % {"row": number, "message": message}
    return {"row": number, "column": column, "message": text}


_KEEP = "keep"  # an existing organisation stays under its current parent
_ROOT = "root"


@dataclasses.dataclass(eq=False)
class _Row:
    number: int
    raw: list[Any]
    data: dict[str, str]
    cleaned: dict[str, Any] = dataclasses.field(default_factory=dict)
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (column key, message)
    existing: Organisation | None = None
    parent_ref: Any = None  # _KEEP, _ROOT, ("row", code) or ("org", Organisation)
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)
    moves: bool = False
    level: int = 0
    node: Organisation | None = None  # the organisation once written

    @property
    def ok(self) -> bool:
        return not self.messages

    @property
    def code(self) -> str:
        return self.cleaned.get("code") or self.data.get("code", "")


def _fail(row: _Row, column: str, message: str) -> None:
    row.messages.append((column, message))


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _param_chunk() -> int:
    # SQLite counts every bound value; stay well below its limit.
    return max(100, min(2000, (connection.features.max_query_params or 2000) - 50))


def find_header(
    rows: list[list[Any]], *, lookup: dict[str, str], normalise: Callable[[Any], str], columns: Sequence[Any],
    is_header: Callable[[dict[str, int]], bool], search_rows: int = HEADER_SEARCH_ROWS,
) -> tuple[int, dict[str, int]]:
    """The header row of an import sheet, under any title rows: its index and each known column's position.
    `lookup` maps a normalised header text to a column key; `columns` have `key`, `label` and `required`."""
    for index, row in enumerate(rows[:search_rows]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = lookup.get(normalise(value))
            if key and key not in found:
                found[key] = col
        if is_header(found):
            missing = [str(c.label) for c in columns if c.required and c.key not in found]
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
        % {"columns": pgettext("list separator", ", ").join(str(c.label) for c in columns if c.required)},
        code="no_header",
    )


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    return find_header(
        rows, lookup=_header_lookup(), normalise=_normalise_header, columns=COLUMNS,
        is_header=lambda found: len([k for k in found if k in ("code", "name", "org_type", "parent_code")]) >= 2,
    )


def ensure_upload_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="file_too_large"
        )


def _parse(data: bytes, filename: str) -> tuple[list[str], list[_Row], dict[str, str]]:
    ensure_upload_size(len(data))
    rows = read_rows(data, filename)
    if not any(any(cell_text(v) for v in row) for row in rows):
        raise ValidationFailed(_("The sheet is empty."), code="empty_file")
    header_index, columns = _find_header(rows)
    header = [cell_text(v) for v in rows[header_index]]
    headers_by_key = {key: header[col] for key, col in columns.items()}
    width = len(header)
    parsed: list[_Row] = []
    for index in range(header_index + 1, len(rows)):
        raw = list(rows[index])
        values = {key: cell_text(raw[col]) if col < len(raw) else "" for key, col in columns.items()}
        if not any(values.values()):
            continue
        parsed.append(_Row(number=index + 1, raw=(raw + [""] * width)[:width], data=values))
    if not parsed:
        raise ValidationFailed(_("There are no data rows below the header row."), code="empty_file")
    limit = get_param("org_import_max_rows", DEFAULT_MAX_ROWS) or DEFAULT_MAX_ROWS
    if len(parsed) > limit:
        raise ValidationFailed(
            _("The file has %(count)d rows; at most %(max)d can be imported at once.")
            % {"count": len(parsed), "max": limit},
            code="too_many_rows",
        )
    return header, parsed, headers_by_key


def _load_existing(codes: set[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    ordered = sorted(codes)
    for chunk in _chunks(ordered, _param_chunk()):
        for org in Organisation.objects.filter(code__in=chunk).select_related("org_type").order_by():
            found[org.code] = org
    return found


class _Analysis:
    """Everything decided before writing: which rows are valid, what each does, in which order."""

    def __init__(self, *, actor: Any, rows: list[_Row]) -> None:
        self.actor = actor
        self.rows = rows
        self.types = OrgTypes.load()
        self.scope = scope_for(actor, MANAGE)

    def in_scope(self, org: Organisation) -> bool:
        return organisation_in_scope(self.actor, MANAGE, org)

    def run(self) -> None:
        self._check_fields()
        self._check_duplicates()
        codes = {r.code for r in self.rows if r.code} | {r.data["parent_code"] for r in self.rows}
        self.existing = _load_existing({c for c in codes if c})
        self.rows_by_code: dict[str, list[_Row]] = defaultdict(list)
        for row in self.rows:
            if row.code:
                self.rows_by_code[row.code].append(row)
        for row in self.rows:
            self._resolve(row)
        self._cascade()
        self._order()
        for row in self.rows:
            if row.ok:
                self._diff(row)

    def _check_fields(self) -> None:
        for row in self.rows:
            values = {k: v for k, v in row.data.items() if k != "parent_code"}
            row.cleaned, errors = clean_org_fields(values, types=self.types)
            for error in errors:
                _fail(row, error["field"], error["message"])

    def _check_duplicates(self) -> None:
        seen: dict[str, list[_Row]] = defaultdict(list)
        for row in self.rows:
            if row.code:
                seen[row.code].append(row)
        for code, same in seen.items():
            if len(same) < 2:
                continue
            for row in same:
                others = ", ".join(str(o.number) for o in same if o is not row)
                _fail(row, "code", _("The code %(code)s appears again in row %(rows)s.") % {
                    "code": code, "rows": others})

    def _resolve(self, row: _Row) -> None:
        code = row.code
        existing = self.existing.get(code) if code else None
        if existing is not None:
            if not self.in_scope(existing):
                _fail(row, "code", _("The code %(code)s belongs to an organisation outside your data scope.")
                      % {"code": code})
                return
            row.existing = existing
            self._keep_masked_phone(row)
        parent_code = row.data["parent_code"]
        if not parent_code:
            if existing is not None:
                row.parent_ref = _KEEP
            elif self.scope.all:
                row.parent_ref = _ROOT
            else:
                _fail(row, "parent_code", _("Enter the parent code; only system administrators import "
                                            "top-level organisations."))
            return
        if parent_code == code:
            _fail(row, "parent_code", _("An organisation cannot be its own parent."))
            return
        if parent_code in self.rows_by_code:
            row.parent_ref = ("row", parent_code)
            return
        parent = self.existing.get(parent_code)
        if parent is not None and existing is not None and existing.path[:-STEP] == parent.path:
            row.parent_ref = _KEEP
            return
        if parent is None or not self.in_scope(parent):
            # Outside the scope reads exactly like unknown: the file does not learn what exists elsewhere.
            _fail(row, "parent_code", _("The parent code %(code)s is neither one of your organisations nor in "
                                        "this file.") % {"code": parent_code})
            return
        row.parent_ref = ("org", parent)

    def _keep_masked_phone(self, row: _Row) -> None:
        # An exported sheet shows masked phones to those who may not see them; reading one back keeps the number.
        typed = row.data.get("contact_phone", "")
        if row.existing and "*" in typed and typed == mask_phone(row.existing.contact_phone):
            row.messages = [(c, m) for c, m in row.messages if c != "contact_phone"]
            row.cleaned["contact_phone"] = row.existing.contact_phone

    def _cascade(self) -> None:
        """Rows whose parent row is not imported are not imported either, down whole chains."""
        children: dict[str, list[_Row]] = defaultdict(list)
        for row in self.rows:
            ref = row.parent_ref
            if row.ok and isinstance(ref, tuple) and ref[0] == "row":
                children[ref[1]].append(row)
        failed = deque(code for code, same in self.rows_by_code.items() if any(not r.ok for r in same))
        while failed:
            code = failed.popleft()
            bad = next(r for r in self.rows_by_code[code] if not r.ok)
            for child in children.pop(code, []):
                if child.ok:
                    _fail(child, "parent_code", _("The parent in row %(row)d has errors, so this row is not "
                                                  "imported either.") % {"row": bad.number})
                    failed.append(child.code)

    def _dependency(self, row: _Row, existing_rows_by_path: dict[str, _Row]) -> _Row | None:
        """The nearest valid row above this one in the final tree: it must be written first."""
        ref = row.parent_ref
        if ref == _ROOT:
            return None
        if isinstance(ref, tuple) and ref[0] == "row":
            return self.rows_by_code[ref[1]][0]
        if ref == _KEEP:
            assert row.existing is not None
            start = row.existing.path[:-STEP]
        else:
            start = ref[1].path
        for end in range(len(start), 0, -STEP):
            found = existing_rows_by_path.get(start[:end])
            if found is not None:
                return found
        return None

    def _order(self) -> None:
        """Levels so that parents come first; rows that form a loop of parents are errors."""
        while True:
            valid = [r for r in self.rows if r.ok]
            by_path = {r.existing.path: r for r in valid if r.existing is not None}
            dependency = {id(r): self._dependency(r, by_path) for r in valid}
            level: dict[int, int] = {}
            loops: list[list[_Row]] = []
            for start in valid:
                trail: list[_Row] = []
                on_trail: set[int] = set()
                node: _Row | None = start
                while node is not None and id(node) not in level and id(node) not in on_trail:
                    trail.append(node)
                    on_trail.add(id(node))
                    node = dependency[id(node)]
                if node is not None and id(node) in on_trail:
                    loops.append(trail[trail.index(node):])
                    level.update((id(member), 0) for member in trail)  # settled again after the loop is dropped
                    continue
                base = level[id(node)] if node is not None else -1
                for member in reversed(trail):
                    base += 1
                    level[id(member)] = base
            if not loops:
                for row in valid:
                    row.level = level[id(row)]
                return
            for loop in loops:
                numbers = ", ".join(str(r.number) for r in sorted(loop, key=lambda r: r.number))
                for row in loop:
                    _fail(row, "parent_code", _("Rows %(rows)s name each other as parents in a loop.")
                          % {"rows": numbers})
            self._cascade()

    def _diff(self, row: _Row) -> None:
        if row.existing is None:
            return
        org = row.existing
        for name, value in row.cleaned.items():
            current = getattr(org, name)
            if name == "org_type":
                if org.org_type_id != value.pk:
                    row.changes[name] = value
            elif (current or "") != value:
                row.changes[name] = value
        ref = row.parent_ref
        if isinstance(ref, tuple) and ref[0] == "row":
            parent_row = self.rows_by_code[ref[1]][0]
            row.moves = parent_row.existing is None or parent_row.existing.path != org.path[:-STEP]
        elif isinstance(ref, tuple):
            row.moves = ref[1].path != org.path[:-STEP]


@transaction.atomic
def org_import(*, actor: Any, data: bytes, filename: str, dry_run: bool, skip_invalid: bool) -> ImportResult:
    """Create or update organisations from a spreadsheet; see the module docstring for the rules."""
    if not has_code(actor, MANAGE):
        raise PermissionDenied()
    header, rows, headers_by_key = _parse(data, filename)
    analysis = _Analysis(actor=actor, rows=rows)
    analysis.run()

    result = ImportResult(dry_run=dry_run, total_rows=len(rows), headers=header)
    valid = result.tally(rows, headers_by_key, is_update=lambda row: bool(row.changes or row.moves),
                         skip_invalid=skip_invalid)
    if not valid:
        return result
    _write(valid)
    result.written = True
    oplog.record(
        actor=actor,
        action="org.import",
        organisation=getattr(actor, "organisation", None),
        after={"file": filename, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "skipped": result.invalid_rows},
        summary=_("Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                  "%(skipped)d rows skipped.") % {
            "file": filename, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "skipped": result.invalid_rows},
    )
    return result


# ---- writing ------------------------------------------------------------------------------------------


def _write(rows: list[_Row]) -> None:
    now = timezone.now()
    _apply_field_changes([r for r in rows if r.changes], now)
    new_children = Counter(
        r.parent_ref[1] for r in rows if r.existing is None and isinstance(r.parent_ref, tuple)
        and r.parent_ref[0] == "row"
    )
    by_code = {r.code: r for r in rows}
    by_level: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        row.node = row.existing
        by_level[row.level].append(row)
    moves: list[OrgMove] = []
    for level in sorted(by_level):
        level_rows = sorted(by_level[level], key=lambda r: r.number)
        creates = [r for r in level_rows if r.existing is None]
        if creates:
            _create(creates, by_code, new_children, now=now)
        for row in level_rows:
            if row.moves:
                target = _parent_node(row, by_code)
                assert target is not None
                if target.pk is None:
                    target = Organisation.objects.get(code=target.code)
                assert row.existing is not None
                # Where it is now: earlier moves of this import may have moved it with an organisation above.
                row.existing.refresh_from_db(fields=["path", "depth", "numchild"])
                old_path = row.existing.path
                Organisation.objects.move(row.existing, target, "last-child")
                moves.append(OrgMove(old_path=old_path, new_path=row.existing.path))
    # What depends on where organisations meet (the campaigns' people overlaps) follows, once for all the moves.
    orgs_moved(moves=moves)


def _apply_field_changes(rows: list[_Row], now: Any) -> None:
    if not rows:
        return
    fields: set[str] = {"updated_at"}
    for row in rows:
        org = row.existing
        assert org is not None
        for name, value in row.changes.items():
            setattr(org, name, value)
            fields.add(name)
        if "name" in row.changes:
            org.name_initials = name_initials(org.name)
            fields.add("name_initials")
        org.updated_at = now
    Organisation.objects.bulk_update([r.existing for r in rows], sorted(fields), batch_size=500)


def _parent_node(row: _Row, by_code: dict[str, _Row]) -> Organisation | None:
    ref = row.parent_ref
    if ref == _ROOT:
        return None
    if ref == _KEEP:
        raise AssertionError("a row that keeps its parent is never created or moved")
    if ref[0] == "row":
        return by_code[ref[1]].node
    return ref[1]


def _create(rows: list[_Row], by_code: dict[str, _Row], new_children: Counter, *, now: Any) -> None:
    parents: dict[int, Organisation | None] = {id(r): _parent_node(r, by_code) for r in rows}
    existing_parents = {p.pk: p for p in parents.values() if p is not None and p.pk is not None
                        and not getattr(p, "_imported", False)}
    # Lock the parents we attach to, so a concurrent add cannot take the same child positions, and read
    # their paths afresh: earlier moves in this import may have rewritten them.
    for chunk in _chunks(sorted(existing_parents), _param_chunk()):
        locked = Organisation.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
        for pk, path, depth in locked.values_list("pk", "path", "depth"):
            existing_parents[pk].path, existing_parents[pk].depth = path, depth
    next_position = _next_positions(list(existing_parents.values()), any(p is None for p in parents.values()))
    increments: Counter = Counter()
    objs = []
    for row in rows:
        parent = parents[id(row)]
        parent_path = parent.path if parent is not None else ""
        position = next_position.get(parent_path, 1)
        next_position[parent_path] = position + 1
        depth = (parent.depth if parent is not None else 0) + 1
        path = Organisation._get_path(parent_path, depth, position)
        if len(path) != depth * STEP or len(path) > Organisation._meta.get_field("path").max_length:
            raise ValidationFailed(
                _("Row %(row)d: no more organisations fit at this place in the tree.") % {"row": row.number},
                code="tree_full",
            )
        org = Organisation(
            path=path, depth=depth, numchild=new_children.get(row.code, 0),
            name_initials=name_initials(row.cleaned["name"]), created_at=now, updated_at=now, **row.cleaned,
        )
        org._imported = True  # type: ignore[attr-defined]
        row.node = org
        objs.append(org)
        if parent is not None and not getattr(parent, "_imported", False):
            increments[parent.pk] += 1
    Organisation.objects.bulk_create(objs, batch_size=1000)
    by_increment: dict[int, list[int]] = defaultdict(list)
    for pk, count in increments.items():
        by_increment[count].append(pk)
    for count, pks in by_increment.items():
        for chunk in _chunks(sorted(pks), _param_chunk()):
            Organisation.objects.filter(pk__in=chunk).update(numchild=F("numchild") + count)


def _next_positions(parents: list[Organisation], roots: bool) -> dict[str, int]:
    """The next free child position under each existing parent (after its last child, gaps kept)."""
    result: dict[str, int] = {}
    by_depth: dict[int, list[str]] = defaultdict(list)
    for parent in parents:
        by_depth[parent.depth].append(parent.path)
    for depth, paths in by_depth.items():
        for chunk in _chunks(sorted(set(paths)), _param_chunk()):
            last_children = (
                Organisation.objects.filter(depth=depth + 1)
                .annotate(parent_path=Substr("path", 1, depth * STEP))
                .filter(parent_path__in=chunk)
                .order_by()
                .values("parent_path")
                .annotate(last=Max("path"))
            )
            for item in last_children:
                result[item["parent_path"]] = Organisation._str2int(item["last"][-STEP:]) + 1
    if roots:
        last_root = Organisation.objects.filter(depth=1).order_by().aggregate(last=Max("path"))["last"]
        result[""] = Organisation._str2int(last_root[-STEP:]) + 1 if last_root else 1
    return result


# ---- templates, error reports and exports ------------------------------------------------------------


def template_xlsx() -> bytes:
    """An empty sheet with the import's columns; the type column offers the dictionary as a dropdown."""
    return write_xlsx(
        [str(c.label) for c in COLUMNS],
        [],
        sheet_title=str(_("Organisations")),
        validations={TYPE_COLUMN_INDEX: OrgTypes.load().labels()},
    )


def error_rows_xlsx(result: ImportResult) -> bytes:
    """The rows that were not imported, as uploaded, with the reasons in an added column."""
    headers = [*result.headers, str(_("Error reason"))]
    return write_xlsx(headers, [[*raw, reason] for raw, reason in result.error_rows],
                      sheet_title=str(_("Errors")))


def export_table(orgs: Iterable[Organisation], *, show_pii: bool) -> tuple[list[str], list[list[Any]]]:
    """Organisations in the import's columns, so an exported sheet can be edited and imported again.

    A parent outside the exported set is left blank: on import, blank keeps an existing organisation where it is.
    """
    orgs = list(orgs)
    code_by_path = {org.path: org.code for org in orgs}
    rows = []
    for org in orgs:
        phone = org.contact_phone if show_pii else mask_phone(org.contact_phone)
        values = {
            "code": org.code, "name": org.name, "org_type": org.org_type.label,
            "parent_code": code_by_path.get(org.path[:-STEP], ""), "short_name": org.short_name,
            "region_code": org.region_code, "contact_person": org.contact_person, "contact_phone": phone,
            "address": org.address,
        }
        rows.append([values[c.key] for c in COLUMNS])
    return [str(c.label) for c in COLUMNS], rows
