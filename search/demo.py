"""The demo data's search entries: written in bulk once every app has loaded its rows."""

from . import indexing


def load(*, context, stdout=None):
    """The demo networks' entries, made anew (their rows were just written or refreshed)."""
    indexing.rebuild(networks=[context["network"], context["other_network"]])
    indexing.discard_pending()  # what the demo saved is in the entries just made


def load_scale(*, context, stdout=None):
    """The generated networks' entries (their rows were written in bulk, without signals)."""
    count = indexing.rebuild(networks=[generated.network for generated in context["generated"]])
    context["counts"]["search entries"] = count
