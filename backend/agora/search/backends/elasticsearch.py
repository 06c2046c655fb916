"""Elasticsearch backend (``SEARCH_BACKEND=elasticsearch``), through the official client's ``elasticsearch.dsl``.

- Explicit mapping (``dynamic: strict``): text fields with an ASCII-folding analyzer copied into
  ``all_text`` (plus an English-stemmed sub-field), keyword fields for filters and facets, a
  completion field for suggestions.
- Queries mirror the PostgreSQL backend: every word must match somewhere (exactly, stemmed,
  within one edit from 4 letters, the last word also as a prefix), weighted fields score
  (name and SKUs highest), the same filters, the same facets (``terms``/``range`` aggs).
- Versioned indices behind one alias: ``rebuild()`` bulk-loads a new index and swaps the
  alias in one atomic ``_aliases`` call, so searches never see a half-built index.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from elasticsearch import BadRequestError, Elasticsearch, helpers
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    Long,
    MetaField,
    Object,
    Q,
    ScaledFloat,
    Search,
    Text,
    analyzer,
    normalizer,
)
from elasticsearch.dsl.query import Query

from agora.search.documents import build_documents, public_products
from agora.search.types import (
    FACET_SIZE,
    FUZZY_MIN_LENGTH,
    SUGGEST_SIZE,
    PageRequest,
    SearchFilters,
    SearchResult,
    Suggestion,
    price_bands,
    tokenize,
    words,
)

folding = analyzer("folding", tokenizer="standard", filter=["lowercase", "asciifolding"])
lowercase = normalizer("lowercase", filter=["lowercase", "asciifolding"])
SUMMARY_FIELDS = [
    "id",
    "slug",
    "name",
    "vendor",
    "category",
    "price_from",
    "currency",
    "in_stock",
    "rating_average",
    "rating_count",
    "thumbnail",
]
# Field weights, as the PostgreSQL backend's tsvector weights: name and SKUs (A),
# vendor, category and attributes (B), description (C).
SCORED_FIELDS = [
    "name^4",
    "skus^4",
    "vendor_name^2",
    "category_names^2",
    "attributes_text^2",
    "description",
]


def _text(**kwargs) -> Text:
    return Text(analyzer=folding, copy_to="all_text", **kwargs)


class SlugName(InnerDoc):
    slug = Keyword()
    name = Keyword()


class ProductDocument(Document):
    id = Long()
    slug = Keyword()
    name = _text(fields={"sort": Keyword(normalizer=lowercase)})
    skus = _text()
    vendor_name = _text()
    category_names = _text()
    attributes_text = _text()
    description = _text()
    all_text = Text(analyzer=folding, fields={"stemmed": Text(analyzer="english")})
    vendor_id = Long()
    vendor = Object(SlugName)
    category = Object(SlugName)
    category_slugs = Keyword()
    price_from = ScaledFloat(scaling_factor=100)
    currency = Keyword()
    in_stock = Boolean()
    rating_average = ScaledFloat(scaling_factor=100)
    rating_count = Integer()
    thumbnail = Keyword(index=False)
    created_at = Date()
    suggest = Completion(analyzer=folding)

    class Meta:
        dynamic = MetaField("strict")


def index_body() -> dict:
    """Settings and mappings of every versioned index (what ``PUT /<index>`` sends)."""
    index = Index("products")
    index.settings(
        number_of_shards=1,
        number_of_replicas=settings.ELASTICSEARCH_INDEX_REPLICAS,
        max_result_window=10_000,
    )
    index.document(ProductDocument)
    return index.to_dict()


def es_document(doc: dict) -> dict:
    """A catalog document as stored in Elasticsearch (``_source``)."""
    name_words = doc["name"].split()
    return {
        "id": doc["id"],
        "slug": doc["slug"],
        "name": doc["name"],
        "skus": doc["skus"],
        "vendor_name": doc["vendor"]["name"],
        "category_names": doc["category_names"],
        "attributes_text": doc["attributes_text"],
        "description": doc["description"],
        "vendor_id": doc["vendor_id"],
        "vendor": doc["vendor"],
        "category": doc["category"],
        "category_slugs": doc["category_slugs"],
        "price_from": None if doc["price_from"] is None else str(doc["price_from"]),
        "currency": doc["currency"],
        "in_stock": doc["in_stock"],
        "rating_average": None if doc["rating_average"] is None else str(doc["rating_average"]),
        "rating_count": doc["rating_count"],
        "thumbnail": doc["thumbnail"],
        "created_at": doc["created_at"].isoformat(),
        # The whole name first, then from each later word on, so "mug" suggests "Travel Mug".
        "suggest": [
            {"input": [doc["name"]], "weight": 2},
            {"input": [" ".join(name_words[i:]) for i in range(1, len(name_words))] or [doc["name"]], "weight": 1},
        ],
    }


def _word_clause(term: str, *, last: bool) -> Query:
    should = [
        Q("match", all_text={"query": term, "fuzziness": 1} if len(term) >= FUZZY_MIN_LENGTH else {"query": term}),
        Q("match", **{"all_text.stemmed": term}),
    ]
    if last:
        should.append(Q("prefix", all_text={"value": term}))
    return Q("bool", should=should, minimum_should_match=1)


_SORTS = {
    "relevance": ["_score", {"id": "asc"}],
    "price": [{"price_from": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
    "-price": [{"price_from": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
    "name": [{"name.sort": "asc"}, {"id": "asc"}],
    "-created_at": [{"created_at": "desc"}, {"id": "desc"}],
    "-rating": [
        {"rating_average": {"order": "desc", "missing": "_last"}},
        {"rating_count": {"order": "desc"}},
        {"id": "asc"},
    ],
}


def search_request(query: str, filters: SearchFilters, ordering: str | None, page: PageRequest) -> Search:
    """The search request (query, filters, sort, page and facet aggregations) for ``_search``."""
    terms = tokenize(query)
    s = Search().extra(track_total_hits=True).source(SUMMARY_FIELDS)
    if terms:
        s = s.query(
            Q(
                "bool",
                must=[_word_clause(t, last=i == len(terms) - 1) for i, t in enumerate(terms)],
                should=[Q("multi_match", query=" ".join(terms), fields=SCORED_FIELDS, type="best_fields")],
            )
        )
    if filters.category:
        s = s.filter("term", category_slugs=filters.category)
    if filters.vendor:
        s = s.filter("term", **{"vendor.slug": filters.vendor})
    price = {}
    if filters.min_price is not None:
        price["gte"] = str(filters.min_price)
    if filters.max_price is not None:
        price["lte"] = str(filters.max_price)
    if price:
        s = s.filter("range", price_from=price)
    if filters.in_stock is not None:
        s = s.filter("term", in_stock=filters.in_stock)
    if filters.min_rating is not None:
        s = s.filter("range", rating_average={"gte": str(filters.min_rating)})
    if filters.exclude_vendor_ids:
        s = s.exclude("terms", vendor_id=list(filters.exclude_vendor_ids))
    s = s.sort(*_SORTS[ordering or ("relevance" if terms else "-created_at")])
    s = s[page.offset : page.offset + page.size]
    for facet, field in (("category", "category"), ("vendor", "vendor")):
        s.aggs.bucket(
            facet, "terms", field=f"{field}.slug", size=FACET_SIZE, order=[{"_count": "desc"}, {"_key": "asc"}]
        ).bucket("name", "terms", field=f"{field}.name", size=1)
    ranges = [{"key": str(b), **_range(low, high)} for b, (low, high) in enumerate(price_bands())]
    s.aggs.bucket("price", "range", field="price_from", ranges=ranges)
    return s


def _range(low: Decimal, high: Decimal | None) -> dict:
    bounds = {"from": float(low)} if low else {}
    if high is not None:
        bounds["to"] = float(high)
    return bounds


def suggest_request(prefix: str) -> dict:
    return {
        "_source": ["name", "slug", "vendor_id"],
        "suggest": {"products": {"prefix": prefix, "completion": {"field": "suggest", "size": SUGGEST_SIZE}}},
    }


def client_from_settings() -> Elasticsearch:
    """The client, from ELASTICSEARCH_URL plus an API key or basic auth, and TLS settings."""
    options: dict = {"request_timeout": 5, "max_retries": 2, "retry_on_timeout": True}
    if settings.ELASTICSEARCH_API_KEY:
        options["api_key"] = settings.ELASTICSEARCH_API_KEY
    elif settings.ELASTICSEARCH_USERNAME:
        options["basic_auth"] = (settings.ELASTICSEARCH_USERNAME, settings.ELASTICSEARCH_PASSWORD)
    if settings.ELASTICSEARCH_CA_CERTS:
        options["ca_certs"] = settings.ELASTICSEARCH_CA_CERTS
    if settings.ELASTICSEARCH_URL.startswith("https"):
        options["verify_certs"] = settings.ELASTICSEARCH_VERIFY_CERTS
    return Elasticsearch(settings.ELASTICSEARCH_URL or "http://localhost:9200", **options)


class ElasticsearchBackend:
    name = "elasticsearch"
    batch_size = 500

    def __init__(self, client: Elasticsearch | None = None, prefix: str | None = None):
        self.client = client or client_from_settings()
        self.alias = f"{prefix or settings.ELASTICSEARCH_INDEX_PREFIX}-products"
        self._alias_ready = False

    # --- index management ----------------------------------------------------------------

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def _create_index(self, name: str, *, with_alias: bool) -> None:
        body = index_body()
        if with_alias:
            body["aliases"] = {self.alias: {}}
        self.client.indices.create(index=name, **body)

    def ensure_index(self) -> None:
        """Creates the first index behind the alias if there is none yet (checked once per process).

        Its name is fixed, so two processes starting at once cannot create two indices behind
        the alias: the second one's create fails with "already exists", which is fine.
        """
        if self._alias_ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            try:
                self._create_index(f"{self.alias}-initial", with_alias=True)
            except BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        self._alias_ready = True

    # --- reads -------------------------------------------------------------------------

    def search(self, query: str, filters: SearchFilters, ordering: str | None, page: PageRequest) -> SearchResult:
        self.ensure_index()
        response = self.client.search(index=self.alias, body=search_request(query, filters, ordering, page).to_dict())
        hits = response["hits"]
        results = [_summary(hit["_source"]) for hit in hits["hits"]]
        aggs = response["aggregations"]
        facets = {
            facet: [
                {
                    "slug": b["key"],
                    "name": (b["name"]["buckets"] or [{"key": b["key"]}])[0]["key"],
                    "count": b["doc_count"],
                }
                for b in aggs[facet]["buckets"]
            ]
            for facet in ("category", "vendor")
        }
        bands = price_bands()
        facets["price"] = [
            {"min": bands[int(b["key"])][0], "max": bands[int(b["key"])][1], "count": b["doc_count"]}
            for b in aggs["price"]["buckets"]
            if b["doc_count"]
        ]
        return SearchResult(total=hits["total"]["value"], results=results, facets=facets)

    def suggest(self, prefix: str, *, exclude_vendor_ids: tuple[int, ...] = ()) -> list[Suggestion]:
        text = " ".join(words(prefix))
        if not text:
            return []
        self.ensure_index()
        response = self.client.search(index=self.alias, body=suggest_request(text))
        options = response["suggest"]["products"][0]["options"]
        excluded = set(exclude_vendor_ids)
        return [
            {"text": o["_source"]["name"], "slug": o["_source"]["slug"]}
            for o in options
            if o["_source"].get("vendor_id") not in excluded
        ]

    # --- writes ------------------------------------------------------------------------

    def _bulk(self, actions: Iterable[dict], index: str, **kwargs) -> None:
        helpers.bulk(self.client, actions, index=index, ignore_status=(404,), chunk_size=self.batch_size, **kwargs)

    def index(self, product_ids: list[int]) -> int:
        """Indexes the public products among ``product_ids`` and deletes the others' documents."""
        self.ensure_index()
        ids = sorted(set(product_ids))
        docs = []
        for start in range(0, len(ids), self.batch_size):
            docs += build_documents(ids[start : start + self.batch_size])
        found = {d["id"] for d in docs}
        actions = [{"_op_type": "index", "_id": str(d["id"]), "_source": es_document(d)} for d in docs]
        actions += [{"_op_type": "delete", "_id": str(pk)} for pk in ids if pk not in found]
        if actions:
            # wait_for: the change is searchable when the indexing task finishes.
            self._bulk(actions, self.alias, refresh="wait_for")
        return len(docs)

    def remove(self, product_ids: list[int]) -> None:
        if product_ids:
            self.ensure_index()
            actions = [{"_op_type": "delete", "_id": str(pk)} for pk in sorted(set(product_ids))]
            self._bulk(actions, self.alias, refresh="wait_for")

    def rebuild(self, progress: Callable[[int], object] | None = None) -> int:
        """Builds a new versioned index from the catalog, then points the alias at it atomically.

        Searches keep using the old index until the swap; the old indices are deleted after it.
        """
        new = self._new_index_name()
        self._create_index(new, with_alias=False)
        self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": "-1"}})
        total, last = 0, 0
        while True:
            batch = list(
                public_products().filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[: self.batch_size]
            )
            if not batch:
                break
            docs = build_documents(batch)
            self._bulk(({"_op_type": "index", "_id": str(d["id"]), "_source": es_document(d)} for d in docs), new)
            total += len(docs)
            last = batch[-1]
            if progress:
                progress(len(batch))
        self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
        self.client.indices.refresh(index=new)
        old = list(self.client.indices.get_alias(name=self.alias)) if self._alias_exists() else []
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in sorted(old)]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        self._alias_ready = True
        for name in sorted(old):
            self.client.indices.delete(index=name, ignore_unavailable=True)
        return total

    def _alias_exists(self) -> bool:
        return bool(self.client.indices.exists_alias(name=self.alias))

    def health(self) -> None:
        health = self.client.cluster.health(timeout="2s")
        if health["status"] == "red":
            raise RuntimeError(f"Elasticsearch cluster status is red ({health['cluster_name']})")


def _summary(source: dict) -> dict:
    price = source.get("price_from")
    rating = source.get("rating_average")
    return {
        "id": source["id"],
        "slug": source["slug"],
        "name": source["name"],
        "vendor": source["vendor"],
        "category": source["category"],
        "price_from": None if price is None else Decimal(str(price)).quantize(Decimal("0.01")),
        "currency": source["currency"],
        "in_stock": source["in_stock"],
        # Documents indexed before ratings existed have neither field until the next re-index.
        "rating_average": None if rating is None else Decimal(str(rating)).quantize(Decimal("0.01")),
        "rating_count": source.get("rating_count") or 0,
        "thumbnail": source.get("thumbnail") or "",
    }
