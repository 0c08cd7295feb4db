from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from partners.mixins import NetworkMixin

from . import selectors


class MeetingDetailView(NetworkMixin, DetailView):
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.meetings_of(network=self.network), number=self.kwargs["number"]
        )
