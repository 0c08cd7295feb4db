from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from portal.admin import OutboxAdminMixin

from .models import (
    Invitation,
    InvitationEmail,
    Membership,
    Network,
    Notification,
    NotificationEmail,
    Partner,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["partner"]


class PortalUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = PortalUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "job_title", "time_zone")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "current_phase", "start_date", "end_date"]
    prepopulated_fields = {"slug": ["acronym"]}
    search_fields = ["acronym", "name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["city", "country", "network", "is_lead_partner"]
    list_filter = ["network", "is_lead_partner"]
    search_fields = ["city"]
    prepopulated_fields = {"slug": ["city"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "network", "role", "partner"]
    list_filter = ["network", "role"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "partner"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    search_fields = ["title", "recipient__email"]


@admin.register(NotificationEmail)
class NotificationEmailAdmin(OutboxAdminMixin, admin.ModelAdmin):
    list_display = ["notification", "status", "due_at", "attempts", "sent_at"]
    search_fields = ["notification__title", "notification__recipient__email"]
    raw_id_fields = ["notification"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "network", "role", "partner", "created_at", "expires_at"]
    list_filter = ["network", "role"]
    search_fields = ["email"]
    readonly_fields = ["nonce"]


@admin.register(InvitationEmail)
class InvitationEmailAdmin(OutboxAdminMixin, admin.ModelAdmin):
    list_display = ["invitation", "status", "due_at", "attempts", "sent_at"]
    search_fields = ["invitation__email"]
    raw_id_fields = ["invitation"]
