"""A submission's attachments (附件): uploads kept with the shared file store (suzhi.core.services.files) inside
the submission service's transaction, each form value entry {name, size, ref} pointing at its StoredFile by
`ref`. An entry's `ref` is either a file stored now or one the submission already held under the same field,
so a client can never point a submission at another one's file. Attachment columns of tables are not stored."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from suzhi.campaigns.formdefs.fields import AttachmentDef, FormDef
from suzhi.collections.error_codes import CollectionErrors
from suzhi.collections.selectors.attachments import attachment_fields
from suzhi.core.errors import ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.core.services.files import file_store

Uploads = Mapping[str, Sequence[UploadedFile]]


def attachment_field(form: FormDef | None, key: str) -> AttachmentDef:
    field = form.field(key) if form is not None else None
    if not isinstance(field, AttachmentDef):
        raise ValidationFailed(_("“%(key)s” is not an attachment field of the form.") % {"key": key},
                               code=CollectionErrors.ATTACHMENT_FIELD, detail=[{"field": key}])
    return field


def with_uploads(form: FormDef | None, values: dict[str, Any] | None, files: Uploads | None) -> dict[str, Any]:
    """The values with each uploaded field's new files in place of what was sent for it, so the form's checks
    (type by name, size, number of files) run on them."""
    values = dict(values or {})
    for key, uploads in (files or {}).items():
        if uploads:
            attachment_field(form, key)
            values[key] = list(uploads)
    return values


def _known(form: FormDef | None, values: Mapping[str, Any] | None) -> dict[str, dict[str, dict[str, Any]]]:
    """{field key: {ref: stored entry}} of what a submission holds."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for field in attachment_fields(form):
        entries = (values or {}).get(field.key)
        found[field.key] = {str(entry.get("ref")): dict(entry) for entry in entries or []
                            if isinstance(entry, dict) and entry.get("ref")}
    return found


def attachments_store(*, actor: User, form: FormDef | None, values: dict[str, Any], files: Uploads | None,
                      organisation: Organisation, stored_before: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The cleaned `values` (made with `with_uploads`) with every uploaded file stored for `organisation` and its
    entry's `ref` set; every other entry must be one the submission held before (`stored_before`), which it is
    kept as. Runs inside the caller's transaction: the files go away again if it rolls back. A file the store
    refuses raises its Chinese message (ValidationFailed, 422)."""
    values = dict(values)
    known = _known(form, stored_before)
    for field in attachment_fields(form):
        entries = values.get(field.key)
        if not entries:
            continue
        uploads = list((files or {}).get(field.key) or [])
        kept = []
        for index, entry in enumerate(entries):
            if uploads:
                stored = file_store(actor=actor, upload=uploads[index], allowed=field.extensions,
                                    max_mb=field.max_size_mb, organisation=organisation)
                kept.append({**entry, "ref": str(stored.pk)})
                continue
            before = known.get(field.key, {}).get(str(entry.get("ref") or ""))
            if before is None:
                raise ValidationFailed(_("“%(name)s” in “%(label)s” was not uploaded; upload the file again.")
                                       % {"name": entry.get("name", ""), "label": field.label},
                                       code=CollectionErrors.ATTACHMENT_UNKNOWN, detail=[{"field": field.key}])
            kept.append(before)
        values[field.key] = kept
    return values
