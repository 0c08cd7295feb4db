from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("partners.account_urls")),
    path("admin/", admin.site.urls),
    path("n/<slug:network_slug>/", include("partners.urls")),
    path("n/<slug:network_slug>/meetings/", include("meetings.urls")),
    path("n/<slug:network_slug>/iap/", include("iap.urls")),
    path("news/", include("news.urls")),
]

handler403 = "cities4csr.views.error_403"
handler404 = "cities4csr.views.error_404"
handler500 = "cities4csr.views.error_500"
