"""The files people may upload, checked in one place for every app."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
DOCUMENTS = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
    *IMAGES,
}  # fmt: skip


def validate_upload(upload, *, kinds=frozenset(DOCUMENTS)):
    """Refuse a file of another type, or larger than MAX_UPLOAD_MB, with a clear message."""
    if upload is None or not getattr(upload, "name", None):
        return upload
    if Path(upload.name).suffix.lower() not in kinds:
        raise forms.ValidationError(
            _("Upload an image (PNG, JPEG, GIF or WebP).")
            if set(kinds) <= IMAGES
            else _("Upload a PDF, an Office or OpenDocument file, or an image.")
        )
    limit = settings.MAX_UPLOAD_MB
    if getattr(upload, "size", 0) > limit * 1024 * 1024:
        raise forms.ValidationError(_("The file may be at most %(mb)d MB.") % {"mb": limit})
    return upload
