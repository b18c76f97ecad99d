"""Importing rosters (人员导入) from the sheets units already keep.

Every row is checked before the import counts as written: each row's values (normalised by
`suzhi.people.validation`), its organisation (code, name path or unique name, inside the importer's
scope), duplicates inside the file, and the people already on record. New people go in as prepared
rows (multi-row INSERTs on SQLite; on PostgreSQL COPYs sent by a second thread while later rows are
still being checked, inside a savepoint undone if the file is not to be written) with primary keys
reserved beforehand, changed ones with `bulk_update`: the number of queries grows with the number of
chunks, never with the number of rows.

`reading` finds the header and the data rows (through the import pipeline, `suzhi.core.imports`), `cleaning`
checks them, `writing` stores them; this module is the service. The columns and template are in
`suzhi.people.sheet`.

Speed goal (bench/people_import.py): a 100,000-row file imports in at most four times the time
python-calamine alone takes to read it. Hence the per-column rules chosen once per file and memoised
per distinct text, and no ORM machinery per row or per IN-list value.
"""

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import NotFound, PermissionDenied
from suzhi.core.imports import ImportResult
from suzhi.core.models import Organisation
from suzhi.core.permissions import has_code
from suzhi.core.scope import organisation_in_scope
from suzhi.people.services.imports.bulk import _bulk_write_cache
from suzhi.people.services.imports.cells import _Cleaners, _Dictionaries
from suzhi.people.services.imports.cleaning import _check, _FileFacts, _gather
from suzhi.people.services.imports.common import IMPORT, _id_type_lookup, _Row
from suzhi.people.services.imports.reading import _parse
from suzhi.people.services.imports.writing import _check_and_write
from suzhi.people.services.refusals import id_numbers_refused_record

__all__ = ["IMPORT", "default_organisation", "people_import"]


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
    sheet, rows = _parse(data, filename)
    columns = sheet.positions
    cleaners = _Cleaners(_Dictionaries(), _id_type_lookup())
    facts = _gather(actor=actor, rows=rows, columns=columns, cleaners=cleaners)
    checked = _check(rows=rows, columns=columns, cleaners=cleaners, facts=facts, default_org=default_org)
    result = ImportResult.of(sheet, dry_run=dry_run)

    def tally() -> list[_Row]:
        return result.tally(rows, sheet.titles, is_update=lambda row: bool(row.changes or row.categories_change),
                            skip_invalid=skip_invalid)

    if dry_run:
        for _chunk in checked:
            pass
        tally()
        _log_refused(actor=actor, facts=facts, filename=filename, default_org=default_org, dry_run=True)
        return result
    with _bulk_write_cache():
        valid = _check_and_write(actor=actor, checked=checked, facts=facts, skip_invalid=skip_invalid, tally=tally)
    _log_refused(actor=actor, facts=facts, filename=filename, default_org=default_org, dry_run=False)
    if not valid:
        return result
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


def _log_refused(*, actor: Any, facts: _FileFacts, filename: str, default_org: Organisation | None,
                 dry_run: bool) -> None:
    """The file's ID numbers held by people outside the importer's scope (their rows were refused without
    saying so), in the operation log, masked; previews too, since a preview is where such a probe happens."""
    refused = [number for (_type, number), person in facts.existing.items() if person.pk not in facts.in_scope]
    if refused:
        source = (_("Roster import preview of %(file)s") if dry_run else _("Roster import of %(file)s")) % {
            "file": filename}
        id_numbers_refused_record(actor=actor, id_numbers=refused, organisation=default_org, source=source)
