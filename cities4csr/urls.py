from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from news.sitemaps import ArticleSitemap
from partners.throttle import login_throttled
from partners.views import LanguageChooseView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("partners.account_urls")),
    # Django's set_language, which also keeps a signed-in person's choice in their profile.
    path("i18n/setlang/", LanguageChooseView.as_view(), name="set_language"),
    path("admin/login/", login_throttled(admin.site.login)),
    path("admin/", admin.site.urls),
    path("", include("news.urls")),  # public /news/ pages and the editors' /n/<slug>/news/
    path("", include("meetings.urls")),  # /n/<slug>/meetings/ and the personal /calendar/ feed
    path("n/<slug:network_slug>/", include("partners.urls")),
    path("n/<slug:network_slug>/iap/", include("iap.urls")),
    path("n/<slug:network_slug>/", include("progress.urls")),
    path("", include("search.urls")),  # /search/: everything the person may see
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"news": ArticleSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

handler403 = "cities4csr.views.error_403"
handler404 = "cities4csr.views.error_404"
handler500 = "cities4csr.views.error_500"
