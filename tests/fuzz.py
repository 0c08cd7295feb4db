"""Hostile input for the form fuzz test: value families, form filling and database snapshots.

A *family* is one kind of hostile value (5,000 characters, a NUL byte, year 1, …). Each
form is posted twice per family: once with the value in every field ("everywhere"), and
once with the value only in the fields where it could be legitimate input and plausible
values elsewhere ("where it fits"), so that it can get past validation and be stored.
"""

import datetime as dt
import io
from dataclasses import dataclass
from html.parser import HTMLParser

from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.formsets import BaseFormSet
from PIL import Image

#: The apps whose rows must not change when a form is refused.
OUR_APPS = ("partners", "meetings", "iap", "news", "portal")

TEXT = "text"
DATE = "date"
NUMBER = "number"


@dataclass(frozen=True)
class Family:
    name: str
    #: What the value is for: text fields, date fields or number fields.
    fits: str
    value: str
    #: For date families, the value a date field (not a date-time field) gets.
    date_value: str = ""

    def __str__(self):
        return self.name

    def for_field(self, field) -> str:
        if self.fits == DATE and isinstance(field, forms.DateField):
            return self.date_value
        return self.value


def _nested_list(levels: int) -> str:
    return "".join("  " * level + "- x\n" for level in range(levels))


FAMILIES = [
    Family("long", TEXT, "x" * 5000),
    Family("nul", TEXT, "a\x00b"),
    Family(
        "unicode",
        TEXT,
        "\u202ecod.exe\u202c \u200fRTL\u200e 👩\u200d👩\u200d👧 Z\u0351\u0352\u0353a\u0301\u0301"
        " \ufeff\u2028ﷺ 𝔘𝔫𝔦 \U0010fffd",
    ),
    Family("year_1", DATE, "0001-01-01T00:00", date_value="0001-01-01"),
    Family("year_9999", DATE, "9999-12-31T23:59", date_value="9999-12-31"),
    Family("negative", NUMBER, "-1"),
    Family("overflow", NUMBER, "99999999999999999999"),
    Family("infinity", NUMBER, "1e309"),
    Family("nested_quotes", TEXT, "> " * 3000 + "x"),
    Family("nested_lists", TEXT, _nested_list(400)),
    Family("formula", TEXT, '=HYPERLINK("https://evil.example/","x")'),
]

# What each family is legitimate input for ---------------------------------------------------

_NOT_FREE_TEXT = (
    forms.EmailField,
    forms.URLField,
    forms.SlugField,
    forms.RegexField,
    forms.UUIDField,
    forms.JSONField,
)


def fits(family: Family, field) -> bool:
    """Whether a person could type this kind of value into this field."""
    if isinstance(field.widget, forms.HiddenInput):
        return False
    if family.fits == TEXT:
        return isinstance(field, forms.CharField) and not isinstance(field, _NOT_FREE_TEXT)
    if family.fits == DATE:
        return isinstance(field, forms.DateField | forms.DateTimeField)
    return isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField)


# The forms of a page ---------------------------------------------------------------------


def forms_in(context) -> list:
    """Every form of the response's context, formsets opened into their forms."""
    found, seen = [], set()

    def add(form):
        if id(form) not in seen:
            seen.add(id(form))
            found.append(form)

    for layer in context or []:
        for value in layer.flatten().values():
            if isinstance(value, BaseFormSet):
                add(value.management_form)
                for form in [*value.forms, value.empty_form]:
                    add(form)
            elif isinstance(value, forms.BaseForm):
                add(value)
    return found


def fields_of(page_forms) -> dict:
    """{html name: form field} of the forms' visible and hidden fields."""
    fields = {}
    for form in page_forms:
        if isinstance(form, forms.formsets.ManagementForm):
            continue
        for bound in form:
            if "__prefix__" not in bound.html_name:
                fields[bound.html_name] = bound.field
    return fields


class _PostForms(HTMLParser):
    """What a browser would send for each `<form method="post">` of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._options = []
        self._textarea = None

    def _add(self, name, value):
        self._form.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {}
                self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name") or "disabled" in attrs:
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind in ("submit", "button", "image", "reset", "file"):
                return
            else:
                self._add(name, attrs.get("value") or "")
        elif tag == "select":
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            chosen = [value for value, selected in self._options if selected]
            for value in chosen:
                self._add(self._select, value)
            self._select = None


def browser_data(html: str, field_names) -> dict:
    """The data the page's form that holds these fields sends as it stands, without CSRF."""
    parser = _PostForms()
    parser.feed(html)
    if not parser.forms:
        return {}
    names = set(field_names)
    best = max(parser.forms, key=lambda form: len(names & set(form)))
    return {
        name: values if len(values) > 1 else values[0]
        for name, values in best.items()
        if name != "csrfmiddlewaretoken"
    }


# Plausible values where the page leaves a field empty ------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def plausible(field, position: int):
    """A value a careful person would enter; `position` keeps dates of a form in order."""
    when = dt.datetime(2030, 3, 1, 9, 0) + dt.timedelta(days=position)
    if isinstance(field, forms.ImageField):
        return SimpleUploadedFile("fuzz.png", _png(), content_type="image/png")
    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("fuzz.pdf", b"%PDF-1.4\n%fuzz\n", content_type="application/pdf")
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        choices = [str(value) for value, _label in field.choices if str(value)]
        return choices[:1]
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        choices = [str(value) for value, _label in field.choices if str(value)]
        return choices[0] if choices else ""
    if isinstance(field, forms.DateTimeField):
        return when.strftime("%Y-%m-%dT%H:%M")
    if isinstance(field, forms.DateField):
        return when.date().isoformat()
    if isinstance(field, forms.EmailField):
        return f"fuzz{position}@example.org"
    if isinstance(field, forms.URLField):
        return "https://example.org/fuzz"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "1"
    if isinstance(field, forms.BooleanField):
        return "on"
    return "Fuzz"


def everywhere(baseline: dict, fields: dict, family: Family) -> dict:
    """The family's value in every field of the form; what else the page sends, as is."""
    return {**baseline, **{name: family.for_field(field) for name, field in fields.items()}}


def where_it_fits(baseline: dict, fields: dict, family: Family) -> dict | None:
    """The family's value where it fits, plausible values in the empty fields; None when
    no field of the form takes such a value."""
    data = dict(baseline)
    fitting = [name for name, field in fields.items() if fits(family, field)]
    if not fitting:
        return None
    for position, (name, field) in enumerate(fields.items()):
        if name in fitting:
            data[name] = family.for_field(field)
        elif field.required and data.get(name) in (None, "", []):
            data[name] = plausible(field, position)
    return data


# Did anything change? --------------------------------------------------------------------


def snapshot() -> dict:
    """{model: (row count, hash of every row's values)} of our apps' models, in one query."""
    models = [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
        f" FROM {quote(model._meta.db_table)} t"
        for model in models
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.label for model in models])
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def changes(before: dict, after: dict) -> list[str]:
    return [
        f"{label}: {before.get(label)} -> {after.get(label)}"
        for label in sorted(set(before) | set(after))
        if before.get(label) != after.get(label)
    ]
