"""The Elasticsearch backend's requests, asserted exactly: mapping, queries, aggregations, bulk
and the alias swap. The real client builds each request; a recording transport stands in for the
cluster (outside the project), so these run everywhere."""

from decimal import Decimal
from typing import Any
from unittest import mock

import pytest

from agora.catalog.models import Product
from agora.catalog.selectors import SUMMARY_FIELDS
from agora.search.backends.elasticsearch import (
    ElasticsearchBackend,
    client_from_settings,
    search_request,
    term_counts_request,
)
from agora.search.query import Alternative, Term
from agora.search.rules import FacetAttribute, Rules
from agora.search.tests.fake_elasticsearch import RecordingTransport, bulk_ok, recording_client
from agora.search.types import PageRequest, SearchFilters

ALIAS = "shop-products"

FOLDING = {"analyzer": "folding", "copy_to": ["all_text"], "type": "text"}
NAME_FIELDS = {**FOLDING, "copy_to": ["all_text", "text_a"]}
DETAIL_FIELDS = {**FOLDING, "copy_to": ["all_text", "text_b"]}
SEARCHABLE = {
    "analyzer": "folding",
    "search_analyzer": "folding_search",
    "type": "text",
    "fields": {"stemmed": {"analyzer": "english", "search_analyzer": "english_search", "type": "text"}},
}
KEYWORD = {"type": "keyword"}
SLUG_NAME = {"properties": {"name": KEYWORD, "slug": KEYWORD}, "type": "object"}
EXPECTED_INDEX_BODY = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "max_result_window": 10000,
        "analysis": {
            "analyzer": {
                "folding": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
                # search analyzers: staff's synonyms, from the synonyms set (reloaded live when it changes)
                "folding_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding", "synonyms"],
                },
                "english_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["english_possessive", "lowercase", "synonyms", "english_stemmer"],
                },
            },
            "filter": {
                "synonyms": {"type": "synonym_graph", "synonyms_set": "shop-synonyms", "updateable": True},
                "english_possessive": {"type": "stemmer", "language": "possessive_english"},
                "english_stemmer": {"type": "stemmer", "language": "english"},
            },
            "normalizer": {"lowercase": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
        },
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "slug": KEYWORD,
            "name": {**NAME_FIELDS, "fields": {"sort": {"normalizer": "lowercase", "type": "keyword"}}},
            "skus": NAME_FIELDS,
            "vendor_name": DETAIL_FIELDS,
            "category_names": DETAIL_FIELDS,
            "attributes_text": DETAIL_FIELDS,
            "description": FOLDING,
            "all_text": SEARCHABLE,
            "text_a": SEARCHABLE,
            "text_b": SEARCHABLE,
            "attribute_values": KEYWORD,
            "vendor_id": {"type": "long"},
            "vendor": SLUG_NAME,
            "category": SLUG_NAME,
            "category_slugs": KEYWORD,
            "price_from": {"scaling_factor": 100, "type": "scaled_float"},
            "currency": KEYWORD,
            "in_stock": {"type": "boolean"},
            "popularity": {"type": "integer"},
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
SOURCE = list(SUMMARY_FIELDS)  # the public product summary, as the search answers it
RELEVANCE = ["_score", {"in_stock": "desc"}, {"popularity": "desc"}, {"id": "asc"}]
NO_RULES = Rules()


def word(field, text, *, prefix=False):
    """A word alternative in one field: as indexed, stemmed, and (the last word) as a prefix."""
    clauses = [{"match": {field: text}}, {"match": {f"{field}.stemmed": text}}]
    return clauses + ([{"prefix": {field: {"value": text}}}] if prefix else [])


def phrase(field, text):
    return [{"match_phrase": {field: text}}, {"match_phrase": {f"{field}.stemmed": text}}]


def any_of(*clauses):
    return {"bool": {"should": [c for group in clauses for c in group], "minimum_should_match": 1}}


def tier(boost, *clauses):
    return {"constant_score": {"filter": any_of(*clauses), "boost": boost}}


def _search_response(hits=(), total=0, categories=(), vendors=(), prices=(), attributes=(), filtered=False):
    counted = {
        "category": {
            "buckets": [{"key": s, "doc_count": n, "name": {"buckets": [{"key": name}]}} for s, name, n in categories]
        },
        "vendor": {
            "buckets": [{"key": s, "doc_count": n, "name": {"buckets": [{"key": name}]}} for s, name, n in vendors]
        },
        "price": {"buckets": [{"key": str(k), "doc_count": n} for k, n in prices]},
    }
    aggregations: dict[str, Any] = {"filtered": {"doc_count": total, **counted}} if filtered else dict(counted)
    for i, buckets in enumerate(attributes):
        aggregations[f"attribute_{i}"] = {
            "doc_count": total,
            "values": {"buckets": [{"key": key, "doc_count": n} for key, n in buckets]},
        }
    return {
        "hits": {"total": {"value": total, "relation": "eq"}, "hits": [{"_source": h} for h in hits]},
        "aggregations": aggregations,
    }


