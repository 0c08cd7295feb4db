from functools import partial

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from portal import pagecache
from portal.markdown import render_markdown

from . import selectors

FEED_LENGTH = 30


class TranslatedAtom1Feed(Atom1Feed):
    """Atom entries that say their language and link to their translations (RFC 4287:
    `xml:lang` on the entry, a `link rel="alternate"` with `hreflang` for each)."""

    def item_attributes(self, item):
        return {**super().item_attributes(item), "xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for language in item["translations"]:
            # The address of a translation is the article's followed by its language.
            link = {"rel": "alternate", "hreflang": language, "href": f"{item['link']}{language}/"}
            handler.addQuickElement("link", "", link)


class LatestArticlesFeed(Feed):
    """The newest published articles, of one network or of all: public on purpose.

    Each entry is the original; the Atom feed names its translations."""

    public = True
    feed_type = TranslatedAtom1Feed

    def __call__(self, request, *args, **kwargs):
        """The same for every reader: kept until something published changes."""
        return pagecache.serve(
            request,
            scopes=[pagecache.SITE, pagecache.PUBLIC],
            render=partial(super().__call__, request, *args, **kwargs),
            content_types=(self.feed_type.content_type.split(";")[0],),
        )

    def get_object(self, request, network_slug=None):
        if network_slug is None:
            return None
        return selectors.public_network(slug=network_slug)

    def title(self, network):
        if network is None:
            return _("News from the networks")
        return _("%(acronym)s news") % {"acronym": network.acronym}

    def subtitle(self, network):
        return network.theme if network is not None and network.theme else ""

    description = subtitle

    def link(self, network):
        if network is None:
            return reverse("news:list")
        return reverse("news:network_list", kwargs={"network_slug": network.slug})

    def items(self, network):
        return selectors.published_articles(network=network, with_translations=True)[:FEED_LENGTH]

    def item_extra_kwargs(self, article):
        return {
            "language": article.language,
            "translations": [t.language for t in article.translations.all()],
        }

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return render_markdown(article.body)

    def item_author_name(self, article):
        return article.author.get_full_name()

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.edited_at

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class LatestArticlesRssFeed(LatestArticlesFeed):
    public = True
    feed_type = Rss201rev2Feed
