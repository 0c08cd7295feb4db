"""What every model of the portal carries: a translated name on each field."""

import pytest
from django.apps import apps
from django.utils.functional import Promise

OWN_FIELDS = [
    (model, field)
    for app in ("portal", "partners", "meetings", "iap", "news")
    for model in apps.get_app_config(app).get_models()
    for field in model._meta.get_fields()
    if field.concrete and not field.auto_created and field.model is model
]


@pytest.mark.parametrize(
    "model, field", OWN_FIELDS, ids=[f"{m._meta.label}.{f.name}" for m, f in OWN_FIELDS]
)
def test_every_field_has_a_translated_verbose_name(model, field):
    assert isinstance(field.verbose_name, Promise), f"{model.__name__}.{field.name}"
