"""Reads of a submission's attachments: the files of the submission's values, as the page lists them, and one
file for a download, reached only through a submission the user may see (submissions.submission_detail) and
only by a `ref` that submission's values hold."""

import dataclasses
from typing import Any

from suzhi.campaigns.formdefs.fields import AttachmentDef, FormDef
from suzhi.collections.levels import settings_of
from suzhi.collections.models import Submission
from suzhi.collections.selectors.submissions import submission_detail
from suzhi.core.errors import NotFound
from suzhi.core.files.checks import IMAGE_EXTENSIONS
from suzhi.core.models import StoredFile


@dataclasses.dataclass(frozen=True)
class Attachment:
    number: int  # 1, 2, … over the whole submission, in the form's order
    label: str  # the field's label
    name: str  # the name it was uploaded under (shown to those who may see the submission)
    size: int
    ref: str
    extension: str

    @property
    def is_image(self) -> bool:
        return self.extension in IMAGE_EXTENSIONS


def attachment_fields(form: FormDef | None) -> list[AttachmentDef]:
    """The form's attachment fields (tables' attachment columns excepted), in the form's order."""
    return [field for field in form.fields if isinstance(field, AttachmentDef)] if form is not None else []


def attachments_of(submission: Submission) -> list[Attachment]:
    """The stored files of the submission's attachment fields (entries without a stored file left out)."""
    return attachments_in(settings_of(submission.activity).form, submission.values)


def attachments_in(form: FormDef | None, values: dict[str, Any] | None) -> list[Attachment]:
    """The stored files that `values` of `form` hold, numbered over the whole form."""
    found: list[Attachment] = []
    for field in attachment_fields(form):
        for entry in (values or {}).get(field.key) or []:
            if isinstance(entry, dict) and str(entry.get("ref") or "").isdigit():
                name = str(entry.get("name") or "")
                found.append(Attachment(number=len(found) + 1, label=field.label, name=name,
                                        size=int(entry.get("size") or 0), ref=str(entry["ref"]),
                                        extension=name.rsplit(".", 1)[-1].lower() if "." in name else ""))
    return found


def download_name(submission: Submission, attachment: Attachment) -> str:
    """"<item>-<submission id>-附件<n>": no person's name, whatever the file was called."""
    return f"{settings_of(submission.activity).item}-{submission.pk}-附件{attachment.number}"


def attachment_for(*, user: Any, submission_id: Any, ref: Any) -> tuple[StoredFile, str]:
    """(the stored file, its download name) of attachment `ref` of a submission `user` may see; 404 when the
    submission is out of their sight or its values hold no such file."""
    submission = submission_detail(user=user, submission_id=submission_id)
    attachment = next((a for a in attachments_of(submission) if a.ref == str(ref)), None)
    stored = StoredFile.objects.filter(pk=attachment.ref, organisation_id=submission.organisation_id).first() \
        if attachment is not None else None
    if attachment is None or stored is None:
        raise NotFound()
    return stored, download_name(submission, attachment)
