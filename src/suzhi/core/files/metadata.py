"""Copies of stored files without author metadata, for blind review (匿名评审).

- .docx/.xlsx/.pptx: docProps/core.xml without creator and last-modified-by, docProps/app.xml without company
  and manager; the names of comment and tracked-change authors are blanked too. Every other part is copied.
- images: saved again without EXIF (images.without_exif).
- .pdf: the document information without /Author, /Creator and /Producer, and without its XMP metadata stream
  (which repeats the author), with pypdf.
- .txt: carries no metadata; served as it is.
- .doc/.xls/.ppt (their summary streams name the author) and .zip (its member names and files may) cannot be
  cleaned: a blind copy is refused with `blind_copy_unavailable`. A kind running a blind review should allow
  only BLIND_SAFE_EXTENSIONS for its attachments.
"""

import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import IO

from django.utils.translation import gettext

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import Conflict
from suzhi.core.files.checks import IMAGE_EXTENSIONS, OFFICE_EXTENSIONS, ZIP_READ_ERRORS
from suzhi.core.files.images import without_exif

BLIND_SAFE_EXTENSIONS = (*OFFICE_EXTENSIONS, "pdf", *IMAGE_EXTENSIONS, "txt")
SPOOL_BYTES = 8 << 20  # a blind copy is kept in memory up to this size, on disk beyond

# Elements of docProps/core.xml and docProps/app.xml that name people or their employer
_CORE_PEOPLE = re.compile(rb"<(dc:creator|cp:lastModifiedBy)\b[^>]*?(?:/>|>.*?</\1\s*>)", re.DOTALL)
_APP_PEOPLE = re.compile(rb"<(Company|Manager)\b[^>]*?(?:/>|>.*?</\1\s*>)", re.DOTALL)
# Authors of comments, tracked changes and threaded comments inside the parts
_AUTHOR_ATTRIBUTES = re.compile(rb'(?<![\w:-])((?:\w+:)?(?:author|initials|userId|providerId|displayName))="[^"]*"')
_PPT_AUTHOR_NAME = re.compile(rb'(?<![\w:-])(name)="[^"]*"')
_XLSX_AUTHORS = re.compile(rb"<author>.*?</author>", re.DOTALL)
_PEOPLE_PARTS = re.compile(r"^(word/(comments[^/]*|people|document|footnotes|endnotes|header\d*|footer\d*)\.xml|"
                           r"xl/(comments\d*|threadedComments/[^/]+|persons/[^/]+)\.xml|"
                           r"ppt/(commentAuthors|authors|comments/[^/]+)\.xml)$")
MAX_CLEANED_PART = 100 << 20  # a part read whole to be cleaned
_PDF_PEOPLE = ("/Author", "/Creator", "/Producer")


def unavailable(extension: str) -> Conflict:
    return Conflict(
        gettext("A copy without its author information cannot be made of a .%(ext)s file.") % {"ext": extension},
        code=CoreErrors.BLIND_COPY_UNAVAILABLE,
    )


def damaged(extension: str) -> Conflict:
    return Conflict(
        gettext("The .%(ext)s file could not be read to remove its author information.") % {"ext": extension},
        code=CoreErrors.BLIND_COPY_UNAVAILABLE,
    )


def _blank(match: re.Match[bytes]) -> bytes:
    return match.group(1) + b'=""'


def clean_part(member: str, data: bytes) -> bytes:
    """An Office part without the people it names (the parts that name none come back unchanged)."""
    if member == "docProps/core.xml":
        return _CORE_PEOPLE.sub(b"", data)
    if member == "docProps/app.xml":
        return _APP_PEOPLE.sub(b"", data)
    if _PEOPLE_PARTS.match(member):
        data = _AUTHOR_ATTRIBUTES.sub(_blank, data)
        if member.startswith("xl/comments"):
            data = _XLSX_AUTHORS.sub(b"<author></author>", data)
        if member in ("ppt/commentAuthors.xml", "ppt/authors.xml"):
            data = _PPT_AUTHOR_NAME.sub(_blank, data)
    return data


def _office_copy(path: Path, extension: str) -> IO[bytes]:
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename in ("docProps/core.xml", "docProps/app.xml") or _PEOPLE_PARTS.match(info.filename):
                    if info.file_size > MAX_CLEANED_PART:
                        raise damaged(extension)
                    target.writestr(info, clean_part(info.filename, source.read(info)), zipfile.ZIP_DEFLATED)
                    continue
                with source.open(info) as part, target.open(info, "w") as copy:
                    shutil.copyfileobj(part, copy, 1 << 16)
    except ZIP_READ_ERRORS as exc:
        out.close()
        raise damaged(extension) from exc
    except Conflict:
        out.close()
        raise
    out.seek(0)
    return out


def _pdf_copy(path: Path, extension: str) -> IO[bytes]:
    try:
        from pypdf import PdfReader, PdfWriter
        from pypdf.errors import PyPdfError
        from pypdf.generic import NameObject
    except ImportError as exc:  # pypdf is a dependency; without it, refuse rather than leak the author
        raise unavailable(extension) from exc
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response
    try:
        writer = PdfWriter(clone_from=PdfReader(path))
        info = writer.metadata
        if info is not None:
            writer.metadata = {key: value for key, value in info.items() if key not in _PDF_PEOPLE}
        writer.root_object.pop(NameObject("/Metadata"), None)  # the XMP stream repeats the author
        writer.write(out)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        out.close()
        raise damaged(extension) from exc
    out.seek(0)
    return out


def blind_copy(path: Path, extension: str) -> IO[bytes]:
    """An open file holding a copy of the stored file without author metadata, or a refusal (409)."""
    if extension in OFFICE_EXTENSIONS:
        return _office_copy(path, extension)
    if extension in IMAGE_EXTENSIONS:
        try:
            return io.BytesIO(without_exif(path))
        except (OSError, ValueError) as exc:
            raise damaged(extension) from exc
    if extension == "pdf":
        return _pdf_copy(path, extension)
    if extension == "txt":
        return open(path, "rb")  # noqa: SIM115 - handed to the response, which closes it
    raise unavailable(extension)
