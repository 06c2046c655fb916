"""Elasticsearch backend (``SEARCH_BACKEND=elasticsearch``), through the official client's ``elasticsearch.dsl``.

- Explicit mapping (``dynamic: strict``): text fields with an ASCII-folding analyzer copied into
  ``all_text`` (every field), ``text_a`` (name and SKUs) and ``text_b`` (vendor, categories,
  attributes), each with an English-stemmed sub-field; keyword fields for filters and facets
  (``attribute_values`` holds "key\\x1fvalue" pairs), ``popularity`` for ranking, a completion
  field for suggestions.
- Synonyms live in an Elasticsearch synonyms set (``<prefix>-synonyms``, synced from staff's
  rules by ``sync_rules``) that the search analyzers apply, reloaded live when it changes.
- The query is understood first, as for PostgreSQL (``agora.search.query``: stop words, typo
  corrections from the shared lexicon, the fallback); every term must match (``filter``), and
  the score is made of constant tiers — terms found in the name or a SKU (121 each), the last
  word found there whole rather than as a prefix (11), outside the description (1 each) — then ``in_stock``, ``popularity`` and ``id`` sort: the order the
  PostgreSQL backend uses (no BM25: relevance tiers, then the shop's own signals). Attribute filters are a ``post_filter``, so each attribute
  facet counts its values without its own selection.
- Versioned indices behind one alias: ``rebuild()`` bulk-loads a new index and swaps the
  alias in one atomic ``_aliases`` call, so searches never see a half-built index.
"""

from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
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
    token_filter,
)
from elasticsearch.dsl.query import Query

from agora.catalog.attributes import SEPARATOR
from agora.catalog.selectors import SUMMARY_FIELDS
from agora.search import lexicon
from agora.search.documents import build_documents, public_products
from agora.search.query import Alternative, Term, run, understand
from agora.search.rules import Rules, current_rules
from agora.search.types import (
    FACET_SIZE,
    SUGGEST_SIZE,
    PageRequest,
    SearchFilters,
    SearchResult,
    Suggestion,
    empty_facets,
    price_bands,
    tokenize,
    words,
)

# Score tiers (constant, summed), compared as PostgreSQL orders them: terms found in the name,
# then the last word found there as a whole word (not only as a prefix), then terms found
# outside the description. With at most MAX_TERMS = 10 terms: 10 x 1 < 11 and
# 10 x 11 + 10 x 1 < 121, so a higher tier always outweighs every lower one together.
NAMED_BOOST = 121
WHOLE_BOOST = 11
LISTED_BOOST = 1
SYNONYMS_PLACEHOLDER = "agora-synonyms"  # replaced by the real set name in ``index_body``

folding = analyzer("folding", tokenizer="standard", filter=["lowercase", "asciifolding"])
lowercase = normalizer("lowercase", filter=["lowercase", "asciifolding"])
synonyms = token_filter("synonyms", "synonym_graph", synonyms_set=SYNONYMS_PLACEHOLDER, updateable=True)
folding_search = analyzer("folding_search", tokenizer="standard", filter=["lowercase", "asciifolding", synonyms])
# The built-in "english" analyzer (the stemmed sub-fields' index analyzer) with the synonyms, and
# without its stop filter: a stop filter after a synonym graph can break multi-word synonyms, and
# a stop word finds nothing in those sub-fields anyway (the index analyzer left it out).
english_search = analyzer(
    "english_search",
    tokenizer="standard",
    filter=[
        token_filter("english_possessive", "stemmer", language="possessive_english"),
        "lowercase",
        synonyms,
        token_filter("english_stemmer", "stemmer", language="english"),
    ],
)


def _text(*targets: str, **kwargs) -> Text:
    return Text(analyzer=folding, copy_to=["all_text", *targets], **kwargs)


def _searchable() -> Text:
    return Text(
        analyzer=folding,
        search_analyzer=folding_search,
        fields={"stemmed": Text(analyzer="english", search_analyzer=english_search)},
    )


class SlugName(InnerDoc):
    slug = Keyword()
    name = Keyword()


