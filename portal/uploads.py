"""The files people may upload, checked in one place for every app.

A file is judged by its content, not by its name only: an image must open as the image
its name says, within a pixel limit (so that a small file that unpacks to gigabytes is
refused, not decoded); a PDF must start as a PDF; an Office or OpenDocument file must be
the ZIP or OLE container its format is stored in.
"""

import warnings
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

#: What Pillow must read each image as; no other of its many formats is ever tried.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
IMAGES = set(IMAGE_FORMATS)
DOCUMENTS = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
    *IMAGES,
}  # fmt: skip

#: The largest image accepted, in pixels (width times height).
MAX_IMAGE_PIXELS = 40_000_000

PDF = b"%PDF-"
ZIP = b"PK\x03\x04"  # .docx .xlsx .pptx .odt .ods .odp
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc .xls .ppt before 2007
SIGNATURES = {
    ".pdf": PDF,
    **dict.fromkeys([".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"], ZIP),
    **dict.fromkeys([".doc", ".xls", ".ppt"], OLE),
}


def validate_upload(upload, *, kinds=frozenset(DOCUMENTS)):
    """Refuse a file of another type, larger than MAX_UPLOAD_MB, or whose content is not
    what its name says, with a clear message."""
    if upload is None or not getattr(upload, "name", None):
        return upload
    suffix = Path(upload.name).suffix.lower()
    if suffix not in kinds:
        raise forms.ValidationError(
            _("Upload an image (PNG, JPEG, GIF or WebP).")
            if set(kinds) <= IMAGES
            else _("Upload a PDF, an Office or OpenDocument file, or an image.")
        )
    limit = settings.MAX_UPLOAD_MB
    if getattr(upload, "size", 0) > limit * 1024 * 1024:
        raise forms.ValidationError(_("The file may be at most %(mb)d MB.") % {"mb": limit})
    if suffix in IMAGE_FORMATS:
        _check_image(upload, IMAGE_FORMATS[suffix])
    else:
        _check_signature(upload, suffix)
    return upload


def _check_signature(upload, suffix: str) -> None:
    signature = SIGNATURES[suffix]
    upload.seek(0)
    head = upload.read(len(signature))
    upload.seek(0)
    if head != signature:
        raise forms.ValidationError(
            _("This is not a real %(kind)s file, or it is damaged.") % {"kind": suffix[1:].upper()}
        )


def _check_image(upload, image_format: str) -> None:
    """Read the image's header, refuse too many pixels, then let Pillow verify the rest."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice that; ours is lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[image_format]) as image:
                pixels = image.width * image.height
                if pixels <= MAX_IMAGE_PIXELS:
                    image.verify()
    except Image.DecompressionBombError:
        pixels = MAX_IMAGE_PIXELS + 1
    except Exception as error:  # Pillow raises many kinds for a file it cannot read
        raise forms.ValidationError(
            _("This is not a real %(kind)s image, or it is damaged.") % {"kind": image_format}
        ) from error
    finally:
        upload.seek(0)
    if pixels > MAX_IMAGE_PIXELS:
        raise forms.ValidationError(
            _("The image may have at most %(limit)d megapixels; make it smaller and try again.")
            % {"limit": MAX_IMAGE_PIXELS // 1_000_000}
        )
