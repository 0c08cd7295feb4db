"""Every page names the permission it asks, or says that it is public on purpose.

A view of ours declares `permission_required` (asked through `NetworkPermissionMixin`),
or carries `public = True`; the public ones are listed below, so that a new public page
is added knowingly. Django's own views are listed apart, with what they ask.
"""

import pytest
import rules
from django.urls import reverse

from tests.test_url_coverage import named_patterns

#: Pages anyone may open, without logging in.
PUBLIC_VIEWS = {
    "home",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "news:list",
    "news:network_list",
    "news:tag",
    "news:article",
    "news:article_in",
    "news:cover",
    "news:feed",
    "news:rss",
    "news:network_feed",
    "news:network_rss",
    "django.contrib.sitemaps.views.sitemap",
    "meetings:calendar_feed",  # the secret token in its address is the permission
    "partners:invitation_accept",  # the secret token in its address is the permission
    "search:results",  # each person finds only what they may see; a visitor, published news
    "set_language",  # anyone chooses a language; a signed-in person's goes to their own profile
}

#: Django's own views, which declare nothing of ours: public, or asking for a login.
DJANGO_VIEWS = {
    "login": "public",
    "logout": "public",
    "password_reset": "public",
    "password_reset_done": "public",
    "password_reset_confirm": "public",
    "password_reset_complete": "public",
    "password_change": "login",
    "password_change_done": "login",
    "django.contrib.sitemaps.views.sitemap": "public",
}


PATTERNS = dict(named_patterns())
OUR_VIEWS = sorted(name for name in PATTERNS if name not in DJANGO_VIEWS)


def view_of(name):
    """The class (or function) that answers the named URL, where its attributes are."""
    callback = PATTERNS[name].callback
    if hasattr(callback, "view_class"):
        return callback.view_class
    if not hasattr(callback, "__name__"):  # an instance, such as a syndication Feed
        return type(callback)
    return callback


@pytest.mark.parametrize("name", OUR_VIEWS)
def test_view_declares_its_permission_or_is_public(name):
    view = view_of(name)
    permission = getattr(view, "permission_required", None)
    public = getattr(view, "public", False) is True
    label = f"{name} ({view.__module__}.{view.__qualname__})"
    assert public or permission, f"{label} declares no permission_required and is not public"
    assert not (public and permission), f"{label} is public and asks {permission!r}"
    if permission:
        asked = (permission,) if isinstance(permission, str) else permission
        unknown = [perm for perm in asked if not rules.perm_exists(perm)]
        assert not unknown, f"{label} asks permissions no rules.py registers: {unknown}"


@pytest.mark.parametrize("name", sorted(DJANGO_VIEWS))
def test_django_views_are_djangos(name):
    assert name in PATTERNS
    assert view_of(name).__module__.startswith("django.")


def test_the_public_pages_are_the_listed_ones():
    public = {name for name, access in DJANGO_VIEWS.items() if access == "public"}
    public |= {name for name in OUR_VIEWS if getattr(view_of(name), "public", False) is True}
    assert sorted(public - PUBLIC_VIEWS) == [], "public pages that are not listed"
    assert sorted(PUBLIC_VIEWS - public) == [], "listed public pages that are not public"


@pytest.mark.parametrize("name, access", sorted(DJANGO_VIEWS.items()))
def test_djangos_views_answer_a_visitor_as_listed(client, db, name, access):
    arguments = {"password_reset_confirm": {"uidb64": "MQ", "token": "set-password"}}
    url = reverse(name, kwargs=arguments.get(name))
    response = client.post(url) if name == "logout" else client.get(url)
    asks_to_log_in = response.status_code == 302 and response.url.startswith(reverse("login"))
    assert asks_to_log_in == (access == "login"), (response.status_code, response.get("Location"))
    if access == "public":
        assert response.status_code in {200, 302}
