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
# One edit is allowed from this word length on (API.md: "one edit in words of 4+ letters").
FUZZY_MIN_LENGTH = 4
FACET_SIZE = 20
SUGGEST_SIZE = 10
ORDERINGS = ("price", "-price", "name", "-created_at", "-rating")
RELEVANCE = "relevance"
# Price facet bands: [min, max) with the last one open. Both backends use exactly these.
PRICE_BAND_EDGES = (Decimal("10"), Decimal("25"), Decimal("50"), Decimal("100"), Decimal("250"), Decimal("500"))

_WORD = re.compile(r"\w+")

# One search hit: a product summary as a backend answers it (``documents.summary``), or as the
# API's serializer renders it before the answer is cached; both keep its ``slug``.
Hit = dict[str, Any]
# Facet buckets by facet name: category/vendor ``{slug, name, count}``, price ``{min, max, count}``.
Facets = dict[str, list[dict[str, Any]]]


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
    min_rating: Decimal | None = None  # average stars; unrated products are left out
    # Vendors that stopped being public (suspended): excluded at query time, so their
    # products vanish at once even before the index task removes their documents.
    exclude_vendor_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PageRequest:
    number: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass
class SearchResult:
    """``results`` are product summaries: ``id, slug, name, vendor{slug,name}, category{slug,name},
    price_from (Decimal|None), currency, in_stock, rating_average (Decimal|None), rating_count, thumbnail``
    (a storage name, "" when none)."""

    total: int
    results: list[Hit]
    facets: Facets = field(default_factory=lambda: {"category": [], "vendor": [], "price": []})


class SearchBackend(Protocol):
    name: str

    def search(self, query: str, filters: SearchFilters, ordering: str | None, page: PageRequest) -> SearchResult: ...

    def suggest(self, prefix: str, *, exclude_vendor_ids: tuple[int, ...] = ()) -> list[Suggestion]: ...

    def index(self, product_ids: list[int]) -> int: ...

    def remove(self, product_ids: list[int]) -> None: ...

    def rebuild(self, progress: Callable[[int], object] | None = None) -> int: ...

    def health(self) -> None: ...