class ProductDocument(Document):
    id = Long()
    slug = Keyword()
    name = _text("text_a", fields={"sort": Keyword(normalizer=lowercase)})
    skus = _text("text_a")
    vendor_name = _text("text_b")
    category_names = _text("text_b")
    attributes_text = _text("text_b")
    description = _text()
    all_text = _searchable()
    text_a = _searchable()
    text_b = _searchable()
    attribute_values = Keyword()
    vendor_id = Long()
    vendor = Object(SlugName)
    category = Object(SlugName)
    category_slugs = Keyword()
    price_from = ScaledFloat(scaling_factor=100)
    currency = Keyword()
    in_stock = Boolean()
    popularity = Integer()
    rating_average = ScaledFloat(scaling_factor=100)
    rating_count = Integer()
    thumbnail = Keyword(index=False)
    created_at = Date()
    suggest = Completion(analyzer=folding)

    class Meta:
        dynamic = MetaField("strict")


def synonyms_set_name(prefix: str | None = None) -> str:
    return f"{prefix or settings.ELASTICSEARCH_INDEX_PREFIX}-synonyms"


def index_body(prefix: str | None = None) -> dict:
    """Settings and mappings of every versioned index (what ``PUT /<index>`` sends)."""
    index = Index("products")
    index.settings(
        number_of_shards=1,
        number_of_replicas=settings.ELASTICSEARCH_INDEX_REPLICAS,
        max_result_window=10_000,
    )
    index.document(ProductDocument)
    body = index.to_dict()
    body["settings"]["analysis"]["filter"]["synonyms"]["synonyms_set"] = synonyms_set_name(prefix)
    return body


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
        "attribute_values": doc["attribute_values"],
        "vendor_id": doc["vendor_id"],
        "vendor": doc["vendor"],
        "category": doc["category"],
        "category_slugs": doc["category_slugs"],
        "price_from": None if doc["price_from"] is None else str(doc["price_from"]),
        "currency": doc["currency"],
        "in_stock": doc["in_stock"],
        "popularity": doc["popularity"],
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


def _alternative(alt: Alternative, fields: tuple[str, ...]) -> list[Query]:
    text = " ".join(alt.words)
    clauses: list[Query] = []
    for field in fields:
        if len(alt.words) > 1:
            clauses += [Q("match_phrase", **{field: text}), Q("match_phrase", **{f"{field}.stemmed": text})]
        else:
            clauses += [Q("match", **{field: text}), Q("match", **{f"{field}.stemmed": text})]
            if alt.prefix:
                clauses.append(Q("prefix", **{field: {"value": text}}))
    return clauses


def _whole(term: Term) -> tuple[Alternative, ...]:
    return tuple(replace(a, prefix=False) for a in term.alternatives if not a.completion)


def term_query(alternatives: Iterable[Alternative], fields: tuple[str, ...] = ("all_text",)) -> Query:
    """Matches a document where any alternative of the term is found in any of ``fields``."""
    should = [clause for alt in alternatives for clause in _alternative(alt, fields)]
    return Q("bool", should=should, minimum_should_match=1)


