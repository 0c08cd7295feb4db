from django.contrib.sitemaps import Sitemap

from . import selectors
from .models import ArticleTranslation


class ArticleSitemap(Sitemap):
    """Every published article, and each of its translations at its own address."""

    changefreq = "monthly"

    def items(self):
        articles = list(selectors.published_articles(with_translations=True))
        return articles + [t for article in articles for t in article.translations.all()]

    def lastmod(self, item):
        if isinstance(item, ArticleTranslation):
            return item.updated_at
        return item.edited_at
