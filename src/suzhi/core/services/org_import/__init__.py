"""Importing the organisation tree from Excel (组织架构导入), through the import pipeline (`suzhi.core.imports`);
the columns, template and export are in `suzhi.core.org_sheet`; the rows (rows.py), the checks before writing
(analysis.py) and the writing (writing.py) are in this package.

The file is checked as a whole first: every row's fields, duplicate codes, parents (in the tree or in the
file, in any order), cycles. Only then is anything written: new organisations get their materialised
paths computed here and are inserted with `bulk_create`, level by level, so ten thousand rows cost a
bounded number of queries; the rare moves of existing organisations go through treebeard.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import PermissionDenied
from suzhi.core.imports import ImportResult
from suzhi.core.permissions import has_code
from suzhi.core.selectors.orgs import MANAGE
from suzhi.core.services.org_import.analysis import _Analysis
from suzhi.core.services.org_import.rows import _parse
from suzhi.core.services.org_import.writing import _write


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
