"""The summary table as a PDF (汇总表): read and typeset by selectors/summary.py; this records who took it, since
the award list names the first authors (as the submissions export does)."""

import dataclasses
from typing import Any

from django.db import transaction

from suzhi.collections.selectors.summary import activity_summary, summary_filename, summary_pdf
from suzhi.core import oplog


@dataclasses.dataclass(frozen=True)
class SummaryPdf:
    filename: str
    content: bytes


@transaction.atomic
def summary_pdf_logged(*, actor: Any, activity_id: Any, organisation_id: Any = None) -> SummaryPdf:
    """The PDF of the activity's summary for the organisation the actor reviews for, with its operation-log row;
    404 outside the actor's scope."""
    summary = activity_summary(user=actor, activity_id=activity_id, organisation_id=organisation_id)
    filename = summary_filename(summary)
    content = summary_pdf(summary)
    oplog.record(actor=actor, action="collection.summary_pdf", obj=summary.activity,
                 organisation=summary.organisation,
                 after={"reviewer": summary.organisation.pk, "awarded": len(summary.awarded)}, summary=filename)
    return SummaryPdf(filename=filename, content=content)
