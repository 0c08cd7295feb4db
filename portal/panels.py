"""Panels that other apps add to the network home, so partners need not know them.

An app registers a callable in its AppConfig.ready(); the callable takes the request and
the network and returns rendered HTML, or an empty string when it has nothing to show.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString

_panels: list[tuple[int, Callable]] = []


def register(func: Callable, *, order: int = 100) -> Callable:
    if all(existing is not func for _, existing in _panels):
        _panels.append((order, func))
        _panels.sort(key=lambda pair: pair[0])
    return func


def render_panels(request, network) -> list[SafeString]:
    return [html for _, func in _panels if (html := func(request, network))]
