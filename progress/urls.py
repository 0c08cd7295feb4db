from django.urls import path

from . import obligation_views, views

app_name = "progress"

urlpatterns = [
    path("home/", views.HomeView.as_view(), name="home"),
    path("progress/", views.MatrixView.as_view(), name="matrix"),
    path("progress/cities/<slug:city>/", views.CityProgressView.as_view(), name="city"),
    path("obligations/", obligation_views.ObligationListView.as_view(), name="obligations"),
    path(
        "obligations/new/",
        obligation_views.ObligationFormView.as_view(),
        name="obligation_create",
    ),
    path(
        "obligations/<int:pk>/",
        obligation_views.ObligationFormView.as_view(),
        name="obligation_edit",
    ),
    path(
        "obligations/<int:pk>/remove/",
        obligation_views.ObligationRemoveView.as_view(),
        name="obligation_remove",
    ),
    path("obligations/reminders/", obligation_views.ReminderLogView.as_view(), name="reminder_log"),
]
