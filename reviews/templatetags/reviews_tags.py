"""What the review engine's shared templates (templates/reviews/) need of a document's page.

{% has_perm document|review_perm:"submit" user document as can_submit %}
{% review_url "iap:roadmap_thread" thread=thread.pk what="reply" %}
{% part_threads threads_by_part "step" step.pk as step_threads %}
{% review_enum "ReviewState" as ReviewState %}…{% if document.state == ReviewState.DRAFT %}
"""

from django import template
from django.urls import reverse

from .. import enums
from ..enums import ThreadState

register = template.Library()

#: The badge of each state of a thread: the word is always written, the colour repeats it
#: (portal.css, contrast ≥ 4.5:1).
THREAD_BADGES = {
    ThreadState.OPEN: "state-due_soon",
    ThreadState.ANSWERED: "state-on_track",
    ThreadState.RESOLVED: "state-done",
}


#: The engine's choices a template may name: `ReviewState.DRAFT`, `ThreadState.OPEN`…
ENUMS = {
    name: getattr(enums, name) for name in ("ReviewState", "ThreadState", "Side", "ReviewAction")
}


@register.simple_tag
def review_enum(name: str):
    return ENUMS[name]


@register.filter
def review_perm(document, verb: str) -> str:
    """The name of the document's own permission for `verb` ("iap.submit_roadmap")."""
    return document.perm(verb)


@register.simple_tag(takes_context=True)
def review_url(context, url_name: str, **kwargs) -> str:
    """An address of the document's review, beside the page's own: the page's address
    arguments (its network, its city) and the ones given (a thread, what to do)."""
    return reverse(url_name, kwargs={**context["request"].resolver_match.kwargs, **kwargs})


@register.simple_tag
def part_threads(threads_by_part, kind: str, key="") -> list:
    """The threads about one part ("step", 12 → "step-12"); `kind` "" for the whole
    document."""
    part = f"{kind}-{key}" if kind else ""
    return threads_by_part.get(part, [])


@register.filter
def thread_badge(thread) -> str:
    return THREAD_BADGES.get(thread.state, "state-not_due_yet")
