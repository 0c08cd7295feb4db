"""Small JPEG copies of uploaded photos, for galleries.

One function for every app: a thumbnail is made when a photo is saved, from the file as
uploaded, turned upright as its camera said (EXIF orientation) and with any transparency
laid on white (JPEG has none). An image Pillow cannot read, too large, or damaged gives no
thumbnail rather than an error: the file itself is kept and listed as a document. (Whether
a merely truncated image still gives one follows Pillow's `LOAD_TRUNCATED_IMAGES`, which
WeasyPrint turns on once imported; uploads refuse truncated images before this point.)
"""

import contextlib
import io
import logging
import warnings
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from .uploads import IMAGE_FORMATS, MAX_IMAGE_PIXELS

log = logging.getLogger(__name__)

#: Width of a thumbnail in pixels; a narrower image keeps its own width.
THUMBNAIL_WIDTH = 320
#: The tallest a thumbnail gets (a panorama standing up), in pixels.
THUMBNAIL_MAX_HEIGHT = 960
JPEG_QUALITY = 82
BACKGROUND = (255, 255, 255)


def is_image(name: str) -> bool:
    """Whether a file of this name is one of the images the portal accepts."""
    return Path(name or "").suffix.lower() in IMAGE_FORMATS


def make_thumbnail(upload, *, width: int = THUMBNAIL_WIDTH) -> ContentFile | None:
    """A JPEG at most `width` pixels wide of the image in `upload` (an open file, read
    from its start and left there), or None when it is not an image that can be read."""
    name = getattr(upload, "name", "") or ""
    image_format = IMAGE_FORMATS.get(Path(name).suffix.lower())
    if image_format is None:
        return None
    try:
        upload.seek(0)
        data = _thumbnail_bytes(upload, image_format, width)
    except Exception as error:  # Pillow raises many kinds for a file it cannot read
        log.warning("No thumbnail for %s: %s: %s", name, type(error).__name__, error)
        return None
    finally:
        with contextlib.suppress(Exception):  # a closed file: nothing to rewind
            upload.seek(0)
    return ContentFile(data, name=f"{Path(name).stem}.jpg")


def _thumbnail_bytes(upload, image_format: str, width: int) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(upload, formats=[image_format]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValueError("too many pixels")
            image.draft("RGB", (width, THUMBNAIL_MAX_HEIGHT))  # JPEG: decode smaller
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((width, THUMBNAIL_MAX_HEIGHT), Image.Resampling.LANCZOS)
            flat = _flattened(upright)
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """RGB, any transparency laid on white."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA") or image.mode.endswith("a"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")
