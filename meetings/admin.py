from django.contrib import admin

from portal.admin import OutboxAdminMixin

from .models import Meeting, Notice


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "network", "starts_at", "status"]
    list_filter = ["network", "status"]


@admin.register(Notice)
class NoticeAdmin(OutboxAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["meeting", "call", "user"]
