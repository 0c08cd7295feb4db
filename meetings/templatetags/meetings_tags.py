"""`{{ event|span }}`: when a meeting or a call takes place, its whole span in the reader's
zone (`meetings.timespan`), inside a <time> element that gives its start to machines."""

from django import template
from django.utils.html import format_html

from portal.dates import localtime_or_utc

from ..timespan import span_text

register = template.Library()


@register.filter
def span(event):
    """The event's span from `starts_at` to `ends_at`, in the current zone."""
    starts, ends = event.starts_at, event.ends_at
    return format_html(
        '<time datetime="{}">{}</time>',
        localtime_or_utc(starts).isoformat(),
        span_text(starts, ends),
    )
