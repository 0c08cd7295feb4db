"""Every page of the portal has a row in some app's permission table.

Each app's `tests/<app>/test_permissions*.py` lists the URL names it checks in
`COVERED_URL_NAMES`; a new URL without its row makes this test fail.
"""

import importlib
import pkgutil
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).resolve().parent
OUR_NAMESPACES = {"partners", "meetings", "iap", "news"}
#: Pages outside the apps' tables, checked in tests/partners/test_accounts.py and test_pages.py
FOUNDATION_PAGES = {
    "home", "login", "logout", "password_change", "password_change_done", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete", "profile",
    "notifications", "notifications_mark_read",
}  # fmt: skip


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in {"admin"}:
                continue
            yield from url_names(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def covered():
    names = set(FOUNDATION_PAGES)
    for module in pkgutil.walk_packages([str(TESTS)], prefix="tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_permissions"):
            names |= set(getattr(importlib.import_module(module.name), "COVERED_URL_NAMES", ()))
    return names


def test_every_url_has_a_permission_row():
    ours = {
        name
        for name in url_names()
        if name in FOUNDATION_PAGES or name.split(":", 1)[0] in OUR_NAMESPACES
    }
    missing = sorted(ours - covered())
    assert not missing, f"URLs without a permission-table row: {missing}"
