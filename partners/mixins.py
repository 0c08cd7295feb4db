"""View mixins that every network page uses."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from . import selectors


class NetworkMixin(LoginRequiredMixin):
    """Resolve the network from the URL; 404 unless the person belongs to it."""

    @cached_property
    def network(self):
        return selectors.network_for(user=self.request.user, slug=self.kwargs["network_slug"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _ = self.network  # 404 before anything else for a network one does not belong to
        return super().dispatch(request, *args, **kwargs)

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.request.get_full_path(), self.get_login_url())
        raise PermissionDenied

    def get_context_data(self, **kwargs):
        kwargs.setdefault("network", self.network)
        return super().get_context_data(**kwargs)


class NetworkPermissionMixin(NetworkMixin, PermissionRequiredMixin):
    """A network page that also needs a rules permission (403 for members without it)."""

    raise_exception = True

    def get_permission_object(self):
        if hasattr(self, "get_object"):
            return self.get_object()
        return self.network
