"""Meetings and calls of a network, under /n/<slug>/meetings/, and the personal feed.

Included at the site root, so that one `meetings` namespace holds both.
"""

from django.urls import path

from . import action_views, agenda_views, booking_views, document_views, views

app_name = "meetings"

N = "n/<slug:network_slug>/meetings/"
M = N + "<int:number>/"
C = N + "calls/<int:pk>/"
K = N + "check-ups/<int:pk>/"
L = "n/<slug:network_slug>/library/"

urlpatterns = [
    path(N, views.MeetingListView.as_view(), name="meeting_list"),
    path(N + "new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path(N + "calendar/", views.CalendarSettingsView.as_view(), name="calendar_settings"),
    path(N + "calls/new/", views.CallCreateView.as_view(), name="call_create"),
    path(
        N + "check-ups/new/",
        booking_views.CheckupRoundCreateView.as_view(),
        name="checkup_round_create",
    ),
    path(K, booking_views.CheckupRoundView.as_view(), name="checkup_round"),
    path(K + "book/", booking_views.SlotBookView.as_view(), name="checkup_slot_book"),
    path(K + "move/", booking_views.SlotMoveView.as_view(), name="checkup_slot_move"),
    path(K + "assign/", booking_views.SlotAssignView.as_view(), name="checkup_slot_assign"),
    path(M, views.MeetingDetailView.as_view(), name="meeting_detail"),
    path(M + "edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path(M + "cancel/", views.MeetingCancelView.as_view(), name="meeting_cancel"),
    path(M + "agenda/new/", views.AgendaItemFormView.as_view(), name="agenda_item_create"),
    path(M + "agenda/<int:pk>/", views.AgendaItemFormView.as_view(), name="agenda_item_edit"),
    path(
        M + "agenda/<int:pk>/move/",
        agenda_views.AgendaItemMoveView.as_view(),
        name="agenda_item_move",
    ),
    path(
        M + "agenda/<int:pk>/remove/",
        agenda_views.AgendaItemRemoveView.as_view(),
        name="agenda_item_remove",
    ),
    path(M + "attendance/", views.AttendanceView.as_view(), name="attendance"),
    path(M + "minutes/", views.MinutesEditView.as_view(), name="minutes_edit"),
    path(M + "documents/new/", document_views.LibraryUploadView.as_view(), name="document_upload"),
    path(
        M + "documents/<int:pk>/",
        document_views.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path(M + "pack.pdf", document_views.MeetingPackView.as_view(), name="meeting_pack"),
    path(L, document_views.LibraryView.as_view(), name="library"),
    path(L + "new/", document_views.LibraryUploadView.as_view(), name="library_upload"),
    path(L + "<int:pk>/", document_views.DocumentDownloadView.as_view(), name="library_download"),
    path(
        L + "<int:pk>/thumbnail.jpg",
        document_views.DocumentThumbnailView.as_view(),
        name="document_thumbnail",
    ),
    path(
        L + "<int:pk>/remove/", document_views.DocumentRemoveView.as_view(), name="library_remove"
    ),
    path(M + "calendar.ics", views.MeetingIcsView.as_view(), name="meeting_ics"),
    path(M + "decisions/new/", action_views.DecisionFormView.as_view(), name="decision_create"),
    path(M + "decisions/<int:pk>/", action_views.DecisionFormView.as_view(), name="decision_edit"),
    path(
        M + "decisions/<int:pk>/remove/",
        action_views.DecisionRemoveView.as_view(),
        name="decision_remove",
    ),
    path(M + "actions/new/", action_views.ActionFormView.as_view(), name="action_create"),
    path(M + "actions/<int:pk>/", action_views.ActionFormView.as_view(), name="action_edit"),
    path(
        M + "actions/<int:pk>/remove/",
        action_views.ActionRemoveView.as_view(),
        name="action_remove",
    ),
    path(N + "actions/<int:pk>/done/", action_views.ActionTickView.as_view(), name="action_tick"),
    path(C, views.CallDetailView.as_view(), name="call_detail"),
    path(C + "notes/", views.CallNotesView.as_view(), name="call_notes"),
    path(C + "follow-ups/new/", action_views.FollowUpCreateView.as_view(), name="follow_up_create"),
    path(
        C + "follow-ups/<int:follow_up>/toggle/",
        action_views.FollowUpTickView.as_view(),
        name="follow_up_toggle",
    ),
    path(C + "reschedule/", views.CallRescheduleView.as_view(), name="call_reschedule"),
    path(C + "cancel/", views.CallCancelView.as_view(), name="call_cancel"),
    path(C + "calendar.ics", views.CallIcsView.as_view(), name="call_ics"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
]
