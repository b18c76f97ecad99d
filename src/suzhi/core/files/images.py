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


def make_thumbnail(path: Path, extension: str, name: str) -> tuple[bytes, str]:
    """A thumbnail of at most 320 px a side, without EXIF: (bytes, "png" or "jpg"). An image Pillow cannot
    decode is refused as not what its extension says."""
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
