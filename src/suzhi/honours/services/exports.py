"""Taking the honours roll out as .xlsx: the file is read by selectors/exports.py; this records who exported
what, since the recipients' names leave with it."""

from typing import Any

from django.db import transaction

from suzhi.core import oplog
from suzhi.honours.selectors.exports import RollExport, roll_export


@transaction.atomic
def roll_export_logged(*, actor: Any, campaign_id: Any, org_id: Any = None) -> RollExport:
    """The roll of the campaign in the actor's scope as .xlsx, with its operation-log row."""
    export = roll_export(user=actor, campaign_id=campaign_id, org_id=org_id)
    oplog.record(actor=actor, action="honours.export", organisation=getattr(actor, "organisation", None),
                 after={"rows": export.rows, "campaign": export.campaign.code,
                        "organisation": "" if org_id in (None, "") else str(org_id)},
                 summary=export.filename)
    return export
