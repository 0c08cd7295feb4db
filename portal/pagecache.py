"""Rendered pages kept for the person who saw them, until anything they show changes.

A page is stored under a key made of who asks (the session and its CSRF cookie, so a
form's token stays valid), the language, the address, and the current *version* of each
scope the page depends on: the site, the network, the person. Every write bumps the
versions of the scopes it touches at once and when its transaction commits (model signals, wired in
each app's ready(), plus the services' bulk writes), so the next request of anyone builds
a new key and sees the change: a stored page is never served after a change it shows.

Versions are read before the page is rendered and the page is stored under them, so a
write that commits during the rendering leaves the page under the old versions, which no
one asks for again. What changes with time alone (an upcoming meeting becoming past, a
deadline becoming late) lasts at most PAGE_CACHE_SECONDS.

Only complete, successful HTML (or feed) responses are stored, never one that shows a
flash message or sets a cookie.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

log = logging.getLogger(__name__)

#: The scope of what every page shows: the networks' names in the menu, the tags.
SITE = "site"
#: The scope of the public pages (published news of every network).
PUBLIC = "public"

#: The headers a stored response keeps; the middleware adds the others to each request.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")

#: How long an unused version lives; a version that expired is simply made anew.
VERSION_TIMEOUT = 60 * 60 * 24 * 30


def network_scope(slug: str) -> str:
    return f"network:{slug}"


def user_scope(user_id) -> str:
    return f"user:{user_id}"


def _key(name: str) -> str:
    return f"page:{settings.PAGE_CACHE_PREFIX}:{name}"


def bump(scopes: Iterable[str]) -> None:
    """Give each scope a new version now: every page that depends on it is built anew."""
    now = time.time_ns()
    try:
        cache.set_many({_key(f"v:{scope}"): now for scope in set(scopes)}, VERSION_TIMEOUT)
    except Exception:  # a cache that is down serves no page either; they expire meanwhile
        log.exception("Could not bump the page cache versions %s", scopes)


def changed(scopes: Iterable[str]) -> None:
    """Say that a write touches these scopes: bump them at once and again when the
    transaction commits. The second bump drops what a request rendered meanwhile from
    the data before the commit; the first one keeps a transaction's own later reads
    (and a test, which never commits) from seeing pages stored before the write."""
    scopes = list(scopes)
    if scopes:
        bump(scopes)
        transaction.on_commit(partial(bump, scopes))


def versions(scopes: list[str]) -> list[int]:
    keys = [_key(f"v:{scope}") for scope in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # first use, or expired: start it (another request may race)
            cache.add(key, time.time_ns(), VERSION_TIMEOUT)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def _enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not _enabled():
        return False
    return len(messages.get_messages(request)) == 0  # counts without using them up


def page_key(request, scopes: list[str]) -> str:
    session = getattr(request, "session", None)
    who = [
        session.session_key or "" if session is not None else "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    parts = [*who, get_language() or "", request.get_full_path(), *map(str, versions(scopes))]
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return _key(f"p:{digest}")


def _storable(request, response, content_types: tuple[str, ...]) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not _new_csrf_secret(request)  # the page's token needs a cookie it would not set
        and response.get("Content-Type", "").split(";")[0] in content_types
        and len(messages.get_messages(request)) == 0
    )


def _new_csrf_secret(request) -> bool:
    secret = request.META.get("CSRF_COOKIE")
    return secret is not None and secret != request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def _store(request, key: str, content_types: tuple[str, ...], response) -> None:
    if _storable(request, response, content_types):
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        try:
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
        except Exception:
            log.exception("The page cache could not be written")


def serve(
    request,
    *,
    scopes: list[str],
    render: Callable[[], HttpResponse],
    content_types: tuple[str, ...] = ("text/html",),
) -> HttpResponse:
    """The stored page for this request and these scopes, or `render()`'s, stored."""
    if not _cacheable_request(request):
        return render()
    try:
        key = page_key(request, scopes)
        stored = cache.get(key)
    except Exception:  # the cache is down: the page is built as if there were none
        log.exception("The page cache could not be read")
        return render()
    if stored is not None:
        content, headers = stored
        return HttpResponse(content, headers=headers)
    response = render()
    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(partial(_store, request, key, content_types))
    else:
        _store(request, key, content_types, response)
    return response
