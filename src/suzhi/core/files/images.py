"""Images: thumbnails made at store time and copies without EXIF (camera, GPS position, author).

Both apply the EXIF orientation first, so what is shown stands the right way up once the EXIF is gone. The
image was checked by checks.check_image (format, pixel limit) before it gets here.
"""

import io
from pathlib import Path

from PIL import Image, ImageOps

from suzhi.core.files.checks import not_what_it_says

THUMBNAIL_SIZE = 320


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _complete(path: Path) -> bool:
    """Whether the image file ends as its format ends. Pillow cannot tell us: WeasyPrint, once imported, makes it
    fill in truncated images silently (PIL.ImageFile.LOAD_TRUNCATED_IMAGES is process-wide)."""
    with path.open("rb") as file:
        head = file.read(12)
        file.seek(0, 2)
        size = file.tell()
        file.seek(max(0, size - 1024))
        tail = file.read()
    if head.startswith(b"\x89PNG"):
        return tail.endswith(_PNG_END)
    if head.startswith(b"\xff\xd8"):
        return b"\xff\xd9" in tail  # some cameras write a trailer after the end-of-image marker
    if head.startswith(b"GIF8"):
        return tail.rstrip(b"\x00").endswith(b";")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return int.from_bytes(head[4:8], "little") + 8 <= size
    return True


def make_thumbnail(path: Path, extension: str, name: str) -> tuple[bytes, str]:
    """A thumbnail of at most 320 px a side, without EXIF: (bytes, "png" or "jpg"). An image Pillow cannot
    decode, or cut short, is refused as not what its extension says."""
    if not _complete(path):
        raise not_what_it_says(name, extension)
    try:
        with Image.open(path) as image:
            if image.format == "JPEG":
                image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))  # decode at a reduced scale
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            out = io.BytesIO()
            if _has_alpha(upright):
                upright.convert("RGBA").save(out, format="PNG", optimize=True)
                return out.getvalue(), "png"
            upright.convert("RGB").save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), "jpg"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_what_it_says(name, extension) from exc


def without_exif(path: Path) -> bytes:
    """The image saved again in its own format without EXIF, XMP or text chunks, turned upright."""
    with Image.open(path) as image:
        image_format = image.format
        if image_format == "GIF":  # GIFs carry no EXIF; keep every frame, drop comments
            out = io.BytesIO()
            image.save(out, format="GIF", save_all=getattr(image, "n_frames", 1) > 1)
            return out.getvalue()
        upright = ImageOps.exif_transpose(image)
        upright.info.pop("exif", None)
        upright.info.pop("xmp", None)
        out = io.BytesIO()
        if image_format == "JPEG":
            upright.save(out, format="JPEG", quality=95)
        elif image_format == "WEBP":
            upright.save(out, format="WEBP", quality=90)
        else:
            upright.save(out, format=image_format)
        return out.getvalue()
