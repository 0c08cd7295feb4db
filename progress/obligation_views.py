"""The coordinator sets the network's obligations; the staff read the reminders sent."""

from django.views.generic import TemplateView

from partners.mixins import NetworkPermissionMixin


class ObligationListView(NetworkPermissionMixin, TemplateView):
    permission_required = "progress.change_obligations"
    template_name = "progress/obligation_list.html"


class ObligationFormView(NetworkPermissionMixin, TemplateView):
    permission_required = "progress.change_obligations"
    template_name = "progress/obligation_form.html"


class ObligationRemoveView(NetworkPermissionMixin, TemplateView):
    permission_required = "progress.change_obligations"
    template_name = "progress/obligation_remove.html"


class ReminderLogView(NetworkPermissionMixin, TemplateView):
    permission_required = "progress.view_reminder_log"
    template_name = "progress/reminder_log.html"
