"""Storing uploaded attachments (suzhi.core.files): `file_store`."""

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction

from suzhi.core import oplog
from suzhi.core.files import checks, images, storage
from suzhi.core.models import Organisation, StoredFile

LOGGED_FIELDS = ("extension", "size", "sha256", "content_type")


def _stream_to_disk(upload: File, temporary: Path, name: str, max_mb: float) -> tuple[int, str]:
    """Write the upload chunk by chunk, stopping as soon as it passes the limit; (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    limit = checks.max_bytes_of(max_mb)
    with open(temporary, "xb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                checks.check_size(name, size, max_mb)
            digest.update(chunk)
            out.write(chunk)
        out.flush()
    checks.check_size(name, size, max_mb)  # an empty file
    return size, digest.hexdigest()


@transaction.atomic
def file_store(
    *,
    actor: Any,
    upload: File,
    allowed: Sequence[str],
    max_mb: float,
    organisation: Organisation,
) -> StoredFile:
    """Check an upload and keep it, owned by `organisation` (whose scope decides who sees it; the caller has
    checked the actor may add files there). Refused with a Chinese message naming the file (ValidationFailed,
    422): a type not in `allowed` (extensions such as "docx"; see checks.SUPPORTED_EXTENSIONS), more than
    `max_mb` MB, content that does not match the extension. An image gets a thumbnail. The file lies under a
    random key in settings.SUZHI_FILES_DIR and is removed again if the transaction rolls back."""
    name = upload.name or ""
    extension = checks.check_type(name, allowed)
    checks.check_size(name, upload.size, max_mb)
    written: list[Path] = []
    temporary = storage.temporary_path()
    temporaries = [temporary]
    try:
        size, sha256 = _stream_to_disk(upload, temporary, name, max_mb)
        content_type = checks.check_content(temporary, extension, name)
        key = storage.new_key()
        thumbnail_key = None
        if extension in checks.IMAGE_EXTENSIONS:
            data, thumbnail_format = images.make_thumbnail(temporary, extension, name)
            thumbnail_key = storage.thumbnail_key(key, thumbnail_format)
            thumbnail_temporary = storage.temporary_path()
            temporaries.append(thumbnail_temporary)
            thumbnail_temporary.write_bytes(data)
            written.append(storage.move_into_place(thumbnail_temporary, thumbnail_key))
        written.append(storage.move_into_place(temporary, key))
        stored = StoredFile.objects.create(
            sha256=sha256, size=size, extension=extension, content_type=content_type, organisation=organisation,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            original_name=checks.display_name(name, limit=255), storage_key=key, thumbnail_key=thumbnail_key,
        )
        oplog.record(actor=actor, action="file.store", obj=stored, organisation=organisation,
                     after=oplog.snapshot(stored, LOGGED_FIELDS))
    except BaseException:
        for path in (*temporaries, *written):
            path.unlink(missing_ok=True)
        raise
    storage.remove_unless_committed(written)
    return stored