_SORTS = {
    "relevance": ["_score", {"in_stock": "desc"}, {"popularity": "desc"}, {"id": "asc"}],
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


def _base_filters(filters: SearchFilters) -> list[Query]:
    clauses: list[Query] = []
    if filters.category:
        clauses.append(Q("term", category_slugs=filters.category))
    if filters.vendor:
        clauses.append(Q("term", **{"vendor.slug": filters.vendor}))
    price = {}
    if filters.min_price is not None:
        price["gte"] = str(filters.min_price)
    if filters.max_price is not None:
        price["lte"] = str(filters.max_price)
    if price:
        clauses.append(Q("range", price_from=price))
    if filters.in_stock is not None:
        clauses.append(Q("term", in_stock=filters.in_stock))
    if filters.min_rating is not None:
        clauses.append(Q("range", rating_average={"gte": str(filters.min_rating)}))
    if filters.exclude_vendor_ids:
        clauses.append(Q("bool", must_not=[Q("terms", vendor_id=list(filters.exclude_vendor_ids))]))
    if filters.exclude_product_ids:
        clauses.append(Q("bool", must_not=[Q("terms", id=list(filters.exclude_product_ids))]))
    return clauses


def _attribute_filters(filters: SearchFilters, *, but: str | None = None) -> list[Query]:
    return [
        Q("terms", attribute_values=[f"{key}{SEPARATOR}{v}" for v in values])
        for key, values in filters.attributes
        if values and key != but
    ]


def _regex_literal(text: str) -> str:
    """``text`` as a literal in a Lucene regular expression (every non-alphanumeric escaped)."""
    return "".join(ch if ch.isalnum() else "\\" + ch for ch in text)


def search_request(
    terms: list[Term], filters: SearchFilters, ordering: str | None, page: PageRequest, rules: Rules
) -> Search:
    """The search request (query, filters, sort, page and facet aggregations) for ``_search``."""
    s = Search().extra(track_total_hits=True).source(SUMMARY_FIELDS)
    matching = [term_query(t.alternatives) for t in terms]
    if terms:
        tiers = [
            *[Q("constant_score", filter=term_query(t.alternatives, ("text_a",)), boost=NAMED_BOOST) for t in terms],
            *[
                Q("constant_score", filter=term_query(_whole(t), ("text_a",)), boost=WHOLE_BOOST)
                for t in terms
                if any(a.prefix for a in t.alternatives)
            ],
            *[
                Q("constant_score", filter=term_query(t.alternatives, ("text_a", "text_b")), boost=LISTED_BOOST)
                for t in terms
            ],
        ]
        s = s.query(Q("bool", filter=[*matching, *_base_filters(filters)], should=tiers))
    else:
        for clause in _base_filters(filters):
            s = s.filter(clause)
    selected = _attribute_filters(filters)
    if selected:
        s = s.post_filter(Q("bool", filter=selected))
    s = s.sort(*_SORTS[ordering or ("relevance" if terms else "-created_at")])
    s = s[page.offset : page.offset + page.size]
    aggs: Any = s.aggs.bucket("filtered", "filter", Q("bool", filter=selected)) if selected else s.aggs
    for facet, field in (("category", "category"), ("vendor", "vendor")):
        aggs.bucket(
            facet, "terms", field=f"{field}.slug", size=FACET_SIZE, order=[{"_count": "desc"}, {"_key": "asc"}]
        ).bucket("name", "terms", field=f"{field}.name", size=1)
    ranges = [{"key": str(b), **_range(low, high)} for b, (low, high) in enumerate(price_bands())]
    aggs.bucket("price", "range", field="price_from", ranges=ranges)
    for i, attribute in enumerate(rules.attributes):
        others = _attribute_filters(filters, but=attribute.key)
        s.aggs.bucket(f"attribute_{i}", "filter", Q("bool", filter=others) if others else Q("match_all")).bucket(
            "values",
            "terms",
            field="attribute_values",
            include=f"{_regex_literal(attribute.key + SEPARATOR)}.*",
            size=FACET_SIZE,
            order=[{"_count": "desc"}, {"_key": "asc"}],
        )
    return s


def term_counts_request(terms: list[Term], filters: SearchFilters) -> dict:
    """How many documents each term matches on its own under the filters (the fallback's question)."""
    return {
        "size": 0,
        "query": Q("bool", filter=[*_base_filters(filters), *_attribute_filters(filters)]).to_dict(),
        "aggs": {
            "terms": {
                "filters": {"filters": {str(i): term_query(t.alternatives).to_dict() for i, t in enumerate(terms)}}
            }
        },
    }


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
        self.prefix = prefix or settings.ELASTICSEARCH_INDEX_PREFIX
        self.alias = f"{self.prefix}-products"
        self._alias_ready = False

    # --- index management ----------------------------------------------------------------

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def _create_index(self, name: str, *, with_alias: bool) -> None:
        # An index whose analyzer names a synonyms set that does not exist cannot allocate its
        # shards: the set is written first (empty is fine).
        self.sync_rules()
        body = index_body(self.prefix)
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

    def sync_rules(self, rules: Rules | None = None) -> None:
        """Writes staff's synonyms to the synonyms set the search analyzers use; Elasticsearch
        reloads those analyzers in every index that uses the set."""
        rules = rules or current_rules()
        self.client.synonyms.put_synonym(
            id=synonyms_set_name(self.prefix),
            synonyms_set=[{"id": f"rule-{i}", "synonyms": rule} for i, rule in enumerate(rules.synonym_rules)],
        )

    # --- reads -------------------------------------------------------------------------

    def search(
        self, query: str, filters: SearchFilters, ordering: str | None, page: PageRequest, *, exact: bool = False
    ) -> SearchResult:
        rules = current_rules()
        # The lexicon is in PostgreSQL whatever the backend: one short read-only transaction.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            if tokenize(query):
                cursor.execute(lexicon.SETTINGS)
            understood = understand(
                query,
                rules,
                lambda asked, last: lexicon.lookup(cursor, asked, last=last),
                exact=exact,
                expand_synonyms=False,  # the search analyzers apply the synonyms set
            )
        self.ensure_index()

        def execute(terms: list[Term], count_terms: bool) -> tuple[SearchResult, list[int] | None]:
            result = self._search(terms, filters, ordering, page, rules)
            if count_terms and result.total == 0 and len(terms) > 1:
                response = self.client.search(index=self.alias, body=term_counts_request(terms, filters))
                buckets = response["aggregations"]["terms"]["buckets"]
                return result, [buckets[str(i)]["doc_count"] for i in range(len(terms))]
            return result, None

        return run(understood, execute, exact=exact)

    def _search(
        self, terms: list[Term], filters: SearchFilters, ordering: str | None, page: PageRequest, rules: Rules
    ) -> SearchResult:
        body = search_request(terms, filters, ordering, page, rules).to_dict()
        response = self.client.search(index=self.alias, body=body)
        hits = response["hits"]
        results = [_summary(hit["_source"]) for hit in hits["hits"]]
        aggs = response["aggregations"]
        counted = aggs.get("filtered", aggs)
        facets = empty_facets()
        for facet in ("category", "vendor"):
            facets[facet] = [
                {
                    "slug": b["key"],
                    "name": (b["name"]["buckets"] or [{"key": b["key"]}])[0]["key"],
                    "count": b["doc_count"],
                }
                for b in counted[facet]["buckets"]
            ]
        bands = price_bands()
        facets["price"] = [
            {"min": bands[int(b["key"])][0], "max": bands[int(b["key"])][1], "count": b["doc_count"]}
            for b in counted["price"]["buckets"]
            if b["doc_count"]
        ]
        for i, attribute in enumerate(rules.attributes):
            buckets = aggs.get(f"attribute_{i}", {}).get("values", {}).get("buckets", [])
            values = [{"value": b["key"].split(SEPARATOR, 1)[1], "count": b["doc_count"]} for b in buckets]
            if values:
                facets["attributes"].append({"key": attribute.key, "name": attribute.name, "values": values})
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
        if docs:
            with connection.cursor() as cursor:
                lexicon.add(cursor, docs)
        return len(docs)

    def remove(self, product_ids: list[int]) -> None:
        if product_ids:
            self.ensure_index()
            actions = [{"_op_type": "delete", "_id": str(pk)} for pk in sorted(set(product_ids))]
            self._bulk(actions, self.alias, refresh="wait_for")

    def rebuild(self, progress: Callable[[int], object] | None = None) -> int:
        """Builds a new versioned index from the catalog, then points the alias at it atomically.

        Searches keep using the old index until the swap; the old indices are deleted after it.
        The lexicon is pruned to the words the new index holds.
        """
        new = self._new_index_name()
        self._create_index(new, with_alias=False)
        self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": "-1"}})
        total, last = 0, 0
        seen: dict[str, int] = {}
        while True:
            batch = list(
                public_products().filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[: self.batch_size]
            )
            if not batch:
                break
            docs = build_documents(batch)
            self._bulk(({"_op_type": "index", "_id": str(d["id"]), "_source": es_document(d)} for d in docs), new)
            with connection.cursor() as cursor:
                lexicon.add(cursor, docs, seen)
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
        with transaction.atomic(), connection.cursor() as cursor:
            lexicon.prune(cursor, seen)
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
