"""The checks of an uploaded file, pure (they read, never write): its type among those allowed, its size, and
its content against its extension. Each refusal is a ValidationFailed with a declared code and a Chinese message
naming the file.

Content: .docx/.xlsx/.pptx must be a zip holding [Content_Types].xml declaring the right main part and the
word/, xl/ or ppt/ parts; .pdf must start with %PDF-; images by their magic bytes, then by Pillow, which must
read the same format with no more than settings.SUZHI_FILES_MAX_PIXELS pixels (a decompression bomb's header
claims far more); .doc/.xls/.ppt by the compound-file (OLE) header; .txt must be UTF-8 or GB18030 without NUL
bytes; .zip must be a valid zip whose members stay inside it (no absolute paths, no '..'). A zip of any kind
may unpack to at most settings.SUZHI_SHEET_MAX_UNZIPPED_BYTES.
"""

import codecs
import dataclasses
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed

CHUNK = 1 << 16
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ZIP_MEMBERS = 10_000
MAX_CONTENT_TYPES_BYTES = 1 << 20
# What reading a damaged, encrypted or oddly compressed zip member raises
ZIP_READ_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error)


@dataclasses.dataclass(frozen=True)
class FileKind:
    label: str | Promise  # what the file should be, for messages: "Word 文档"
    content_type: str
    # Office Open XML: the folder of its parts and the content type of its main part
    office_folder: str = ""
    office_main: tuple[str, ...] = ()
    image_format: str = ""  # Pillow's name of the format
    magic: tuple[bytes, ...] = ()


_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_SLIDES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"

KINDS: dict[str, FileKind] = {
    "docx": FileKind(_("Word document"),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     office_folder="word/", office_main=(_WORD_MAIN,)),
    "xlsx": FileKind(_("Excel workbook"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     office_folder="xl/", office_main=(_EXCEL_MAIN,)),
    "pptx": FileKind(_("PowerPoint presentation"),
                     "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                     office_folder="ppt/", office_main=(_SLIDES_MAIN,)),
    "pdf": FileKind(_("PDF document"), "application/pdf", magic=(b"%PDF-",)),
    "jpg": FileKind(_("JPEG image"), "image/jpeg", image_format="JPEG", magic=(b"\xff\xd8\xff",)),
    "jpeg": FileKind(_("JPEG image"), "image/jpeg", image_format="JPEG", magic=(b"\xff\xd8\xff",)),
    "png": FileKind(_("PNG image"), "image/png", image_format="PNG", magic=(b"\x89PNG\r\n\x1a\n",)),
    "gif": FileKind(_("GIF image"), "image/gif", image_format="GIF", magic=(b"GIF87a", b"GIF89a")),
    "webp": FileKind(_("WebP image"), "image/webp", image_format="WEBP"),  # RIFF....WEBP, checked below
    "doc": FileKind(_("Word 97-2003 document"), "application/msword", magic=(OLE_MAGIC,)),
    "xls": FileKind(_("Excel 97-2003 workbook"), "application/vnd.ms-excel", magic=(OLE_MAGIC,)),
    "ppt": FileKind(_("PowerPoint 97-2003 presentation"), "application/vnd.ms-powerpoint", magic=(OLE_MAGIC,)),
    "txt": FileKind(_("plain text file"), "text/plain"),  # the charset found is added
    "zip": FileKind(_("zip archive"), "application/zip"),
}
SUPPORTED_EXTENSIONS = tuple(KINDS)
IMAGE_EXTENSIONS = tuple(ext for ext, kind in KINDS.items() if kind.image_format)
OFFICE_EXTENSIONS = tuple(ext for ext, kind in KINDS.items() if kind.office_folder)


def extension_of(name: str) -> str:
    """The extension of a file name, lower case and without the dot ("" when it has none)."""
    base = re.split(r"[\\/]", name or "")[-1]
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].strip().lower()


def display_name(name: str, *, limit: int = 80) -> str:
    """An uploaded name fit for a message or a list: its last path part, without control characters, at most
    `limit` characters long."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base[:limit - 1] + "…") if len(base) > limit else (base or gettext("(no name)"))


def allowed_extensions(allowed: Iterable[str]) -> tuple[str, ...]:
    """The allowed types as extensions ("DOCX" and ".docx" are "docx"); one this module cannot check is a
    programming or plan error, not the uploader's."""
    result = tuple(dict.fromkeys(str(ext).strip().lstrip(".").lower() for ext in allowed))
    unknown = [ext for ext in result if ext not in KINDS]
    if unknown:
        raise ValueError(f"file types {unknown} cannot be checked; supported: {', '.join(SUPPORTED_EXTENSIONS)}")
    return result


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, detail=[{"field": "file", "message": message}])


def not_what_it_says(name: str, extension: str) -> ValidationFailed:
    return _refuse(
        gettext("“%(name)s” is not a valid %(kind)s: its content does not match the extension .%(ext)s.")
        % {"name": display_name(name), "kind": KINDS[extension].label, "ext": extension},
        CoreErrors.FILE_CONTENT_MISMATCH,
    )


