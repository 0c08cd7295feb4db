"""News: public pages under /news/, editor pages in the network's space under /n/<slug>/news/.

Included at the site root, so that one `news` namespace holds both.
"""

from django.urls import path

from . import feeds, translation_views, views

app_name = "news"

urlpatterns = [
    path("news/", views.ArticleListView.as_view(), name="list"),
    path("news/atom.xml", feeds.LatestArticlesFeed(), name="feed"),
    path("news/rss.xml", feeds.LatestArticlesRssFeed(), name="rss"),
    path("news/<slug:network_slug>/", views.NetworkArticleListView.as_view(), name="network_list"),
    path("news/<slug:network_slug>/atom.xml", feeds.LatestArticlesFeed(), name="network_feed"),
    path("news/<slug:network_slug>/rss.xml", feeds.LatestArticlesRssFeed(), name="network_rss"),
    path(
        "news/<slug:network_slug>/tag/<slug:tag>/",
        views.TagArticleListView.as_view(),
        name="tag",
    ),
    path(
        "news/<slug:network_slug>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"
    ),
    path(
        "news/<slug:network_slug>/<slug:slug>/cover", views.ArticleCoverView.as_view(), name="cover"
    ),
    path(
        "news/<slug:network_slug>/<slug:slug>/<slug:language>/",
        views.ArticleDetailView.as_view(),
        name="article_in",
    ),
    path("n/<slug:network_slug>/news/", views.ManageArticlesView.as_view(), name="manage"),
    path("n/<slug:network_slug>/news/new/", views.ArticleCreateView.as_view(), name="create"),
    path(
        "n/<slug:network_slug>/news/<int:pk>/edit/", views.ArticleUpdateView.as_view(), name="edit"
    ),
    path(
        "n/<slug:network_slug>/news/<int:pk>/preview/",
        views.ArticlePreviewView.as_view(),
        name="preview",
    ),
    path(
        "n/<slug:network_slug>/news/<int:pk>/publish/",
        views.ArticlePublishView.as_view(),
        name="publish",
    ),
    path(
        "n/<slug:network_slug>/news/<int:pk>/translations/new/",
        translation_views.TranslationCreateView.as_view(),
        name="translation_create",
    ),
    path(
        "n/<slug:network_slug>/news/<int:pk>/translations/<slug:language>/",
        translation_views.TranslationUpdateView.as_view(),
        name="translation_edit",
    ),
    path(
        "n/<slug:network_slug>/news/<int:pk>/translations/<slug:language>/remove/",
        translation_views.TranslationDeleteView.as_view(),
        name="translation_remove",
    ),
]
