"""The Elasticsearch backend's requests, asserted exactly: mapping, queries, aggregations, bulk
and the alias swap. The real client builds each request; a recording transport stands in for the
cluster (outside the project), so these run everywhere."""

from decimal import Decimal
from unittest import mock

import pytest

from agora.catalog.models import Product
from agora.search.backends.elasticsearch import ElasticsearchBackend, client_from_settings
from agora.search.tests.fake_elasticsearch import RecordingTransport, bulk_ok, recording_client
from agora.search.types import PageRequest, SearchFilters

ALIAS = "shop-products"

FOLDING = {"analyzer": "folding", "copy_to": "all_text", "type": "text"}
KEYWORD = {"type": "keyword"}
SLUG_NAME = {"properties": {"name": KEYWORD, "slug": KEYWORD}, "type": "object"}
EXPECTED_INDEX_BODY = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "max_result_window": 10000,
        "analysis": {
            "analyzer": {
                "folding": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}
            },
            "normalizer": {"lowercase": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
        },
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "slug": KEYWORD,
            "name": {**FOLDING, "fields": {"sort": {"normalizer": "lowercase", "type": "keyword"}}},
            "skus": FOLDING,
            "vendor_name": FOLDING,
            "category_names": FOLDING,
            "attributes_text": FOLDING,
            "description": FOLDING,
            "all_text": {
                "analyzer": "folding",
                "type": "text",
                "fields": {"stemmed": {"analyzer": "english", "type": "text"}},
            },
            "vendor_id": {"type": "long"},
            "vendor": SLUG_NAME,
            "category": SLUG_NAME,
            "category_slugs": KEYWORD,
            "price_from": {"scaling_factor": 100, "type": "scaled_float"},
            "currency": KEYWORD,
            "in_stock": {"type": "boolean"},
            "rating_average": {"scaling_factor": 100, "type": "scaled_float"},
            "rating_count": {"type": "integer"},
            "thumbnail": {"index": False, "type": "keyword"},
            "created_at": {"type": "date"},
            "suggest": {"analyzer": "folding", "type": "completion"},
        },
    },
}

FACET_AGGS = {
    facet: {
        "terms": {"field": f"{facet}.slug", "size": 20, "order": [{"_count": "desc"}, {"_key": "asc"}]},
        "aggs": {"name": {"terms": {"field": f"{facet}.name", "size": 1}}},
    }
    for facet in ("category", "vendor")
}
PRICE_AGG = {
    "range": {
        "field": "price_from",
        "ranges": [
            {"key": "0", "to": 10.0},
            {"key": "1", "from": 10.0, "to": 25.0},
            {"key": "2", "from": 25.0, "to": 50.0},
            {"key": "3", "from": 50.0, "to": 100.0},
            {"key": "4", "from": 100.0, "to": 250.0},
            {"key": "5", "from": 250.0, "to": 500.0},
            {"key": "6", "from": 500.0},
        ],
    }
}
SOURCE = [
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


def _search_response(hits=(), total=0, categories=(), vendors=(), prices=()):
    return {
        "hits": {"total": {"value": total, "relation": "eq"}, "hits": [{"_source": h} for h in hits]},
        "aggregations": {
            "category": {
                "buckets": [
                    {"key": s, "doc_count": n, "name": {"buckets": [{"key": name}]}} for s, name, n in categories
                ]
            },
            "vendor": {
                "buckets": [{"key": s, "doc_count": n, "name": {"buckets": [{"key": name}]}} for s, name, n in vendors]
            },
            "price": {"buckets": [{"key": str(k), "doc_count": n} for k, n in prices]},
        },
    }


@pytest.fixture
def transport():
    # The alias already exists unless a test says otherwise.
    return RecordingTransport().on("HEAD", f"/_alias/{ALIAS}", 200).on("PUT", "/shop-products/_bulk", body=bulk_ok)


@pytest.fixture
def backend(transport, settings):
    settings.ELASTICSEARCH_INDEX_REPLICAS = 0
    return ElasticsearchBackend(client=recording_client(transport), prefix="shop")


def test_the_first_use_creates_a_versioned_index_behind_the_alias_with_the_explicit_mapping(transport, backend):
    # Given no alias yet
    transport.on("HEAD", f"/_alias/{ALIAS}", 404)
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response())
    # When the backend is first used
    backend.search("", SearchFilters(), None, PageRequest())
    # Then it checks for the alias, then creates one versioned index carrying it
    head, create, search = transport.calls
    assert (head.method, head.path) == ("HEAD", f"/_alias/{ALIAS}")
    assert (create.method, create.path) == ("PUT", f"/{ALIAS}-initial")
    assert create.body == {**EXPECTED_INDEX_BODY, "aliases": {ALIAS: {}}}
    assert search.path == f"/{ALIAS}/_search"
    # And later calls do not check again
    backend.search("", SearchFilters(), None, PageRequest())
    assert [c.method for c in transport.calls[3:]] == ["POST"]


