"""The search: what a person may find, ranked, grouped by kind, with the words found marked.

Who may see what is never decided here: each kind's rows are those its own selector
gives the person (`search.indexes`), asked inside the one query that matches the words,
so that another city's local group, another network's meeting or a draft article are
neither listed nor counted. Two queries in all: every entry found (its id, kind and rank,
which give the counts and the order), then the page's entries with their highlighting.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from partners.selectors import network_list_for

from .enums import KIND_HEADINGS, Kind
from .indexes import INDEXES, START_MARK, STOP_MARK
from .languages import available, query_configs
from .models import Entry

#: The longest query accepted, in characters.
MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
_KIND_ORDER = {kind: n for n, kind in enumerate(Kind.values)}


def search_query(text: str):
    """The words as a person types them (quotes for a phrase, `or`, `-` to leave out),
    read in every language an entry may be in (`search.languages`)."""
    queries = [SearchQuery(text, config=name, search_type="websearch") for name in query_configs()]
    return reduce(operator.or_, queries)


def visible_entries(*, user) -> QuerySet[Entry]:
    """The entries of what the person may see: for each kind, the rows its selector gives
    them in each of their networks; for a person of no network (a visitor), the published
    news."""
    networks = network_list_for(user=user) if user.is_authenticated else []
    mine = [network.pk for network in networks]
    kinds_by_rule = {}  # the kinds of one model seen by one rule (a meeting and its minutes)
    for index in INDEXES:
        if networks or index.public:
            kinds_by_rule.setdefault((index.model, index.visible), []).append(index.kind)
    allowed = Q()
    for (_model, visible), kinds in kinds_by_rule.items():
        for rows in visible(user, networks):
            condition = Q(kind__in=kinds, object_id__in=rows.order_by().values("pk"))
            if networks:  # and never another network's, whatever a selector says
                condition &= Q(network__in=mine)
            allowed |= condition
    if not allowed:
        return Entry.objects.none()
    return Entry.objects.filter(allowed)


@dataclass(frozen=True)
class KindFound:
    kind: str
    count: int
    best: float

    @property
    def label(self) -> str:
        return Kind(self.kind).label

    @property
    def heading(self) -> str:
        return KIND_HEADINGS[Kind(self.kind)]


@dataclass
class Results:
    """What a search found: the count of each kind (`kinds`, the kind with the best result
    first) and, in the order the pages list them, the entries' ids."""

    text: str
    kind: str
    kinds: list[KindFound]
    #: (id, kind) of each entry found, best group first, best first within it.
    ranked: list[tuple[int, str]]
    query: object = None

    @property
    def total(self) -> int:
        return len(self.ranked)

    def page(self, number) -> Page:
        """One page of results (of the kind chosen, or all), each entry with `heading`,
        `title_marked` and `snippet` (safe HTML: the text escaped, the words found in
        <mark>). The highlighting is made for the page's entries only."""
        listed = [pk for pk, kind in self.ranked if not self.kind or kind == self.kind]
        page = Paginator(listed, PAGE_SIZE).get_page(number)
        headlines = dict(
            Entry.objects.filter(pk__in=page.object_list)
            .annotate(
                title_headline=SearchHeadline(
                    "title", self.query, config=F("config"), start_sel=START_MARK,
                    stop_sel=STOP_MARK, highlight_all=True,
                ),
                snippet_headline=SearchHeadline(
                    "body", self.query, config=F("config"), start_sel=START_MARK,
                    stop_sel=STOP_MARK, max_words=30, min_words=12, max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .defer("body", "vector")
            .in_bulk()
        )  # fmt: skip
        shown = [headlines[pk] for pk in page.object_list if pk in headlines]
        page.object_list = [_marked_entry(entry) for entry in shown]
        return page


def search(*, user, text: str, kind: str = "") -> Results:
    """What the person may find for `text`, in one query: each entry's kind and rank; the
    groups are ordered by their best result, the entries by rank within their group."""
    if not available():
        return Results(text=text, kind=kind, kinds=[], ranked=[])
    query = search_query(text)
    found = list(
        visible_entries(user=user)
        .filter(vector=query)
        .annotate(rank=SearchRank(F("vector"), query))
        .values_list("pk", "kind", "rank")
    )
    best, counts = {}, {}
    for _pk, found_kind, rank in found:
        counts[found_kind] = counts.get(found_kind, 0) + 1
        best[found_kind] = max(best.get(found_kind, rank), rank)
    kinds = sorted(
        (KindFound(k, counts[k], best[k]) for k in counts),
        key=lambda group: (-group.best, _KIND_ORDER.get(group.kind, 0)),
    )
    group_of = {group.kind: n for n, group in enumerate(kinds)}
    found.sort(key=lambda row: (group_of[row[1]], -row[2], row[0]))
    ranked = [(pk, found_kind) for pk, found_kind, _rank in found]
    return Results(text=text, kind=kind, kinds=kinds, ranked=ranked, query=query)


def marked(headline: str | None) -> SafeString:
    """A headline of PostgreSQL's, escaped, with the words found in <mark>. The markers
    are characters kept out of every text indexed (`search.indexes.plain`), so only
    `ts_headline` put them there."""
    escaped = str(escape(headline or ""))
    html = escaped.replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only our own tags added


def _marked_entry(entry: Entry) -> Entry:
    entry.heading = KIND_HEADINGS[Kind(entry.kind)]
    entry.title_marked = marked(entry.title_headline)
    entry.snippet = marked(entry.snippet_headline)
    return entry
