"""`{{ files|photos }}` and `{{ files|other_files }}`: uploaded files (anything with a
`thumbnail` field) split into the photos shown in a gallery and the rest, listed."""

from django import template

register = template.Library()


@register.filter
def photos(files):
    """The files with a thumbnail, for a gallery."""
    return [item for item in files if item.thumbnail]


@register.filter
def other_files(files):
    """The files without a thumbnail, for a list."""
    return [item for item in files if not item.thumbnail]
