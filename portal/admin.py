from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox


class OutboxAdminMixin:
    """Every outbox's admin: its state at a glance, failed rows found and sent again."""

    outbox_fields = ["status", "due_at", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.outbox_fields]

    @admin.action(description=_("Send the selected e-mails again"))
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(
            request,
            ngettext("%(n)d e-mail will be sent again.", "%(n)d e-mails will be sent again.", count)
            % {"n": count},
            messages.SUCCESS,
        )
