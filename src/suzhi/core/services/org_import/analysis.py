"""Everything decided before writing: which rows are valid, what each does, in which order."""

from collections import defaultdict, deque
from typing import Any

from django.utils.translation import gettext as _

from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation
from suzhi.core.org_fields import OrgTypes, clean_org_fields
from suzhi.core.scope import organisation_in_scope, scope_for
from suzhi.core.selectors.orgs import MANAGE
from suzhi.core.services.org_import.rows import _KEEP, _ROOT, STEP, _fail, _load_existing, _Row


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
