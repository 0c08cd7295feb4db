"""The one permission mixin of every network page, and its twin for one's own account.

Each view names its `permission_required` and, where the permission is about something
other than the network, says what in `get_permission_object()`. Objects are fetched
through the app's `*_visible_to` selectors, so that what a person may not see is a 404
before any permission is asked; a 403 only answers an action on something one can see.
"""

from functools import partial

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from portal import pagecache

from . import selectors


def page_scopes(request, *, network_slug: str | None = None) -> list[str]:
    """What a page of this request shows: the site, the person (their menu and unread
    count), and the network it is about, if any."""
    scopes = [pagecache.SITE]
    if request.user.is_authenticated:
        scopes.append(pagecache.user_scope(request.user.pk))
    if network_slug is not None:
        scopes.append(pagecache.network_scope(network_slug))
    return scopes


def keep_private(response):
    """What only members may see is kept by no shared cache (a proxy, a CDN); pages are not
    stored by the browser either, files may be, for the person who downloaded them."""
    if response.has_header("Content-Disposition"):
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


class NetworkPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A page of one network: 404 unless the person belongs to it, then the permission."""

    raise_exception = True
    #: Keep the rendered page for the person until anything it shows changes.
    page_cache = True

    @cached_property
    def network(self):
        return selectors.network_for(user=self.request.user, slug=self.kwargs["network_slug"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), self.get_login_url())
        if not self.page_cache:
            return keep_private(self.dispatch_uncached(request, *args, **kwargs))
        # A stored page was built for this very session, at these very versions of the
        # network and of the person: their membership and permissions have not changed.
        scopes = page_scopes(request, network_slug=self.kwargs["network_slug"])
        render = partial(self.dispatch_uncached, request, *args, **kwargs)
        return keep_private(pagecache.serve(request, scopes=scopes, render=render))

    def dispatch_uncached(self, request, *args, **kwargs):
        _ = self.network  # 404 before anything else for a network one does not belong to
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        """The network itself; views about one object of it return that object."""
        return self.network

    def handle_no_permission(self):
        raise PermissionDenied

    def get_context_data(self, **kwargs):
        kwargs.setdefault("network", self.network)
        return super().get_context_data(**kwargs)


class PublicPageCacheMixin:
    """A public page (published news), kept until something published changes."""

    page_cache_content_types = ("text/html",)

    def dispatch(self, request, *args, **kwargs):
        return pagecache.serve(
            request,
            scopes=[*page_scopes(request), pagecache.PUBLIC],
            render=partial(super().dispatch, request, *args, **kwargs),
            content_types=self.page_cache_content_types,
        )


class OwnAccountMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A page of the person's own account (profile, inbox): the permission is asked of them."""

    def get_permission_object(self):
        return self.request.user

    def dispatch(self, request, *args, **kwargs):
        return keep_private(super().dispatch(request, *args, **kwargs))
