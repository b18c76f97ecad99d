"""Attachments of a judged submission, served to its judges and to the organisers of the judging (the links of
the judge's sheet come from selectors.judged). Thin: the selector decides who may have the file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse

from suzhi.collections.selectors.judged import judged_attachment_for
from suzhi.core.files.serving import file_response
from suzhi.core.web import AuthedHttpRequest


@login_required
def judged_attachment(request: AuthedHttpRequest, activity_id: int, entry_source: str, ref: str) -> FileResponse:
    """A file of an entry the user judges or manages; without author metadata and named after the entry's blind
    label in a blind review."""
    stored, name, blind = judged_attachment_for(user=request.user, activity_id=activity_id, source=entry_source,
                                                ref=ref)
    return file_response(request=request, stored=stored, download_name=name, strip_metadata=blind)
