"""The search: what a person may find, ranked, grouped by kind, with the words found marked.

Who may see what is never decided here: each kind's rows are those its own selector
gives the person (`search.indexes`), asked inside the one query that matches the words,
so that another city's local group, another network's meeting or a draft article are
neither listed nor counted. Two queries in all: the count of each kind, then one page.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from partners.selectors import network_list_for

from .enums import KIND_HEADINGS, Kind
from .indexes import INDEXES, START_MARK, STOP_MARK
from .languages import query_configs
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
    them in each of their networks (and published news, which everyone sees)."""
    networks = network_list_for(user=user) if user.is_authenticated else []
    mine = [network.pk for network in networks]
    allowed = Q()
    for index in INDEXES:
        if not networks and not index.public:
            continue
        for rows in index.visible(user, networks):
            condition = Q(kind=index.kind, object_id__in=rows.order_by().values("pk"))
            if not index.public:
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


class _CountedPaginator(Paginator):
    """Pages of results whose number is already known from the counts of each kind."""

    def __init__(self, object_list, per_page, *, total: int):
        super().__init__(object_list, per_page)
        self._total = total

    @cached_property
    def count(self):
        return self._total


@dataclass
class Results:
    text: str
    kind: str
    kinds: list[KindFound]
    _found: QuerySet = None
    _query: object = None

    @property
    def total(self) -> int:
        return sum(found.count for found in self.kinds)

    @property
    def shown_total(self) -> int:
        """How many results the pages list: of the kind chosen, or all."""
        if self.kind:
            return sum(found.count for found in self.kinds if found.kind == self.kind)
        return self.total

    def page(self, number) -> Page:
        """One page of results, best group first, each result with `title_marked` and
        `snippet` (safe HTML: the text escaped, the words found in <mark>)."""
        order = Case(
            *(When(kind=found.kind, then=Value(n)) for n, found in enumerate(self.kinds)),
            default=Value(len(self.kinds)),
        )
        rows = self._found.filter(kind=self.kind) if self.kind else self._found
        rows = rows.annotate(
            rank=SearchRank(F("vector"), self._query),
            group=order,
            title_headline=SearchHeadline(
                "title", self._query, config=F("config"), start_sel=START_MARK,
                stop_sel=STOP_MARK, highlight_all=True,
            ),
            snippet_headline=SearchHeadline(
                "body", self._query, config=F("config"), start_sel=START_MARK,
                stop_sel=STOP_MARK, max_words=30, min_words=12, max_fragments=2,
                fragment_delimiter=" … ",
            ),
        ).order_by("group", "-rank", "pk")  # fmt: skip
        paginator = _CountedPaginator(rows, PAGE_SIZE, total=self.shown_total)
        page = paginator.get_page(number)
        page.object_list = [_marked_entry(entry) for entry in page.object_list]
        return page


def search(*, user, text: str, kind: str = "") -> Results:
    """What the person may find for `text` (of one kind, if given): the count of each
    kind, the kind with the best result first; `Results.page()` lists them."""
    query = search_query(text)
    found = visible_entries(user=user).filter(vector=query)
    counts = (
        found.order_by()
        .values("kind")
        .annotate(count=Count("pk"), best=Max(SearchRank(F("vector"), query)))
    )
    kinds = sorted(
        (KindFound(row["kind"], row["count"], row["best"]) for row in counts),
        key=lambda found: (-found.best, _KIND_ORDER.get(found.kind, 0)),
    )
    return Results(text=text, kind=kind, kinds=kinds, _found=found, _query=query)


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