@pytest.fixture
def transport():
    # The alias already exists unless a test says otherwise.
    return RecordingTransport().on("HEAD", f"/_alias/{ALIAS}", 200).on("PUT", "/shop-products/_bulk", body=bulk_ok)


@pytest.fixture
def backend(transport, settings):
    settings.ELASTICSEARCH_INDEX_REPLICAS = 0
    return ElasticsearchBackend(client=recording_client(transport), prefix="shop")


@pytest.mark.django_db
def test_the_first_use_creates_the_synonyms_set_then_a_versioned_index_behind_the_alias(transport, backend):
    # Given no alias yet
    transport.on("HEAD", f"/_alias/{ALIAS}", 404)
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response())
    # When the backend is first used
    backend.search("", SearchFilters(), None, PageRequest())
    # Then it checks for the alias, writes the synonyms set the analyzers name (an index naming a
    # missing set cannot allocate its shards), then creates one versioned index carrying the alias
    head, synonyms, create, search = transport.calls
    assert (head.method, head.path) == ("HEAD", f"/_alias/{ALIAS}")
    assert (synonyms.method, synonyms.path, synonyms.body) == ("PUT", "/_synonyms/shop-synonyms", {"synonyms_set": []})
    assert (create.method, create.path) == ("PUT", f"/{ALIAS}-initial")
    assert create.body == {**EXPECTED_INDEX_BODY, "aliases": {ALIAS: {}}}
    assert search.path == f"/{ALIAS}/_search"
    # And later calls do not check again
    backend.search("", SearchFilters(), None, PageRequest())
    assert [c.method for c in transport.calls[4:]] == ["POST"]


@pytest.mark.django_db
def test_a_concurrent_first_use_that_lost_the_race_carries_on(transport, backend):
    transport.on("HEAD", f"/_alias/{ALIAS}", 404)
    transport.on(
        "PUT", f"/{ALIAS}-initial", 400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}
    )
    backend.remove([1])
    assert [(c.method, c.path) for c in transport.calls] == [
        ("HEAD", f"/_alias/{ALIAS}"),
        ("PUT", "/_synonyms/shop-synonyms"),
        ("PUT", f"/{ALIAS}-initial"),
        ("PUT", f"/{ALIAS}/_bulk"),
    ]


@pytest.mark.django_db
def test_staff_synonyms_are_synced_to_the_synonyms_set_in_solr_format(transport, backend):
    from agora.search.models import Synonym

    Synonym.objects.create(synonyms="sofa, couch, settee")
    Synonym.objects.create(kind=Synonym.Kind.ONE_WAY, term="tee", synonyms="t shirt")
    backend.sync_rules()
    [call] = transport.calls
    assert (call.method, call.path) == ("PUT", "/_synonyms/shop-synonyms")
    assert call.body == {
        "synonyms_set": [
            {"id": "rule-0", "synonyms": "sofa, couch, settee"},
            {"id": "rule-1", "synonyms": "tee => tee, t shirt"},
        ]
    }


