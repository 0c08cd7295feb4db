from django import template

from news import selectors

register = template.Library()


@register.simple_tag
def latest_articles(count=3):
    """`{% latest_articles 3 as latest %}`: the newest published articles of all networks."""
    return list(selectors.published_articles()[:count])
