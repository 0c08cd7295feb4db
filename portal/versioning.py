"""One way to refuse a stale save, wherever two people may edit the same thing.

A versioned model carries a `version` number. The form sends back the number it was
loaded with; `save_versioned` locks the row and saves only if the number is still the
same, raising `ConflictError` with what is saved now otherwise, so that the view can
show it in words and keep the person's input in the form.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    #: The permission the person who saves must hold on `permission_object()`.
    change_permission = ""

    class Meta:
        abstract = True

    def permission_object(self):
        return self


class ConflictError(Exception):
    """Someone saved the same thing since it was opened: `current` is what they saved."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


def save_versioned(*, obj: Versioned, user, data: dict, version: int | None) -> Versioned:
    """Create `obj` (no pk yet) or update it if nobody saved it since `version`.

    `data` maps field names to values, many-to-many fields included. The rule of the
    model's `change_permission` is asked on the saved row, not on what the form sent."""
    model = type(obj)
    plain = {k: v for k, v in data.items() if not model._meta.get_field(k).many_to_many}
    many = {k: v for k, v in data.items() if model._meta.get_field(k).many_to_many}
    with transaction.atomic():
        if obj.pk is None:
            target = obj
        else:
            target = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
        if not user.has_perm(model.change_permission, target.permission_object()):
            raise PermissionDenied
        if target.pk is not None and (version is None or target.version != version):
            raise ConflictError(target)
        for name, value in plain.items():
            setattr(target, name, value)
        if target.pk is not None:
            target.version += 1
        target.full_clean()
        target.save()
        for name, values in many.items():
            getattr(target, name).set(values)
    return target


def in_words(obj: models.Model, names) -> list[tuple[str, str]]:
    """(label, value) pairs as a person reads them: choices by label, yes or no, dates."""
    pairs = []
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if field.many_to_many:
            text = ", ".join(str(item) for item in value.all())
        elif field.choices:
            text = str(getattr(obj, f"get_{name}_display")())
        elif isinstance(value, bool):
            text = str(_("Yes") if value else _("No"))
        elif isinstance(value, dt.datetime):
            text = formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        elif isinstance(value, dt.date):
            text = formats.date_format(value, "DATE_FORMAT")
        elif isinstance(value, Decimal):
            text = formats.number_format(value, decimal_pos=2)
        elif value is None:
            text = ""
        else:
            text = str(value)
        pairs.append((capfirst(str(field.verbose_name)), text))
    return pairs
