"""What expert judges see of an accepted submission (suzhi.judging calls this through the manifest's
`judged_content`): its title, the form's answers in the form's order and links to its attachments. In a blind
review the answers that name people or organisations (person and organisation fields) are left out (attachment
fields always are: their files are the links); judging itself hides the author, the unit and the file names.

The attachments are served to judges by `judged_attachment_for`: only to a judge assigned to the entry or to an
organiser managing the activity's judging, under the entry's blind label and without document metadata when the
review is blind."""

from typing import Any

from django.urls import reverse

from suzhi.campaigns.formdefs.fields import OrganisationDef, PersonDef
from suzhi.campaigns.models import Activity
from suzhi.collections.display import shown_values
from suzhi.collections.levels import settings_of
from suzhi.collections.models import Submission
from suzhi.collections.selectors.attachments import attachment_fields, attachments_in, download_name
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import StoredFile
from suzhi.judging.access import judging_settings
from suzhi.judging.content import JudgedContent
from suzhi.judging.manifest import MANAGE
from suzhi.judging.models import Entry
from suzhi.judging.selectors.sheets import assigned_to

SOURCE = "submission:"


def entry_source(submission: Submission) -> str:
    return f"{SOURCE}{submission.pk}"


def _submission_id(source: str) -> int | None:
    number = source.removeprefix(SOURCE)
    return int(number) if source.startswith(SOURCE) and number.isdigit() else None


def judged_attachment_url(activity_id: int, source: str, ref: str) -> str:
    return reverse("collections:judged_attachment", args=[activity_id, source, ref])


def judged_content(activity: Activity, sources: list[str], *, blind: bool) -> dict[str, JudgedContent]:
    ids = [number for number in map(_submission_id, sources) if number is not None]
    form = settings_of(activity).form
    # Attachment fields are given as links (`attachments`), never as answers: their values carry uploaded names.
    hidden = {f.key for f in attachment_fields(form)}
    if blind and form is not None:
        hidden |= {f.key for f in form.fields if isinstance(f, PersonDef | OrganisationDef)}
    result = {}
    for submission in Submission.objects.filter(activity=activity, pk__in=ids).only("pk", "title", "values"):
        values: dict[str, Any] = {k: v for k, v in (submission.values or {}).items() if k not in hidden}
        shown_form = form.model_copy(update={"fields": [f for f in form.fields if f.key not in hidden]}) \
            if form is not None else None
        source = entry_source(submission)
        result[source] = JudgedContent(
            title=submission.title, fields=tuple(shown_values(shown_form, values)),
            attachments=tuple((a.name, judged_attachment_url(activity.pk, source, a.ref))
                              for a in attachments_in(form, submission.values)))
    return result


def judged_attachment_for(*, user: Any, activity_id: Any, source: str, ref: Any) -> tuple[StoredFile, str, bool]:
    """(the stored file, its download name, whether the review is blind) of attachment `ref` of the submission
    judged as entry `source` of the activity. Only a judge assigned to that entry or an organiser with
    judging.manage over the activity gets it; 404 for anyone else, and for a ref the submission does not hold.
    The name never is the uploaded one: the entry's blind label ("K-0427-附件1") in a blind review."""
    submission_id = _submission_id(source)
    entry = Entry.objects.filter(activity_id=activity_id, source=source).select_related(
        "activity__organiser").first() if str(activity_id).isdigit() and submission_id is not None else None
    if entry is None or not (assigned_to(user).filter(entry=entry).exists()
                             or scope.organisation_in_scope(user, MANAGE, entry.activity.organiser)):
        raise NotFound()
    submission = Submission.objects.filter(activity_id=entry.activity_id, pk=submission_id or 0).select_related(
        "activity").first()
    if submission is None:
        raise NotFound()
    attachment = next((a for a in attachments_in(settings_of(submission.activity).form, submission.values)
                       if a.ref == str(ref)), None)
    stored = StoredFile.objects.filter(pk=attachment.ref, organisation_id=submission.organisation_id).first() \
        if attachment is not None else None
    if attachment is None or stored is None:
        raise NotFound()
    blind = judging_settings(entry.activity).blind
    name = f"{entry.blind_label}-附件{attachment.number}" if blind else download_name(submission, attachment)
    return stored, name, blind
