from django.contrib.sitemaps import Sitemap

from . import selectors


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return selectors.published_articles()

    def lastmod(self, article):
        return article.edited_at
