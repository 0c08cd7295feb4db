"""Each role's home, the city × obligation matrix, and one city's progress."""

from django.utils import timezone
from django.views.generic import TemplateView

from partners.mixins import NetworkPermissionMixin

from . import selectors, states


class MatrixView(NetworkPermissionMixin, TemplateView):
    """"Where each city stands": one row per city, one column per obligation."""

    permission_required = "progress.view_matrix"
    template_name = "progress/matrix.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            matrix=states.matrix(network=self.network, today=timezone.localdate()), **kwargs
        )


class CityProgressView(NetworkPermissionMixin, TemplateView):
    """One city's obligations and where it stands on each."""

    permission_required = "progress.view_home"
    template_name = "progress/city.html"

    def get_context_data(self, **kwargs):
        partner = selectors.city_for(
            user=self.request.user, network=self.network, slug=self.kwargs["city"]
        )
        grid = states.matrix(network=self.network, partners=[partner])
        return super().get_context_data(
            partner=partner, matrix=grid, standings=grid.row(partner), **kwargs
        )


class HomeView(NetworkPermissionMixin, TemplateView):
    permission_required = "progress.view_home"
    template_name = "progress/home.html"