def test_search_request_body_with_terms_filters_tiers_sort_page_and_facets():
    # Given understood terms: a corrected word, a synonym phrase and the last word as typed so far
    terms = [
        Term(typed=("cermic",), alternatives=(Alternative(("ceramic",)),), correction="ceramic"),
        Term(typed=("t", "shirt"), alternatives=(Alternative(("t", "shirt")),)),
        Term(typed=("mu",), alternatives=(Alternative(("mu",), prefix=True),)),
    ]
    filters = SearchFilters(
        category="home",
        vendor="nordic",
        min_price=Decimal("5.50"),
        max_price=Decimal("99"),
        in_stock=True,
        exclude_vendor_ids=(7, 9),
        exclude_product_ids=(41,),
    )
    body = search_request(terms, filters, None, PageRequest(number=3, size=10), NO_RULES).to_dict()
    # Then every term must match somewhere (filters: no scoring), and the score is the tiers only
    assert body == {
        "query": {
            "bool": {
                "filter": [
                    any_of(word("all_text", "ceramic")),
                    any_of(phrase("all_text", "t shirt")),
                    any_of(word("all_text", "mu", prefix=True)),
                    {"term": {"category_slugs": "home"}},
                    {"term": {"vendor.slug": "nordic"}},
                    {"range": {"price_from": {"gte": "5.50", "lte": "99"}}},
                    {"term": {"in_stock": True}},
                    {"bool": {"must_not": [{"terms": {"vendor_id": [7, 9]}}]}},
                    {"bool": {"must_not": [{"terms": {"id": [41]}}]}},
                ],
                "should": [
                    # each term found in the name or a SKU: 121
                    tier(121, word("text_a", "ceramic")),
                    tier(121, phrase("text_a", "t shirt")),
                    tier(121, word("text_a", "mu", prefix=True)),
                    # the last word found in the name as a whole word, not only as a prefix: 11
                    tier(11, word("text_a", "mu")),
                    # each term found outside the description (name, SKU, vendor, category, attributes): 1
                    tier(1, word("text_a", "ceramic"), word("text_b", "ceramic")),
                    tier(1, phrase("text_a", "t shirt"), phrase("text_b", "t shirt")),
                    tier(1, word("text_a", "mu", prefix=True), word("text_b", "mu", prefix=True)),
                ],
            }
        },
        "aggs": {**FACET_AGGS, "price": PRICE_AGG},
        "sort": RELEVANCE,
        "track_total_hits": True,
        "from": 20,
        "size": 10,
        "_source": SOURCE,
    }


