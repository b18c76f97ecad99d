"""Taking submissions out as .xlsx (导出): the file is read by selectors/exports.py; this records who exported what,
since the authors' names (and, for those with the right, their phones) leave with it."""

import dataclasses
from typing import Any

from django.db import transaction

from suzhi.collections.selectors.exports import ExportFilters, SubmissionsExport, submissions_export
from suzhi.core import oplog


@transaction.atomic
def submissions_export_logged(*, actor: Any, activity_id: Any, filters: ExportFilters) -> SubmissionsExport:
    """The export of the activity's submissions in the actor's scope, with its operation-log row."""
    export = submissions_export(user=actor, activity_id=activity_id, filters=filters)
    oplog.record(actor=actor, action="collection.export", organisation=getattr(actor, "organisation", None),
                 after={"rows": export.rows, "filters": dataclasses.asdict(filters)},
                 summary=export.filename)
    return export
