"""Writing the checked rows: new organisations level by level with their materialised paths computed here
(`bulk_create`), field changes in bulk, the rare moves through treebeard."""

from collections import Counter, defaultdict
from typing import Any

from django.db.models import F, Max
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed
from suzhi.core.models import Organisation
from suzhi.core.names import name_initials
from suzhi.core.org_followers import OrgMove, orgs_moved
from suzhi.core.services.org_import.rows import _KEEP, _ROOT, STEP, _chunks, _param_chunk, _Row


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

