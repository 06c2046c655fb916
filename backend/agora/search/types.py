"""The search interface's value types, shared by both backends, the selectors and the API."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypedDict

MAX_QUERY_LENGTH = 200
MAX_SUGGEST_LENGTH = 100
# More words than this add nothing but cost (every word is one more AND in the query).
MAX_TERMS = 10
# Elasticsearch's default index.max_result_window; both backends page no deeper than this.
MAX_RESULT_WINDOW = 10_000


def page_reachable(number: int, size: int) -> bool:
    """Whether page ``number`` of ``size`` results lies within MAX_RESULT_WINDOW: the one rule for
    the pages a search accepts and the next links it hands out."""
    return number * size <= MAX_RESULT_WINDOW


# Typo tolerance by word length (letters only: words with digits, SKUs and numbers, are never
# corrected): none below 4 letters, one edit from 4, two from 8. A transposition of two
# neighbouring letters is one edit (Damerau).
ONE_TYPO_FROM = 4
TWO_TYPOS_FROM = 8
FACET_SIZE = 20
# Attribute filters: at most this many key:value pairs per search.
MAX_ATTRIBUTE_FILTERS = 20
SUGGEST_SIZE = 10
ORDERINGS = ("price", "-price", "name", "-created_at", "-rating")
RELEVANCE = "relevance"
# Price facet bands: [min, max) with the last one open. Both backends use exactly these.
PRICE_BAND_EDGES = (Decimal("10"), Decimal("25"), Decimal("50"), Decimal("100"), Decimal("250"), Decimal("500"))

_WORD = re.compile(r"\w+")

# One search hit: a product summary as a backend answers it (``documents.summary``), or as the
# API's serializer renders it before the answer is cached; both keep its ``slug``.
Hit = dict[str, Any]
# Facet buckets by facet name: category/vendor ``{slug, name, count}``, price ``{min, max, count}``,
# attributes ``{key, name, values: [{value, count}]}``.
Facets = dict[str, list[dict[str, Any]]]


def empty_facets() -> Facets:
    return {"category": [], "vendor": [], "price": [], "attributes": []}


def typo_budget(word: str) -> int:
    """How many edits a query word may be corrected by (0 for words with digits)."""
    if not word.isalpha() or len(word) < ONE_TYPO_FROM:
        return 0
    return 1 if len(word) < TWO_TYPOS_FROM else 2


class Suggestion(TypedDict):
    text: str
    slug: str


def words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits (underscores are separators)."""
    return _WORD.findall(text.lower().replace("_", " "))


def tokenize(text: str) -> list[str]:
    """The searchable words of ``text``: lower-cased runs of letters/digits, at most ``MAX_TERMS``.

    Everything else (quotes, SQL, regex and Lucene operators) is a separator, so no input
    can change the structure of a backend query.
    """
    return words(text)[:MAX_TERMS]


def price_bands() -> list[tuple[Decimal, Decimal | None]]:
    lows = (Decimal("0"), *PRICE_BAND_EDGES)
    highs = (*PRICE_BAND_EDGES, None)
    return list(zip(lows, highs, strict=True))


@dataclass(frozen=True)
class SearchFilters:
    category: str | None = None  # slug; matches the category and its descendants
    vendor: str | None = None  # slug
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    # Attribute filters: (normalised key, values) pairs, sorted; a product matches a key when it
    # has any of its values, and every key given.
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    min_rating: Decimal | None = None  # average stars; unrated products are left out
    # Vendors that stopped being public (suspended): excluded at query time, so their
    # products vanish at once even before the index task removes their documents.
    exclude_vendor_ids: tuple[int, ...] = ()
    # Products taken off sale whose documents the index task has not removed yet: excluded at
    # query time too, so the count and the facets agree with the hits shown.
    exclude_product_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PageRequest:
    number: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


class Correction(TypedDict):
    word: str
    correction: str


@dataclass
class SearchResult:
    """``results`` are product summaries: ``id, slug, name, vendor{slug,name}, category{slug,name},
    price_from (Decimal|None), currency, in_stock, rating_average (Decimal|None), rating_count,
    thumbnail`` (a storage name, "" when none).

    How the query was understood: ``corrections`` (each typo corrected, in query order) and
    ``corrected_query`` (the words searched for, corrections in place; None when nothing was
    corrected); ``dropped_words``, the words left out because they matched nothing together
    with the others (or nothing at all)."""

    total: int
    results: list[Hit]
    facets: Facets = field(default_factory=empty_facets)
    corrections: list[Correction] = field(default_factory=list)
    corrected_query: str | None = None
    dropped_words: list[str] = field(default_factory=list)


class SearchBackend(Protocol):
    name: str

    def search(
        self, query: str, filters: SearchFilters, ordering: str | None, page: PageRequest, *, exact: bool = False
    ) -> SearchResult: ...

    def suggest(self, prefix: str, *, exclude_vendor_ids: tuple[int, ...] = ()) -> list[Suggestion]: ...

    def index(self, product_ids: list[int]) -> int: ...

    def remove(self, product_ids: list[int]) -> None: ...

    def rebuild(self, progress: Callable[[int], object] | None = None) -> int: ...

    def sync_rules(self) -> None: ...

    def health(self) -> None: ...