def test_attribute_filters_are_a_post_filter_and_each_attribute_facet_ignores_its_own_selection():
    rules = Rules(attributes=(FacetAttribute("material", "Material"), FacetAttribute("colour", "Colour")))
    filters = SearchFilters(attributes=(("colour", ("blue",)), ("material", ("oak", "steel"))))
    body = search_request([], filters, "price", PageRequest(), rules).to_dict()
    colour = {"terms": {"attribute_values": ["colour\x1fblue"]}}
    material = {"terms": {"attribute_values": ["material\x1foak", "material\x1fsteel"]}}

    def values(regex):
        return {
            "values": {
                "terms": {
                    "field": "attribute_values",
                    "include": regex,
                    "size": 20,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
        }

    assert body == {
        # hits and the total: every attribute filter
        "post_filter": {"bool": {"filter": [colour, material]}},
        "aggs": {
            # category, vendor and price facets count the filtered set
            "filtered": {
                "filter": {"bool": {"filter": [colour, material]}},
                "aggs": {**FACET_AGGS, "price": PRICE_AGG},
            },
            # material's values under the colour filter only, colour's under the material filter only
            "attribute_0": {"filter": {"bool": {"filter": [colour]}}, "aggs": values("material\\\x1f.*")},
            "attribute_1": {"filter": {"bool": {"filter": [material]}}, "aggs": values("colour\\\x1f.*")},
        },
        "sort": [{"price_from": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
        "track_total_hits": True,
        "from": 0,
        "size": 20,
        "_source": SOURCE,
    }
    # without attribute filters the facets count everything, and an attribute key is a regex literal
    rules = Rules(attributes=(FacetAttribute("size (cm)", "Size"),))
    body = search_request([], SearchFilters(), None, PageRequest(), rules).to_dict()
    assert "post_filter" not in body
    assert body["aggs"]["attribute_0"] == {"filter": {"match_all": {}}, "aggs": values("size\\ \\(cm\\)\\\x1f.*")}


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
def test_a_listing_without_words_matches_all_and_sorts_as_asked(ordering, sort):
    assert search_request([], SearchFilters(), ordering, PageRequest(), NO_RULES).to_dict() == {
        "aggs": {**FACET_AGGS, "price": PRICE_AGG},
        "sort": sort,
        "track_total_hits": True,
        "from": 0,
        "size": 20,
        "_source": SOURCE,
    }


def test_term_counts_request_asks_how_many_products_each_term_matches_under_the_filters():
    terms = [
        Term(typed=("oak",), alternatives=(Alternative(("oak",)),)),
        Term(typed=("mug",), alternatives=(Alternative(("mug",), prefix=True),)),
    ]
    filters = SearchFilters(category="home", attributes=(("material", ("oak",)),))
    assert term_counts_request(terms, filters) == {
        "size": 0,
        "query": {
            "bool": {
                "filter": [
                    {"term": {"category_slugs": "home"}},
                    {"terms": {"attribute_values": ["material\x1foak"]}},
                ]
            }
        },
        "aggs": {
            "terms": {
                "filters": {
                    "filters": {"0": any_of(word("all_text", "oak")), "1": any_of(word("all_text", "mug", prefix=True))}
                }
            }
        },
    }


@pytest.mark.django_db
def test_search_sends_the_understood_query_and_falls_back_when_the_words_match_nothing_together(transport, backend):
    from agora.search.models import SearchWord

    # Given a lexicon where "ceramic" and "planter" are known (the indexing pipeline writes it)
    SearchWord.objects.bulk_create(
        [SearchWord(word=w, stem=w, field=SearchWord.Field.NAME) for w in ("ceramic", "planter", "oak")]
    )
    answers = iter(
        [
            _search_response(),  # "ceramic planter oak": nothing together
            {
                "aggregations": {
                    "terms": {"buckets": {"0": {"doc_count": 3}, "1": {"doc_count": 1}, "2": {"doc_count": 0}}}
                }
            },
            _search_response(total=1, hits=[{**HIT, "slug": "ceramic-planter"}]),
        ]
    )
    transport.on("POST", f"/{ALIAS}/_search", body=lambda call: next(answers))
    # When a shopper searches with a typo and a word nothing has together with the others
    result = backend.search("cermic planter oak", SearchFilters(), None, PageRequest())
    # Then the corrected words are searched, the term counts asked, and the word no product has left out
    first, counts, retry = transport.requests("POST")
    assert first.body["query"]["bool"]["filter"] == [
        any_of(word("all_text", "ceramic")),
        any_of(word("all_text", "planter")),
        any_of(word("all_text", "oak", prefix=True)),
    ]
    assert set(counts.body["aggs"]["terms"]["filters"]["filters"]) == {"0", "1", "2"}
    assert retry.body["query"]["bool"]["filter"] == [
        any_of(word("all_text", "ceramic")),
        any_of(word("all_text", "planter")),
    ]
    assert result.total == 1
    assert result.corrections == [{"word": "cermic", "correction": "ceramic"}]
    assert result.corrected_query == "ceramic planter"
    assert result.dropped_words == ["oak"]


HIT = {
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


@pytest.mark.django_db
def test_search_response_becomes_summaries_and_facets(transport, backend):
    from agora.catalog.models import AttributeDefinition

    AttributeDefinition.objects.create(key="material", name="Material", filterable=True)
    transport.on(
        "POST",
        f"/{ALIAS}/_search",
        body=_search_response(
            hits=[HIT],
            total=31,
            categories=[("mugs", "Mugs", 30), ("home", "Home", 1)],
            vendors=[("nordic", "Nordic", 31)],
            prices=[(0, 0), (1, 30), (6, 1)],
            attributes=[[("material\x1fstoneware", 30), ("material\x1fcast iron", 1)]],
            filtered=True,
        ),
    )
    result = backend.search(
        "", SearchFilters(attributes=(("material", ("stoneware", "cast iron")),)), None, PageRequest()
    )
    assert result.total == 31
    # a document indexed before ratings existed reads as unrated
    assert result.results == [{**HIT, "price_from": Decimal("12.50"), "rating_average": None, "rating_count": 0}]
    assert result.facets == {
        "category": [{"slug": "mugs", "name": "Mugs", "count": 30}, {"slug": "home", "name": "Home", "count": 1}],
        "vendor": [{"slug": "nordic", "name": "Nordic", "count": 31}],
        # empty bands are left out, as the PostgreSQL backend's GROUP BY does
        "price": [
            {"min": Decimal("10"), "max": Decimal("25"), "count": 30},
            {"min": Decimal("500"), "max": None, "count": 1},
        ],
        "attributes": [
            {
                "key": "material",
                "name": "Material",
                "values": [{"value": "stoneware", "count": 30}, {"value": "cast iron", "count": 1}],
            }
        ],
    }


@pytest.mark.django_db
def test_special_characters_never_reach_the_query_as_syntax(transport, backend):
    from agora.search.models import StopWord

    for stop_word in ("and", "or"):
        StopWord.objects.get_or_create(word=stop_word)
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response(total=1))
    backend.search('mug* AND (x:"y") OR /re.+/ \\ ~2 ^3 || && !', SearchFilters(), None, PageRequest())
    [call] = transport.requests("POST")
    found = [clause["bool"]["should"][0]["match"]["all_text"] for clause in call.body["query"]["bool"]["filter"]]
    # words only ("and" and "or" are stop words)
    assert found == ["mug", "x", "y", "re", "2", "3"]


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
    vendor = VendorFactory.create(name="Nordic Crafts", slug="nordic")
    home = CategoryFactory.create(name="Home", slug="home")
    mugs = CategoryFactory.create(name="Mugs", slug="mugs", parent=home)
    public = ProductFactory.create(
        name="Ceramic Coffee Mug",
        slug="ceramic-coffee-mug",
        vendor=vendor,
        category=mugs,
        description="Glazed.",
        attributes={"colour": "blue", "size": {"ml": 350}},
        variants__price=Decimal("12.00"),
        variants__sku="MUG-1",
    )
    draft = ProductFactory.create(vendor=vendor, category=mugs, status=Product.Status.DRAFT)
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
            "attribute_values": ["colour\x1fblue"],  # scalar values only: "size" is an object
            "vendor_id": vendor.pk,
            "vendor": {"slug": "nordic", "name": "Nordic Crafts"},
            "category": {"slug": "mugs", "name": "Mugs"},
            "category_slugs": ["home", "mugs"],
            "price_from": "12.00",
            "currency": "EUR",
            "in_stock": True,
            "popularity": 0,
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
    # and its words join the lexicon, with the most prominent field each appears in
    from agora.search.models import SearchWord

    assert dict(SearchWord.objects.filter(word__in=["ceramic", "nordic", "glazed"]).values_list("word", "field")) == {
        "ceramic": SearchWord.Field.NAME,
        "nordic": SearchWord.Field.DETAILS,
        "glazed": SearchWord.Field.DESCRIPTION,
    }


def test_remove_sends_bulk_deletes_and_tolerates_missing_documents(transport, backend):
    backend.remove([5, 3, 5])
    [bulk] = transport.requests("PUT")
    assert bulk.path == f"/{ALIAS}/_bulk"
    assert bulk.body == [{"delete": {"_id": "3"}}, {"delete": {"_id": "5"}}]


@pytest.mark.django_db
def test_rebuild_fills_a_new_index_then_swaps_the_alias_atomically_and_drops_the_old_one(transport, backend):
    from agora.catalog.tests.factories import ProductFactory
    from agora.search.models import SearchWord

    products = [ProductFactory.create(name=f"{colour} Teapot") for colour in ("Amber", "Birch", "Cedar")]
    SearchWord.objects.create(word="gone", stem="gone")  # a word no product uses any more
    backend.batch_size = 2
    old = f"{ALIAS}-20250101000000000000"
    transport.on("GET", f"/_alias/{ALIAS}", body={old: {"aliases": {ALIAS: {}}}})
    transport.on(
        "PUT",
        f"/{ALIAS}-2",
        body=lambda call: bulk_ok(call) if call.path.endswith("/_bulk") else {"acknowledged": True},
    )
    progress: list[int] = []

    assert backend.rebuild(progress=progress.append) == 3

    new = next(c.path for c in transport.calls if c.method == "PUT" and "_synonyms" not in c.path).lstrip("/")
    assert new != old and new.startswith(f"{ALIAS}-")
    assert [(c.method, c.path) for c in transport.calls] == [
        ("PUT", "/_synonyms/shop-synonyms"),
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
    create, freeze, bulk1, bulk2, unfreeze = transport.calls[1:6]
    # built without the alias: searches keep using the old index meanwhile
    assert create.body == EXPECTED_INDEX_BODY
    assert freeze.body == {"index": {"refresh_interval": "-1"}}
    assert unfreeze.body == {"index": {"refresh_interval": None}}
    assert [line["index"]["_id"] for line in bulk1.body if "index" in line] == [str(p.pk) for p in products[:2]]
    assert [line["index"]["_id"] for line in bulk2.body if "index" in line] == [str(products[2].pk)]
    swap = transport.calls[9]
    assert swap.body == {
        "actions": [{"remove": {"index": old, "alias": ALIAS}}, {"add": {"index": new, "alias": ALIAS}}]
    }
    assert progress == [2, 1]
    # the lexicon (typo corrections read it, whatever the backend) holds the new index's words only
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"amber", "birch", "cedar", "teapot"} <= words
    assert "gone" not in words


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


@pytest.mark.django_db
def test_a_minimum_rating_is_a_range_filter_on_the_average(transport, backend):
    transport.on("POST", f"/{ALIAS}/_search", body=_search_response())
    backend.search("", SearchFilters(min_rating=Decimal("4.5")), "-rating", PageRequest())
    [call] = transport.requests("POST")
    # a missing average (unrated) never satisfies a range: unrated products are left out
    assert call.body["query"] == {"bool": {"filter": [{"range": {"rating_average": {"gte": "4.5"}}}]}}
