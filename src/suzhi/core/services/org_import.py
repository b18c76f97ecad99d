"""Importing the organisation tree from Excel (组织架构导入), through the import pipeline (`suzhi.core.imports`);
the columns, template and export are in `suzhi.core.org_sheet`.

The file is checked as a whole first: every row's fields, duplicate codes, parents (in the tree or in the
file, in any order), cycles. Only then is anything written: new organisations get their materialised
paths computed here and are inserted with `bulk_create`, level by level, so ten thousand rows cost a
bounded number of queries; the rare moves of existing organisations go through treebeard.
"""

import dataclasses
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import PermissionDenied, ValidationFailed
from suzhi.core.excel import cell_text
from suzhi.core.imports import ImportResult, Sheet, read_sheet
from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation
from suzhi.core.names import name_initials
from suzhi.core.org_fields import OrgTypes, clean_org_fields
from suzhi.core.org_followers import OrgMove, orgs_moved
from suzhi.core.org_sheet import COLUMNS
from suzhi.core.params import get_param
from suzhi.core.permissions import has_code
from suzhi.core.scope import organisation_in_scope, scope_for
from suzhi.core.selectors.orgs import MANAGE

STEP = Organisation.steplen
DEFAULT_MAX_ROWS = 50000

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


def _parse(data: bytes, filename: str) -> tuple[Sheet, list[_Row]]:
    limit = get_param("org_import_max_rows", DEFAULT_MAX_ROWS) or DEFAULT_MAX_ROWS
    sheet = read_sheet(data, filename, COLUMNS, max_rows=limit)
    width, positions = sheet.width, sheet.positions
    rows = [_Row(number=number, raw=raw[:width], data={key: cell_text(raw[col]) for key, col in positions.items()})
            for number, raw in zip(sheet.numbers, sheet.rows, strict=True)]
    return sheet, rows


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
    sheet, rows = _parse(data, filename)
    analysis = _Analysis(actor=actor, rows=rows)
    analysis.run()

    result = ImportResult.of(sheet, dry_run=dry_run)
    valid = result.tally(rows, sheet.titles, is_update=lambda row: bool(row.changes or row.moves),
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
                code=CoreErrors.TREE_FULL,
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
