"""Uploaded attachments (附件), one module for every kind that takes files: collections, unit reports, publicity.

- `suzhi.core.services.files.file_store(*, actor, upload, allowed, max_mb, organisation) -> StoredFile` checks an
  upload (its type among `allowed`, its size, its content against its extension), streams it to disk under a
  random name in settings.SUZHI_FILES_DIR (outside the web root and the static files), makes an image's thumbnail,
  and writes the `StoredFile` row (core/models/files.py) with an operation-log row. A file whose transaction rolls
  back is removed.
- `suzhi.core.files.serving.file_response(*, request, stored, download_name, strip_metadata=False,
  thumbnail=False) -> HttpResponse` serves it as an attachment named by the caller (never by the uploaded name),
  optionally as a copy without author metadata (blind review). It checks NO access: the caller's view first
  finds the object the file belongs to through its own scoped selector (404 outside the scope), then serves.
- checks.py: the pure checks (types, sizes, content); images.py: thumbnails and EXIF; metadata.py: copies
  without author metadata; storage.py: where files lie on disk.

Each `StoredFile` counts as a use of its organisation (core/org_usage.py), so a unit with files is not deleted.
Not built yet: a sweep of files no row references any more (a kind's row deleted) and of files a crashed process
left on disk without a row.
"""
