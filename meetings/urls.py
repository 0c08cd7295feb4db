"""Meetings and calls of a network, under /n/<slug>/meetings/, and the personal feed.

Included at the site root, so that one `meetings` namespace holds both.
"""

from django.urls import path

from . import views

app_name = "meetings"

N = "n/<slug:network_slug>/meetings/"
M = N + "<int:number>/"
C = N + "calls/<int:pk>/"

urlpatterns = [
    path(N, views.MeetingListView.as_view(), name="meeting_list"),
    path(N + "new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path(N + "calendar/", views.CalendarSettingsView.as_view(), name="calendar_settings"),
    path(N + "calls/new/", views.CallCreateView.as_view(), name="call_create"),
    path(N + "check-ups/new/", views.CheckupRoundCreateView.as_view(), name="checkup_round_create"),
    path(M, views.MeetingDetailView.as_view(), name="meeting_detail"),
    path(M + "edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path(M + "cancel/", views.MeetingCancelView.as_view(), name="meeting_cancel"),
    path(M + "agenda/new/", views.AgendaItemFormView.as_view(), name="agenda_item_create"),
    path(M + "agenda/<int:pk>/", views.AgendaItemFormView.as_view(), name="agenda_item_edit"),
    path(M + "attendance/", views.AttendanceView.as_view(), name="attendance"),
    path(M + "minutes/", views.MinutesEditView.as_view(), name="minutes_edit"),
    path(M + "documents/new/", views.DocumentUploadView.as_view(), name="document_upload"),
    path(M + "documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path(M + "calendar.ics", views.MeetingIcsView.as_view(), name="meeting_ics"),
    path(C, views.CallDetailView.as_view(), name="call_detail"),
    path(C + "notes/", views.CallNotesView.as_view(), name="call_notes"),
    path(C + "follow-ups/new/", views.FollowUpCreateView.as_view(), name="follow_up_create"),
    path(
        C + "follow-ups/<int:follow_up>/toggle/",
        views.FollowUpToggleView.as_view(),
        name="follow_up_toggle",
    ),
    path(C + "reschedule/", views.CallRescheduleView.as_view(), name="call_reschedule"),
    path(C + "cancel/", views.CallCancelView.as_view(), name="call_cancel"),
    path(C + "calendar.ics", views.CallIcsView.as_view(), name="call_ics"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
]
