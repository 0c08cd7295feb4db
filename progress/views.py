"""Each role's home, the city × obligation matrix, and one city's progress."""

from django.utils import timezone
from django.views.generic import TemplateView

from partners.mixins import NetworkPermissionMixin

from . import glance, selectors, states


class MatrixView(NetworkPermissionMixin, TemplateView):
    """ "Where each city stands": one row per city, one column per obligation."""

    permission_required = "progress.view_matrix"
    template_name = "progress/matrix.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        grid = states.matrix(network=self.network, today=today, viewer=self.request.user)
        return super().get_context_data(
            matrix=grid,
            glance_timeline=glance.workplan_timeline(
                network=self.network, user=self.request.user, today=today, grid=grid
            ),
            glance_states=glance.states_over_time(network=self.network, today=today),
            glance_budgets=glance.ssa_budgets(network=self.network),
            **kwargs,
        )


class CityProgressView(NetworkPermissionMixin, TemplateView):
    """One city's obligations and where it stands on each."""

    permission_required = "progress.view_home"
    template_name = "progress/city.html"

    def get_context_data(self, **kwargs):
        partner = selectors.city_for(
            user=self.request.user, network=self.network, slug=self.kwargs["city"]
        )
        grid = states.matrix(network=self.network, partners=[partner], viewer=self.request.user)
        return super().get_context_data(
            partner=partner,
            matrix=grid,
            standings=grid.row(partner),
            glance_steps=glance.steps_over_time(partner=partner, today=grid.today),
            **kwargs,
        )


class HomeView(NetworkPermissionMixin, TemplateView):
    """The landing page after login: for each role the person holds in the network, what
    it asks of them now (`selectors.home_of`)."""

    permission_required = "progress.view_home"
    template_name = "progress/home.html"

    def get_context_data(self, **kwargs):
        home = selectors.home_of(user=self.request.user, network=self.network)
        return super().get_context_data(home=home, today=home.today, **kwargs)
