from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView, UpdateView, View

from . import selectors, services
from .forms import ProfileForm
from .mixins import NetworkMixin
from .panels import render_panels


class NetworkHomeView(NetworkMixin, TemplateView):
    template_name = "partners/network_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partners=selectors.partners_of(network=self.network),
            panels=render_panels(self.request, self.network),
            **kwargs,
        )


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "partners/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your profile has been saved."))
        return super().form_valid(form)


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "partners/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)


class NotificationMarkReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        ids = request.POST.getlist("notification")
        try:
            ids = [int(pk) for pk in ids] or None
        except ValueError:
            ids = []
        count = services.notification_mark_read(user=request.user, notification_ids=ids)
        if count:
            messages.success(request, _("Marked as read."))
        return HttpResponseRedirect(reverse("notifications"))