def test_a_concurrent_first_use_that_lost_the_race_carries_on(transport, backend):
    transport.on("HEAD", f"/_alias/{ALIAS}", 404)
    transport.on(
        "PUT", f"/{ALIAS}-initial", 400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}
    )
    backend.remove([1])
    assert [(c.method, c.path) for c in transport.calls] == [
        ("HEAD", f"/_alias/{ALIAS}"),
        ("PUT", f"/{ALIAS}-initial"),
        ("PUT", f"/{ALIAS}/_bulk"),
    ]


def test_search_request_body_with_words_filters_sort_page_and_facets(transport, backend):
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response())
    backend.search(
        "Ceramic mu",
        SearchFilters(
            category="home",
            vendor="nordic",
            min_price=Decimal("5.50"),
            max_price=Decimal("99"),
            in_stock=True,
            exclude_vendor_ids=(7, 9),
        ),
        None,
        PageRequest(number=3, size=10),
    )
    [call] = transport.requests("POST")
    assert call.body == {
        "query": {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "should": [
                                {"match": {"all_text": {"query": "ceramic", "fuzziness": 1}}},
                                {"match": {"all_text.stemmed": "ceramic"}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    {
                        "bool": {
                            "should": [
                                {"match": {"all_text": {"query": "mu"}}},
                                {"match": {"all_text.stemmed": "mu"}},
                                {"prefix": {"all_text": {"value": "mu"}}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                ],
                "should": [
                    {
                        "multi_match": {
                            "query": "ceramic mu",
                            "fields": [
                                "name^4",
                                "skus^4",
                                "vendor_name^2",
                                "category_names^2",
                                "attributes_text^2",
                                "description",
                            ],
                            "type": "best_fields",
                        }
                    }
                ],
                "filter": [
                    {"term": {"category_slugs": "home"}},
                    {"term": {"vendor.slug": "nordic"}},
                    {"range": {"price_from": {"gte": "5.50", "lte": "99"}}},
                    {"term": {"in_stock": True}},
                    {"bool": {"must_not": [{"terms": {"vendor_id": [7, 9]}}]}},
                ],
                "minimum_should_match": 0,
            }
        },
        "aggs": {**FACET_AGGS, "price": PRICE_AGG},
        "sort": ["_score", {"id": "asc"}],
        "track_total_hits": True,
        "from": 20,
        "size": 10,
        "_source": SOURCE,
    }


@pytest.mark.parametrize(
    ("ordering", "sort"),
    [
        (None, [{"created_at": "desc"}, {"id": "desc"}]),
        ("-created_at", [{"created_at": "desc"}, {"id": "desc"}]),
        ("price", [{"price_from": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]),
        ("-price", [{"price_from": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]),
        ("name", [{"name.sort": "asc"}, {"id": "asc"}]),
        (
            "-rating",
            [
                {"rating_average": {"order": "desc", "missing": "_last"}},
                {"rating_count": {"order": "desc"}},
                {"id": "asc"},
            ],
        ),
    ],
)
def test_a_listing_without_words_matches_all_and_sorts_as_asked(transport, backend, ordering, sort):
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response())
    backend.search("", SearchFilters(), ordering, PageRequest())
    [call] = transport.requests("POST")
    assert call.body == {
        "aggs": {**FACET_AGGS, "price": PRICE_AGG},
        "sort": sort,
        "track_total_hits": True,
        "from": 0,
        "size": 20,
        "_source": SOURCE,
    }


def test_search_response_becomes_summaries_and_facets(transport, backend):
    hit = {
        "id": 4,
        "slug": "mug",
        "name": "Mug",
        "vendor": {"slug": "nordic", "name": "Nordic"},
        "category": {"slug": "mugs", "name": "Mugs"},
        "price_from": "12.5",
        "currency": "EUR",
        "in_stock": True,
        "thumbnail": "products/4/t.webp",
    }
    transport.on(
        "POST",
        f"/{ALIAS}/_search",
        body=_search_response(
            hits=[hit],
            total=31,
            categories=[("mugs", "Mugs", 30), ("home", "Home", 1)],
            vendors=[("nordic", "Nordic", 31)],
            prices=[(0, 0), (1, 30), (6, 1)],
        ),
    )
    result = backend.search("mug", SearchFilters(), None, PageRequest())
    assert result.total == 31
    # a document indexed before ratings existed reads as unrated
    assert result.results == [{**hit, "price_from": Decimal("12.50"), "rating_average": None, "rating_count": 0}]
    assert result.facets == {
        "category": [{"slug": "mugs", "name": "Mugs", "count": 30}, {"slug": "home", "name": "Home", "count": 1}],
        "vendor": [{"slug": "nordic", "name": "Nordic", "count": 31}],
        # empty bands are left out, as the PostgreSQL backend's GROUP BY does
        "price": [
            {"min": Decimal("10"), "max": Decimal("25"), "count": 30},
            {"min": Decimal("500"), "max": None, "count": 1},
        ],
    }


def test_special_characters_never_reach_the_query_as_syntax(transport, backend):
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response())
    backend.search('mug* AND (x:"y") OR /re.+/ \\ ~2 ^3 || && !', SearchFilters(), None, PageRequest())
    [call] = transport.requests("POST")
    words = [clause["bool"]["should"][1]["match"]["all_text.stemmed"] for clause in call.body["query"]["bool"]["must"]]
    assert words == ["mug", "and", "x", "y", "or", "re", "2", "3"]


def test_suggest_request_uses_the_completion_field_and_drops_hidden_vendors(transport, backend):
    transport.on(
        "POST",
        f"/{ALIAS}/_search",
        body={
            "suggest": {
                "products": [
                    {
                        "text": "cer",
                        "options": [
                            {"text": "Ceramic Mug", "_source": {"name": "Ceramic Mug", "slug": "mug", "vendor_id": 1}},
                            {"text": "Ceramic Pot", "_source": {"name": "Ceramic Pot", "slug": "pot", "vendor_id": 2}},
                        ],
                    }
                ]
            }
        },
    )
    assert backend.suggest("  Cer ", exclude_vendor_ids=(2,)) == [{"text": "Ceramic Mug", "slug": "mug"}]
    [call] = transport.requests("POST")
    assert call.body == {
        "_source": ["name", "slug", "vendor_id"],
        "suggest": {"products": {"prefix": "cer", "completion": {"field": "suggest", "size": 10}}},
    }


@pytest.mark.django_db
def test_index_bulk_writes_public_documents_and_deletes_hidden_ones(transport, backend):
    from agora.catalog.tests.factories import CategoryFactory, ProductFactory
    from agora.vendors.tests.factories import VendorFactory

    # Given a public product with a SKU and attributes, and a draft one
    vendor = VendorFactory(name="Nordic Crafts", slug="nordic")
    home = CategoryFactory(name="Home", slug="home")
    mugs = CategoryFactory(name="Mugs", slug="mugs", parent=home)
    public = ProductFactory(
        name="Ceramic Coffee Mug",
        slug="ceramic-coffee-mug",
        vendor=vendor,
        category=mugs,
        description="Glazed.",
        attributes={"colour": "blue", "size": {"ml": 350}},
        variants__price=Decimal("12.00"),
        variants__sku="MUG-1",
    )
    draft = ProductFactory(vendor=vendor, category=mugs, status=Product.Status.DRAFT)
    # When both are indexed
    assert backend.index([draft.pk, public.pk]) == 1
    # Then one bulk request to the alias indexes the public one and deletes the draft's document
    [bulk] = transport.requests("PUT")
    assert bulk.path == f"/{ALIAS}/_bulk"
    assert bulk.query == "refresh=wait_for"
    assert bulk.body == [
        {"index": {"_id": str(public.pk)}},
        {
            "id": public.pk,
            "slug": "ceramic-coffee-mug",
            "name": "Ceramic Coffee Mug",
            "skus": ["MUG-1"],
            "vendor_name": "Nordic Crafts",
            "category_names": ["Home", "Mugs"],
            "attributes_text": "350 blue",  # jsonb orders keys: "size" before "colour"
            "description": "Glazed.",
            "vendor_id": vendor.pk,
            "vendor": {"slug": "nordic", "name": "Nordic Crafts"},
            "category": {"slug": "mugs", "name": "Mugs"},
            "category_slugs": ["home", "mugs"],
            "price_from": "12.00",
            "currency": "EUR",
            "in_stock": True,
            "rating_average": None,
            "rating_count": 0,
            "thumbnail": "",
            "created_at": public.created_at.isoformat(),
            "suggest": [
                {"input": ["Ceramic Coffee Mug"], "weight": 2},
                {"input": ["Coffee Mug", "Mug"], "weight": 1},
            ],
        },
        {"delete": {"_id": str(draft.pk)}},
    ]


def test_remove_sends_bulk_deletes_and_tolerates_missing_documents(transport, backend):
    backend.remove([5, 3, 5])
    [bulk] = transport.requests("PUT")
    assert bulk.path == f"/{ALIAS}/_bulk"
    assert bulk.body == [{"delete": {"_id": "3"}}, {"delete": {"_id": "5"}}]


@pytest.mark.django_db
def test_rebuild_fills_a_new_index_then_swaps_the_alias_atomically_and_drops_the_old_one(transport, backend):
    from agora.catalog.tests.factories import ProductFactory

    products = ProductFactory.create_batch(3)
    backend.batch_size = 2
    old = f"{ALIAS}-20250101000000000000"
    transport.on("GET", f"/_alias/{ALIAS}", body={old: {"aliases": {ALIAS: {}}}})
    transport.on(
        "PUT",
        f"/{ALIAS}-2",
        body=lambda call: bulk_ok(call) if call.path.endswith("/_bulk") else {"acknowledged": True},
    )
    progress = []

    assert backend.rebuild(progress=progress.append) == 3

    new = next(c.path for c in transport.calls if c.method == "PUT").lstrip("/")
    assert new != old and new.startswith(f"{ALIAS}-")
    assert [(c.method, c.path) for c in transport.calls] == [
        ("PUT", f"/{new}"),
        ("PUT", f"/{new}/_settings"),
        ("PUT", f"/{new}/_bulk"),
        ("PUT", f"/{new}/_bulk"),
        ("PUT", f"/{new}/_settings"),
        ("POST", f"/{new}/_refresh"),
        ("HEAD", f"/_alias/{ALIAS}"),
        ("GET", f"/_alias/{ALIAS}"),
        ("POST", "/_aliases"),
        ("DELETE", f"/{old}"),
    ]
    create, freeze, bulk1, bulk2, unfreeze = transport.calls[:5]
    # built without the alias: searches keep using the old index meanwhile
    assert create.body == EXPECTED_INDEX_BODY
    assert freeze.body == {"index": {"refresh_interval": "-1"}}
    assert unfreeze.body == {"index": {"refresh_interval": None}}
    assert [line["index"]["_id"] for line in bulk1.body if "index" in line] == [str(p.pk) for p in products[:2]]
    assert [line["index"]["_id"] for line in bulk2.body if "index" in line] == [str(products[2].pk)]
    swap = transport.calls[8]
    assert swap.body == {
        "actions": [{"remove": {"index": old, "alias": ALIAS}}, {"add": {"index": new, "alias": ALIAS}}]
    }
    assert progress == [2, 1]


def test_health_asks_the_cluster_and_fails_on_red(transport, backend):
    transport.on("GET", "/_cluster/health", body={"status": "yellow", "cluster_name": "agora"})
    backend.health()
    assert transport.calls[-1].target == "/_cluster/health?timeout=2s"
    transport.on("GET", "/_cluster/health", body={"status": "red", "cluster_name": "agora"})
    with pytest.raises(RuntimeError, match="red"):
        backend.health()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ELASTICSEARCH_API_KEY": "k3y"}, {"api_key": "k3y"}),
        (
            {"ELASTICSEARCH_USERNAME": "elastic", "ELASTICSEARCH_PASSWORD": "pw"},
            {"basic_auth": ("elastic", "pw")},
        ),
        (
            {"ELASTICSEARCH_URL": "https://es.internal:9200", "ELASTICSEARCH_CA_CERTS": "/ca.pem"},
            {"ca_certs": "/ca.pem", "verify_certs": True},
        ),
    ],
)
def test_client_connection_settings_come_from_the_environment(settings, env, expected):
    settings.ELASTICSEARCH_URL = "http://es:9200"
    settings.ELASTICSEARCH_API_KEY = settings.ELASTICSEARCH_USERNAME = settings.ELASTICSEARCH_CA_CERTS = ""
    for key, value in env.items():
        setattr(settings, key, value)
    with mock.patch("agora.search.backends.elasticsearch.Elasticsearch") as client:
        client_from_settings()
    client.assert_called_once_with(
        settings.ELASTICSEARCH_URL, request_timeout=5, max_retries=2, retry_on_timeout=True, **expected
    )


def test_a_minimum_rating_is_a_range_filter_on_the_average(transport, backend):
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response())
    backend.search("", SearchFilters(min_rating=Decimal("4.5")), "-rating", PageRequest())
    [call] = transport.requests("POST")
    # a missing average (unrated) never satisfies a range: unrated products are left out
    assert call.body["query"] == {"bool": {"filter": [{"range": {"rating_average": {"gte": "4.5"}}}]}}
