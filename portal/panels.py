"""Panels that other apps add to the network home, so partners need not know them.

An app registers a callable in its AppConfig.ready(); the callable takes the request and
the network and returns rendered HTML, or an empty string when it has nothing to show.
"""

from django.utils.safestring import SafeString

from .registry import panels


def render_panels(request, network) -> list[SafeString]:
    return [html for func in panels if (html := func(request, network))]