def check_type(name: str, allowed: Iterable[str]) -> str:
    """The upload's extension, if it is one of `allowed`."""
    extensions = allowed_extensions(allowed)
    extension = extension_of(name)
    if extension not in extensions:
        listed = "、".join(f".{ext}" for ext in extensions)
        if not extension:
            message = gettext("“%(name)s” has no file type (extension); accepted here: %(allowed)s.")
        else:
            message = gettext("“%(name)s” is a .%(ext)s file; accepted here: %(allowed)s.")
        raise _refuse(message % {"name": display_name(name), "ext": extension, "allowed": listed},
                      CoreErrors.FILE_TYPE_NOT_ALLOWED)
    return extension


def max_bytes_of(max_mb: float) -> int:
    return int(max_mb * 2**20)


def check_size(name: str, size: int | None, max_mb: float) -> None:
    """Refuse an empty file, or one over `max_mb` MB (`size` None: not known yet)."""
    if size is None:
        return
    if size == 0:
        raise _refuse(gettext("“%(name)s” is empty.") % {"name": display_name(name)}, CoreErrors.EMPTY_FILE)
    if size > max_bytes_of(max_mb):
        raise _refuse(gettext("“%(name)s” is larger than %(mb)s MB.") % {"name": display_name(name),
                                                                           "mb": f"{max_mb:g}"},
                      CoreErrors.FILE_TOO_LARGE)


def check_content(path: Path, extension: str, name: str) -> str:
    """Refuse a file whose content is not what its extension says (see the module's description); returns the
    content type to serve it with."""
    kind = KINDS[extension]
    with open(path, "rb") as file:
        head = file.read(16)
    if kind.magic and not head.startswith(kind.magic):
        raise not_what_it_says(name, extension)
    if extension == "webp" and not (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise not_what_it_says(name, extension)
    if kind.image_format:
        check_image(path, extension, name)
    elif kind.office_folder:
        _check_office(path, extension, name)
    elif extension == "zip":
        _open_zip(path, extension, name).close()
    elif extension == "txt":
        return f"text/plain; charset={_text_encoding(path, name)}"
    return kind.content_type


def check_image(path: Path, extension: str, name: str) -> None:
    """Pillow reads the image's header as the format its extension says, within the pixel limit."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image_format, (width, height) = image.format, image.size
    except Image.DecompressionBombError as exc:
        raise too_many_pixels(name) from exc
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's ways of saying it cannot read the file
        raise not_what_it_says(name, extension) from exc
    if image_format != KINDS[extension].image_format:
        raise not_what_it_says(name, extension)
    if width * height > settings.SUZHI_FILES_MAX_PIXELS:
        raise too_many_pixels(name)


def too_many_pixels(name: str) -> ValidationFailed:
    return _refuse(
        gettext("“%(name)s” has more pixels than an image may have here (at most %(max)s million).")
        % {"name": display_name(name), "max": f"{settings.SUZHI_FILES_MAX_PIXELS / 1e6:g}"},
        CoreErrors.FILE_UNSAFE,
    )


def _unsafe_member(member: str) -> bool:
    if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member):
        return True
    return ".." in re.split(r"[\\/]", member)


def _open_zip(path: Path, extension: str, name: str) -> zipfile.ZipFile:
    """The zip, its member paths inside it, its declared unpacked size within the limit."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_what_it_says(name, extension) from exc
    members = archive.infolist()
    total = sum(info.file_size for info in members)
    limit = settings.SUZHI_SHEET_MAX_UNZIPPED_BYTES
    if len(members) > MAX_ZIP_MEMBERS or total > limit:
        archive.close()
        raise _refuse(gettext("“%(name)s” would unpack to more than %(mb)d MB or %(n)d files.")
                      % {"name": display_name(name), "mb": limit // 2**20, "n": MAX_ZIP_MEMBERS},
                      CoreErrors.FILE_UNSAFE)
    for info in members:
        if _unsafe_member(info.filename):
            archive.close()
            raise _refuse(gettext("“%(name)s” holds a file whose path leaves the archive (%(member)s).")
                          % {"name": display_name(name), "member": display_name(info.filename)},
                          CoreErrors.FILE_UNSAFE)
    return archive


def read_member(archive: zipfile.ZipFile, member: str, limit: int) -> bytes | None:
    """A zip member's bytes, at most `limit` of them (None when it is absent or longer)."""
    try:
        info = archive.getinfo(member)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with archive.open(info) as part:
        data = part.read(limit + 1)
    return data if len(data) <= limit else None


def _check_office(path: Path, extension: str, name: str) -> None:
    kind = KINDS[extension]
    with _open_zip(path, extension, name) as archive:
        names = archive.namelist()
        try:
            content_types = read_member(archive, "[Content_Types].xml", MAX_CONTENT_TYPES_BYTES)
        except ZIP_READ_ERRORS as exc:
            raise not_what_it_says(name, extension) from exc
    has_parts = any(member.startswith(kind.office_folder) for member in names)
    declares_main = content_types is not None and any(main.encode() in content_types for main in kind.office_main)
    if not (has_parts and declares_main):
        raise not_what_it_says(name, extension)


def _text_encoding(path: Path, name: str) -> str:
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as file:
                while chunk := file.read(CHUNK):
                    if b"\x00" in chunk:
                        raise UnicodeDecodeError(encoding, chunk, 0, 1, "NUL byte")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise _refuse(gettext("“%(name)s” is not plain text in UTF-8 or GB18030.") % {"name": display_name(name)},
                  CoreErrors.FILE_CONTENT_MISMATCH)
