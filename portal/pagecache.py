"""Rendered pages kept for the person who saw them, until anything they show changes.

A page is stored under a key made of who asks (the session and its CSRF cookie, so a
form's token stays valid), the language and the address, together with the *versions*,
at the time it was built, of each scope it depends on: the site, the network, the
person. It is served only while those are still the current versions, which are read
with it in one round trip. Every write bumps the versions of the scopes it touches, at
once and again when its transaction commits (model signals, wired in each app's ready(),
plus the services' bulk writes): the next request of anyone builds the page anew and
sees the change. A stored page is never served after a change it shows.

Versions are read before the page is rendered and stored with it, so a write that
commits during the rendering leaves a page marked with the old versions, never served.
What changes with time alone (an upcoming meeting becoming past, a deadline becoming
late) lasts at most PAGE_CACHE_SECONDS.

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


def _enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not _enabled():
        return False
    return len(messages.get_messages(request)) == 0  # counts without using them up


def page_key(request) -> str:
    """Who asks (the session, and its CSRF cookie, so that a form's token stays valid), in
    which language, for which address."""
    session = getattr(request, "session", None)
    parts = [
        session.session_key or "" if session is not None else "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        get_language() or "",
        request.get_full_path(),
    ]
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return _key(f"p:{digest}")


def _lookup(request, scopes: list[str]) -> tuple[str, list[int], tuple | None]:
    """The page's key, the scopes' current versions and the stored page if it was built at
    those very versions, read in one round trip to the cache."""
    key = page_key(request)
    version_keys = [_key(f"v:{scope}") for scope in scopes]
    found = cache.get_many([*version_keys, key])
    current = []
    for version_key in version_keys:
        if version_key not in found:  # first use, or expired: start it (a race is harmless)
            cache.add(version_key, time.time_ns(), VERSION_TIMEOUT)
            found[version_key] = cache.get(version_key)
        current.append(found[version_key])
    stored = found.get(key)
    if stored is not None and stored[0] == current:
        return key, current, stored
    return key, current, None


def recall(name: str):
    """A value kept with `remember`, or None (also when the cache is down)."""
    try:
        return cache.get(_key(f"r:{name}"))
    except Exception:
        log.exception("The page cache could not be read")
        return None


def remember(name: str, value) -> None:
    """Keep a small value the page cache needs to find a page (e.g. a feed's scopes)."""
    try:
        cache.set(_key(f"r:{name}"), value, VERSION_TIMEOUT)
    except Exception:
        log.exception("The page cache could not be written")


def refuse(response: HttpResponse) -> HttpResponse:
    """Do not store this response (it was built under scopes that have changed since)."""
    response.page_cache_refused = True
    return response


def _storable(request, response, content_types: tuple[str, ...]) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "page_cache_refused", False)
        and not response.streaming
        and not response.cookies
        and not _new_csrf_secret(request)  # the page's token needs a cookie it would not set
        and response.get("Content-Type", "").split(";")[0] in content_types
        and len(messages.get_messages(request)) == 0
    )


def _new_csrf_secret(request) -> bool:
    secret = request.META.get("CSRF_COOKIE")
    return secret is not None and secret != request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def _store(request, key: str, built_at: list[int], content_types: tuple[str, ...], response):
    if _storable(request, response, content_types):
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        try:
            stored = (built_at, response.content, headers)
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
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
        key, built_at, stored = _lookup(request, scopes)
    except Exception:  # the cache is down: the page is built as if there were none
        log.exception("The page cache could not be read")
        return render()
    if stored is not None:
        _, content, headers = stored
        return HttpResponse(content, headers=headers)
    response = render()  # after the versions were read: a write meanwhile makes it stale
    store = partial(_store, request, key, built_at, content_types)
    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(store)
    else:
        store(response)
    return response
