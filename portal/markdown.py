"""Markdown written by people, turned into HTML that is safe to put on a page.

Every app that shows Markdown (news articles, minutes, plan sections) goes through
`render_markdown`, so there is one list of allowed tags and one sanitiser (nh3).

Python-Markdown recurses once per level of nested lists and quotes: a few hundred levels
raise `RecursionError`. Every Markdown field therefore carries `validate_markdown`, which
refuses over-long or over-nested text before it is saved; and `render_markdown` shows text
that got past it (stored before, or written directly) as plain text instead of failing, so
that one item never takes a page, a PDF or a feed down.
"""

import logging
import re

import markdown as md
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
_WORD = re.compile(r"\w+")

#: The longest Markdown text a person may save, in characters.
MAX_MARKDOWN_LENGTH = 100_000
#: The deepest nesting of lists and quotes a person may save.
MAX_MARKDOWN_NESTING = 20

#: What opens a line: indentation, quote markers and list markers, in any mix.
_LINE_OPENING = re.compile(r"(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
_LIST_MARKER = re.compile(r"[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
TAB_WIDTH = 4
#: The deepest nesting of HTML elements rendered Markdown may have (raw HTML included):
#: each level of a list is two elements (`ul`, `li`), and inline elements add a few.
MAX_HTML_NESTING = 3 * MAX_MARKDOWN_NESTING + 10
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)[^>]*>")
_VOID_TAGS = {"br", "hr"}

logger = logging.getLogger(__name__)


def nesting_depth(text: str) -> int:
    """How deeply lists and quotes nest, read from the openings of the lines alone.

    Each `>`, each list marker and each four columns of indentation count one level, the
    way Python-Markdown nests them; a linear scan, so it is cheap on any text.
    """
    deepest = 0
    for line in (text or "").splitlines():
        opening = _LINE_OPENING.match(line).group()
        if not opening.strip():
            continue  # indentation alone: a code block or a continued paragraph
        indent = opening.replace("\t", " " * TAB_WIDTH).count(" ")
        depth = opening.count(">") + len(_LIST_MARKER.findall(opening)) + indent // TAB_WIDTH
        deepest = max(deepest, depth)
    return deepest


def html_depth(html: str) -> int:
    """How deeply the elements of well-formed HTML (nh3's output) nest."""
    depth = deepest = 0
    for closing, tag in _TAG.findall(html):
        if tag in _VOID_TAGS:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def validate_markdown(text: str) -> None:
    """Refuse Markdown that is too long or nests too deeply to be shown."""
    if nesting_depth(text) > MAX_MARKDOWN_NESTING:
        raise ValidationError(
            _("Lists and quotes nest too deeply here: at most %(max)d levels."),
            code="markdown_too_deep",
            params={"max": MAX_MARKDOWN_NESTING},
        )
    if len(text or "") > MAX_MARKDOWN_LENGTH:
        raise ValidationError(
            _("This text is too long: at most %(max)d characters, it has %(length)d."),
            code="markdown_too_long",
            params={"max": MAX_MARKDOWN_LENGTH, "length": len(text)},
        )
    if render_markdown(text).startswith(_PLAIN_TEXT_START):
        raise ValidationError(
            _("This text cannot be shown: its lists, quotes or HTML nest too deeply."),
            code="markdown_unrenderable",
        )


_PLAIN_TEXT_START = '<pre class="markdown-as-text">'


def _as_plain_text(text: str) -> SafeString:
    return format_html(_PLAIN_TEXT_START + "{}</pre>", text)


def render_markdown(text: str) -> SafeString:
    """Sanitised HTML of `text`; text that cannot be rendered comes back as plain text."""
    text = text or ""
    if nesting_depth(text) > MAX_MARKDOWN_NESTING:
        return _as_plain_text(text)
    try:
        html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
        clean = nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    except Exception:  # RecursionError or any other failure of the renderer
        logger.exception("Markdown shown as plain text: it could not be rendered")
        return _as_plain_text(text)
    if html_depth(clean) > MAX_HTML_NESTING:
        return _as_plain_text(text)  # raw HTML nested deeper than Markdown may
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))
