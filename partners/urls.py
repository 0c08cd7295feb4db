from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.NetworkHomeView.as_view(), name="network_home"),
    path("workplan/", views.WorkplanEditView.as_view(), name="workplan_edit"),
    path("cities/", views.PartnerListView.as_view(), name="partner_list"),
    path("cities/<slug:partner_slug>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("cities/<slug:partner_slug>/edit/", views.PartnerEditView.as_view(), name="partner_edit"),
    path("cities/<slug:partner_slug>/ulg/", views.UlgView.as_view(), name="ulg"),
    path(
        "cities/<slug:partner_slug>/ulg/stakeholders/new/",
        views.StakeholderCreateView.as_view(),
        name="stakeholder_create",
    ),
    path(
        "cities/<slug:partner_slug>/ulg/stakeholders/<int:pk>/",
        views.StakeholderEditView.as_view(),
        name="stakeholder_edit",
    ),
    path(
        "cities/<slug:partner_slug>/ulg/meetings/new/",
        views.UlgMeetingCreateView.as_view(),
        name="ulg_meeting_create",
    ),
    path(
        "cities/<slug:partner_slug>/ulg/meetings/<int:pk>/",
        views.UlgMeetingEditView.as_view(),
        name="ulg_meeting_edit",
    ),
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/<int:pk>/", views.MembershipEditView.as_view(), name="membership_edit"),
    path("people/<int:pk>/remove/", views.MembershipRemoveView.as_view(), name="membership_remove"),
    path("invitations/", views.InvitationListView.as_view(), name="invitations"),
    path("invitations/new/", views.InvitationCreateView.as_view(), name="invitation_create"),
    path(
        "invitations/<int:pk>/resend/",
        views.InvitationActionView.as_view(action="resend"),
        name="invitation_resend",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationActionView.as_view(action="revoke"),
        name="invitation_revoke",
    ),
    path("join/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("pairs/", views.CityGroupListView.as_view(), name="city_groups"),
    path("pairs/new/", views.CityGroupCreateView.as_view(), name="city_group_create"),
    path("pairs/<int:pk>/", views.CityGroupEditView.as_view(), name="city_group_edit"),
    path("pairs/<int:pk>/remove/", views.CityGroupDeleteView.as_view(), name="city_group_delete"),
]
