"""Serving a stored file: `file_response`.

It checks NO access. The caller's view first decides that the user may have this file: it finds the object the
file belongs to (a submission, a report) through its own scoped selector, so an object outside the caller's
scope answers 404 before any file is touched, and only then calls `file_response` with the `StoredFile` it
reached through that object, never with one looked up by an id from the request alone.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control

from suzhi.core.files import storage
from suzhi.core.files.metadata import blind_copy
from suzhi.core.models import StoredFile

MAX_NAME = 120


def safe_download_name(download_name: str, extension: str) -> str:
    """The caller's name made safe for a download: path separators and control characters replaced, no leading
    dots, at most 120 characters, ending in the stored file's extension."""
    name = "".join("_" if unicodedata.category(ch)[0] == "C" else ch for ch in download_name or "")
    name = re.sub(r"[\\/:*?\"<>|]", "_", name).strip().lstrip(".").strip()
    suffix = f".{extension}"
    if name.lower().endswith(suffix):
        name = name[: -len(suffix)]
    name = name[: MAX_NAME - len(suffix)].rstrip(". ") or "file"
    return name + suffix


def content_disposition(name: str, *, attachment: bool = True) -> str:
    """RFC 6266 with the RFC 5987 UTF-8 name and an ASCII fallback for old clients."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    if not re.search(r"[A-Za-z0-9]", fallback.rsplit(".", 1)[0]):
        fallback = "file." + name.rsplit(".", 1)[-1] if "." in name else "file"
    disposition = "attachment" if attachment else "inline"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    *,
    request: HttpRequest,
    stored: StoredFile,
    download_name: str,
    strip_metadata: bool = False,
    thumbnail: bool = False,
) -> FileResponse:
    """The stored file as a download named `download_name` (give a name without personal data, such as
    "合理化建议-A-0123-附件1.docx"; it is made safe and given the file's extension).

    `strip_metadata=True` (blind review) serves a copy without author metadata (suzhi.core.files.metadata),
    or refuses with 409 `blind_copy_unavailable` for a type that cannot be cleaned. `thumbnail=True` serves
    the image's thumbnail inline (404 when the file has none); thumbnails never carry EXIF.

    ACCESS IS NOT CHECKED HERE: the caller must have reached `stored` through its own scoped selector."""
    if thumbnail:
        if not stored.thumbnail_key:
            raise Http404
        extension = stored.thumbnail_key.rsplit(".", 1)[-1]
        content_type = "image/png" if extension == "png" else "image/jpeg"
        stem = safe_download_name(download_name, stored.extension).rsplit(".", 1)[0]
        name, attachment = f"{stem}.{extension}", False
        path = storage.path_of(stored.thumbnail_key)
    else:
        name, attachment, content_type = (safe_download_name(download_name, stored.extension), True,
                                          stored.content_type)
        path = storage.path_of(stored.storage_key)
    if not path.is_file():
        raise Http404
    body = blind_copy(path, stored.extension) if strip_metadata and not thumbnail else open(path, "rb")  # noqa: SIM115
    response = FileResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, attachment=attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response
