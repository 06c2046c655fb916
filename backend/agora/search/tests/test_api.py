"""GET /api/v1/search/ and /api/v1/search/suggest/ over HTTP (default PostgreSQL backend)."""

from decimal import Decimal

import pytest

from agora.catalog.models import ProductImage
from agora.catalog.tests.factories import CategoryFactory, ProductFactory
from agora.search.serializers import PAGE_TOO_DEEP, PRICE_RANGE_REVERSED
from agora.search.tests.conftest import index_pending
from agora.vendors.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"
SUGGEST = "/api/v1/search/suggest/"


def assert_error(response, status, code="validation_error"):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    return body["error"]


def test_search_answers_the_paginated_summaries_with_facets(api_client, catalog):
    ProductImage.objects.create(
        product=catalog.planter, image="products/p/full.jpg", thumbnail="products/p/thumb.webp", width=1, height=1
    )
    index_pending()
    from agora.search.indexing import products_changed

    products_changed([catalog.planter.pk])
    index_pending()

    response = api_client.get(SEARCH, {"q": "ceramic planter"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "count",
        "next",
        "previous",
        "results",
        "facets",
        "corrected_query",
        "corrections",
        "dropped_words",
    }
    assert body["corrected_query"] is None and body["corrections"] == [] and body["dropped_words"] == []
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    assert body["results"] == [
        {
            "id": catalog.planter.pk,
            "slug": "ceramic-planter",
            "name": "Ceramic Planter",
            "vendor": {"slug": "urban", "name": "Urban Goods"},
            "category": {"slug": "garden", "name": "Garden"},
            "price_from": "35.00",
            "currency": "EUR",
            "in_stock": True,
            "rating_average": None,
            "rating_count": 0,
            "thumbnail": "/media/products/p/thumb.webp",
        }
    ]
    assert body["facets"] == {
        "category": [{"slug": "garden", "name": "Garden", "count": 1}],
        "vendor": [{"slug": "urban", "name": "Urban Goods", "count": 1}],
        "price": [{"min": "25.00", "max": "50.00", "count": 1}],
        "attributes": [],
    }


def test_filters_and_ordering_come_from_the_query_string(api_client, catalog):
    response = api_client.get(
        SEARCH, {"category": "home", "min_price": "10", "max_price": "30", "in_stock": "false", "ordering": "-price"}
    )
    assert response.status_code == 200
    assert [r["slug"] for r in response.json()["results"]] == ["travel-mug"]
    response = api_client.get(SEARCH, {"q": "", "ordering": "price", "in_stock": "true"})
    assert [r["slug"] for r in response.json()["results"]] == [
        "ceramic-coffee-mug",
        "ceramic-planter",
        "oak-desk-chair",
        "garden-bench",
    ]


def test_pages_link_to_each_other_and_a_page_past_the_end_is_404(api_client, catalog):
    first = api_client.get(SEARCH, {"ordering": "price", "page_size": 2}).json()
    assert first["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/search/?ordering=price&page=2&page_size=2"
    second = api_client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/v1/search/?ordering=price&page_size=2"
    third = api_client.get(second["next"]).json()
    assert third["next"] is None
    assert [r["slug"] for r in first["results"] + second["results"] + third["results"]] == [
        "ceramic-coffee-mug",
        "travel-mug",
        "ceramic-planter",
        "oak-desk-chair",
        "garden-bench",
    ]
    assert_error(api_client.get(SEARCH, {"ordering": "price", "page_size": 2, "page": 4}), 404, "not_found")
    assert_error(api_client.get(SEARCH, {"q": "ceramic", "page": 2}), 404, "not_found")
    # an empty first page is an answer, not an error
    empty = api_client.get(SEARCH, {"q": "nothing-like-this"})
    assert empty.status_code == 200 and empty.json()["count"] == 0


def test_no_next_link_leads_past_the_pages_a_search_may_reach(api_client, catalog, monkeypatch):
    # five results, two a page, and (as if the window were 4 results) at most two pages
    monkeypatch.setattr("agora.search.types.MAX_RESULT_WINDOW", 4)
    second = api_client.get(SEARCH, {"ordering": "price", "page_size": 2, "page": 2}).json()
    assert second["count"] == 5 and len(second["results"]) == 2
    assert second["next"] is None
    assert_error(api_client.get(SEARCH, {"ordering": "price", "page_size": 2, "page": 3}), 400)


def test_page_size_above_100_is_clamped(api_client):
    vendor, category = VendorFactory.create(), CategoryFactory.create()
    ProductFactory.create_batch(101, vendor=vendor, category=category)
    index_pending()
    response = api_client.get(SEARCH, {"page_size": 1000})
    assert response.status_code == 200
    assert response.json()["count"] == 101
    assert len(response.json()["results"]) == 100


def test_an_empty_query_is_a_filtered_listing(api_client, catalog):
    response = api_client.get(SEARCH, {"q": "   ", "vendor": "nordic"})
    assert response.status_code == 200
    assert [r["slug"] for r in response.json()["results"]] == ["oak-desk-chair", "ceramic-coffee-mug"]


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE search_searchdocument; --",
        "ceramic' OR '1'='1",
        "%_%",
        ".*(ceramic|mug)+[a-z]{2,}$",
        "\\",
        'ceramic AND mug* OR title:"x"~2 ^3 [* TO *] {a TO b} || && ! ( ) / ? :',
        "ceramic:* & !mug | <-> ()",
        "\u00e9\u00e8\u4e2d\u6587 \U0001f600",
        "-",
    ],
)
def test_special_characters_never_break_the_search(api_client, catalog, q):
    response = api_client.get(SEARCH, {"q": q})
    assert response.status_code == 200, response.content
    assert api_client.get(SUGGEST, {"q": q}).status_code == 200


def test_sql_in_a_query_is_only_words(api_client, catalog):
    from agora.search.models import StopWord

    StopWord.objects.get_or_create(word="or")
    response = api_client.get(SEARCH, {"q": "ceramic' OR '1'='1", "exact": "true"})
    assert response.json()["count"] == 0  # "or" and "1" must also match: nothing has them
    # understood as words: the ones no product has are left out, and named
    body = api_client.get(SEARCH, {"q": "ceramic' OR '1'='1"}).json()
    assert body["count"] == 3
    assert body["dropped_words"] == ["1"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 10_240}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "-0.01"}, "max_price"),
        ({"min_price": "abc"}, "min_price"),
        ({"min_price": "NaN"}, "min_price"),
        ({"min_price": "1e400"}, "min_price"),
        ({"min_price": "50", "max_price": "10"}, "max_price"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"ordering": "random()"}, "ordering"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1001"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"category": "c" * 500}, "category"),
    ],
)
def test_bad_input_is_a_400_in_the_error_shape(api_client, params, field):
    error = assert_error(api_client.get(SEARCH, params), 400)
    assert field in error["details"]


def test_error_messages_are_the_documented_constants(api_client):
    error = assert_error(api_client.get(SEARCH, {"min_price": "50", "max_price": "10"}), 400)
    assert error["details"]["max_price"] == [PRICE_RANGE_REVERSED]
    error = assert_error(api_client.get(SEARCH, {"page": "600", "page_size": "20"}), 400)
    assert error["details"]["page"] == [PAGE_TOO_DEEP]


def test_an_unknown_category_or_vendor_finds_nothing(api_client, catalog):
    for params in ({"category": "nope"}, {"vendor": "nope"}, {"category": "../../etc"}):
        response = api_client.get(SEARCH, params)
        assert response.status_code == 200
        assert response.json()["count"] == 0


def test_a_stale_token_does_not_break_public_search(api_client, catalog):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get(SEARCH, {"q": "mug"}).status_code == 200


def test_search_reads_one_table_in_a_fixed_number_of_queries(api_client, catalog, django_assert_max_num_queries):
    # transaction + typo lookup + the one search statement + hidden vendors + the visibility guard
    with django_assert_max_num_queries(7):
        response = api_client.get(SEARCH, {"q": "ceramik planter", "category": "garden", "in_stock": "true"})
    assert [r["slug"] for r in response.json()["results"]] == ["ceramic-planter"]


def test_suggest_answers_at_most_ten_names_with_slugs(api_client):
    vendor, category = VendorFactory.create(), CategoryFactory.create()
    for i in range(12):
        ProductFactory.create(name=f"Desk Lamp {i:02d}", slug=f"desk-lamp-{i:02d}", vendor=vendor, category=category)
    ProductFactory.create(name="Reading Lamp", slug="reading-lamp", vendor=vendor, category=category)
    index_pending()

    response = api_client.get(SUGGEST, {"q": "desk l"})

    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert len(suggestions) == 10
    assert suggestions[0] == {"text": "Desk Lamp 00", "slug": "desk-lamp-00"}
    assert all(s["text"].startswith("Desk Lamp") for s in suggestions)
    # names starting with the prefix come before names containing it
    lamps = api_client.get(SUGGEST, {"q": "lamp"}).json()["suggestions"]
    assert {s["slug"] for s in lamps} <= {f"desk-lamp-{i:02d}" for i in range(12)} | {"reading-lamp"}
    assert api_client.get(SUGGEST, {"q": "re"}).json()["suggestions"] == [
        {"text": "Reading Lamp", "slug": "reading-lamp"}
    ]


def test_suggest_bad_and_empty_input(api_client):
    assert api_client.get(SUGGEST).json() == {"suggestions": []}
    assert api_client.get(SUGGEST, {"q": "  "}).json() == {"suggestions": []}
    assert "q" in assert_error(api_client.get(SUGGEST, {"q": "x" * 10_240}), 400)["details"]


def test_search_ignores_query_parameters_it_does_not_use_like_the_product_list(api_client, catalog):
    """API.md: search takes `q` plus the product-list filters, and the product list ignores what it
    does not use (a cache buster, a campaign tag): the same query string finds the same products,
    from the same cached answer (what is ignored does not split the cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    noise = {"_": "1712345678", "utm_source": "newsletter", "sort": "price"}
    assert api_client.get("/api/v1/products/", {"in_stock": "true", "ordering": "price", **noise}).status_code == 200
    plain = api_client.get(SEARCH, {"q": "ceramic", "in_stock": "true", "ordering": "price"})
    assert plain.status_code == 200 and plain.json()["count"] > 0
    with CaptureQueriesContext(connection) as queries:
        tagged = api_client.get(SEARCH, {"q": "ceramic", "in_stock": "true", "ordering": "price", **noise})
    assert tagged.status_code == 200, tagged.json()
    assert [r["slug"] for r in tagged.json()["results"]] == [r["slug"] for r in plain.json()["results"]]
    assert not any("search_searchdocument" in q["sql"] for q in queries.captured_queries)  # a cache hit
    # a bad value of a parameter search does use is still a 400
    assert "ordering" in assert_error(api_client.get(SEARCH, {"ordering": "random()", **noise}), 400)["details"]


def test_suggest_ignores_query_parameters_it_does_not_use(api_client, catalog):
    response = api_client.get(SUGGEST, {"q": "ceram", "_": "1712345678", "limit": "1"})
    assert response.status_code == 200, response.json()
    assert {s["slug"] for s in response.json()["suggestions"]} == {"ceramic-coffee-mug", "ceramic-planter"}


def test_prices_in_results_are_decimal_strings(api_client, catalog):
    [hit] = api_client.get(SEARCH, {"q": "oak"}).json()["results"]
    assert hit["price_from"] == "149.00"
    assert Decimal(hit["price_from"]) == Decimal("149")


def test_a_repeated_search_is_answered_from_the_cache(api_client, catalog, django_assert_max_num_queries):
    params = {"q": "ceramic", "in_stock": "true"}
    first = api_client.get(SEARCH, params).json()
    # no statement at all: the hits were verified public and the hidden vendors read at this
    # catalog version already (any service that hides a vendor moves it)
    with django_assert_max_num_queries(0):
        again = api_client.get(SEARCH, params).json()
    assert again == first
    assert {r["slug"] for r in again["results"]} == {"ceramic-coffee-mug", "ceramic-planter", "garden-bench"}


def test_an_index_change_is_never_hidden_by_a_cached_answer(api_client, catalog):
    assert api_client.get(SEARCH, {"q": "walnut"}).json()["count"] == 0  # cached: nothing found
    # when a product is renamed and the indexing cycle runs
    catalog.mug.name = "Walnut Coffee Mug"
    catalog.mug.save()
    from agora.search.indexing import products_changed

    products_changed([catalog.mug.pk], schedule=False)
    index_pending()
    # then the same search finds it at once, and the old answer about the mug is gone too
    assert [r["slug"] for r in api_client.get(SEARCH, {"q": "walnut"}).json()["results"]] == ["ceramic-coffee-mug"]
    mug = next(r for r in api_client.get(SEARCH, {"q": "mug"}).json()["results"] if r["slug"] == "ceramic-coffee-mug")
    assert mug["name"] == "Walnut Coffee Mug"


def test_suspending_a_vendor_is_not_hidden_by_a_cached_answer(api_client, catalog, django_capture_on_commit_callbacks):
    from agora.vendors import services as vendor_services

    before = api_client.get(SEARCH, {"q": "ceramic"}).json()
    assert before["count"] == 3  # the mug (nordic), the planter and the bench (urban)
    with django_capture_on_commit_callbacks(execute=True):
        vendor_services.vendor_suspend(vendor=catalog.urban)  # no indexing cycle runs here
    after = api_client.get(SEARCH, {"q": "ceramic"}).json()
    assert [r["slug"] for r in after["results"]] == ["ceramic-coffee-mug"]
    assert after["count"] == 1 and [v["slug"] for v in after["facets"]["vendor"]] == ["nordic"]


def test_a_product_taken_off_sale_leaves_cached_answers_at_once(
    api_client, catalog, django_capture_on_commit_callbacks
):
    from agora.catalog import services as catalog_services

    assert len(api_client.get(SEARCH, {"q": "ceramic"}).json()["results"]) == 3
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_archive(product=catalog.planter)  # its index task has not run
    body = api_client.get(SEARCH, {"q": "ceramic"}).json()
    assert [r["slug"] for r in body["results"]] == ["ceramic-coffee-mug", "garden-bench"]
    # and the figures agree with the hits: the count and every facet leave it out too
    assert body["count"] == 2
    assert sum(v["count"] for v in body["facets"]["vendor"]) == 2
    assert sum(b["count"] for b in body["facets"]["price"]) == 2


def _searched_the_index(client, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        body = client.get(SEARCH, {"q": query}).json()
    return body, any("search_searchdocument" in q["sql"] for q in queries.captured_queries)


def test_a_sale_reranking_products_keeps_the_cached_answers(api_client, catalog, django_capture_on_commit_callbacks):
    """Each paid order recounts its products' units sold and re-indexes them: that only moves them
    in the ranking, so the answers already cached stay (they are renewed within
    SEARCH_CACHE_TIMEOUT); otherwise every order would empty the whole search cache."""
    from agora.catalog.services.popularity import products_set_units_sold
    from agora.search.models import PendingIndex

    _, computed = _searched_the_index(api_client, "ceramic")
    assert computed
    with django_capture_on_commit_callbacks(execute=False):
        products_set_units_sold(units={catalog.mug.pk: 7}, only=[catalog.mug.pk])
    assert index_pending() == 1  # the mug's document was rebuilt with its new units sold
    assert not PendingIndex.objects.exists()
    body, computed = _searched_the_index(api_client, "ceramic")
    assert not computed and body["count"] == 3  # answered from the cache


def test_a_content_change_queued_with_a_reranking_still_renews_cached_answers(
    api_client, catalog, django_capture_on_commit_callbacks
):
    from agora.catalog.services.popularity import products_set_units_sold
    from agora.search.indexing import products_changed

    assert api_client.get(SEARCH, {"q": "walnut"}).json()["count"] == 0  # cached: nothing found
    catalog.mug.name = "Walnut Coffee Mug"
    catalog.mug.save()
    with django_capture_on_commit_callbacks(execute=False):
        products_changed([catalog.mug.pk], schedule=False)  # the rename, not indexed yet
        products_set_units_sold(units={catalog.mug.pk: 3}, only=[catalog.mug.pk])  # then a sale
    index_pending()
    body, computed = _searched_the_index(api_client, "walnut")
    assert computed and [r["slug"] for r in body["results"]] == ["ceramic-coffee-mug"]


def test_the_search_cache_can_be_turned_off(api_client, catalog, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_CACHE_TIMEOUT = 0
    api_client.get(SEARCH, {"q": "ceramic"})
    with CaptureQueriesContext(connection) as second:
        api_client.get(SEARCH, {"q": "ceramic"})
    assert any("search_searchdocument" in q["sql"] for q in second.captured_queries)


# --- how the query was understood, attribute filters -------------------------------------------


def test_the_answer_says_what_it_corrected_and_exact_searches_as_typed(api_client, catalog):
    body = api_client.get(SEARCH, {"q": "cermic planter"}).json()
    assert [r["slug"] for r in body["results"]] == ["ceramic-planter"]
    assert body["corrected_query"] == "ceramic planter"
    assert body["corrections"] == [{"word": "cermic", "correction": "ceramic"}]
    # the storefront's "search instead for cermic planter" link
    exact = api_client.get(SEARCH, {"q": "cermic planter", "exact": "true"}).json()
    assert exact["count"] == 0 and exact["corrected_query"] is None and exact["corrections"] == []
    # the two answers are cached apart
    assert api_client.get(SEARCH, {"q": "cermic planter"}).json()["count"] == 1


def test_words_left_out_are_named(api_client, catalog):
    body = api_client.get(SEARCH, {"q": "oak mug"}).json()
    assert [r["slug"] for r in body["results"]] == ["oak-desk-chair"]
    assert body["dropped_words"] == ["mug"]


@pytest.fixture
def filterable(catalog, django_capture_on_commit_callbacks):
    from agora.catalog.models import AttributeDefinition, Product
    from agora.catalog.services import attribute_definition_save
    from agora.search.indexing import products_changed

    Product.objects.filter(pk=catalog.desk_chair.pk).update(attributes={"material": "oak"})
    Product.objects.filter(pk=catalog.bench.pk).update(attributes={"material": "Teak wood", "colour": "green"})
    products_changed([catalog.desk_chair.pk, catalog.bench.pk])
    index_pending()
    with django_capture_on_commit_callbacks(execute=True):
        attribute_definition_save(definition=AttributeDefinition(key="Material", name="Material", filterable=True))


def test_attribute_filters_come_from_repeated_query_parameters(api_client, catalog, filterable):
    body = api_client.get(SEARCH + "?attribute=material:oak&attribute=Material:Teak%20wood").json()
    assert {r["slug"] for r in body["results"]} == {"oak-desk-chair", "garden-bench"}
    assert body["facets"]["attributes"] == [
        {
            "key": "material",
            "name": "Material",
            "values": [  # the most common first, then in byte order (as Elasticsearch orders them)
                {"value": "Teak wood", "count": 1},
                {"value": "ceramic", "count": 1},
                {"value": "oak", "count": 1},
            ],
        }
    ]
    assert [r["slug"] for r in api_client.get(SEARCH, {"attribute": "material:oak"}).json()["results"]] == [
        "oak-desk-chair"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("material", 'Write an attribute filter as key:value ("material:oak").'),
        (":oak", 'Write an attribute filter as key:value ("material:oak").'),
        ("material:", 'Write an attribute filter as key:value ("material:oak").'),
        ("colour:green", "Not a filterable attribute: colour."),
    ],
)
def test_a_bad_attribute_filter_is_a_400(api_client, catalog, filterable, value, message):
    error = assert_error(api_client.get(SEARCH, {"attribute": value}), 400)
    assert error["details"]["attribute"] == [message]


def test_too_many_attribute_filters_is_a_400(api_client, catalog, filterable):
    query = "&".join(f"attribute=material:v{i}" for i in range(21))
    assert "attribute" in assert_error(api_client.get(f"{SEARCH}?{query}"), 400)["details"]


def test_staff_changes_to_attributes_and_synonyms_reach_cached_answers_at_once(
    api_client, catalog, filterable, django_capture_on_commit_callbacks, sent_tasks
):
    from agora.catalog.models import AttributeDefinition
    from agora.catalog.services import attribute_definition_save
    from agora.search import services
    from agora.search.models import Synonym

    assert api_client.get(SEARCH, {"q": "seat", "exact": "true"}).json()["count"] == 0  # cached
    assert [f["key"] for f in api_client.get(SEARCH).json()["facets"]["attributes"]] == ["material"]
    with django_capture_on_commit_callbacks(execute=True):
        services.synonym_save(synonym=Synonym(synonyms="seat, chair, bench"))
        definition = AttributeDefinition.objects.get(key="material")
        definition.filterable = False
        attribute_definition_save(definition=definition)
    body = api_client.get(SEARCH, {"q": "seat", "exact": "true"}).json()
    assert {r["slug"] for r in body["results"]} == {"oak-desk-chair", "garden-bench"}
    assert api_client.get(SEARCH).json()["facets"]["attributes"] == []


def test_the_search_budget_holds_for_a_corrected_partial_and_filtered_search(
    api_client, catalog, filterable, django_assert_max_num_queries
):
    api_client.get(SEARCH, {"q": "warm up"})  # the rules are loaded once per process and version
    # hidden vendors + settings + lexicon + the search (and term counts) + the retry + the visibility guard
    with django_assert_max_num_queries(6):
        body = api_client.get(SEARCH, {"q": "cermic sofa planter", "attribute": "material:oak"}).json()
    assert body["count"] == 0
    with django_assert_max_num_queries(7):
        body = api_client.get(SEARCH, {"q": "oak mug", "in_stock": "true"}).json()
    assert [r["slug"] for r in body["results"]] == ["oak-desk-chair"]


def test_the_rerankings_of_a_stream_of_orders_share_one_delayed_indexing_run(
    catalog, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Every paid order re-ranks its products: one indexing run a few seconds after the first
    serves the orders meanwhile, instead of one run per order; a content change is indexed at once."""
    from django.core.cache import cache

    from agora.catalog.services.popularity import products_set_units_sold
    from agora.search.indexing import products_changed
    from agora.search.models import PendingIndex

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "agora.core.tasks_util._send", lambda task, args, kwargs, **options: sent.append((task.name, options))
    )
    cache.delete("tasks:debounced:agora.search.tasks.index_pending")
    settings.SEARCH_RERANK_DELAY_SECONDS = 4
    for n, product in enumerate((catalog.mug, catalog.planter, catalog.mug), start=1):
        with django_capture_on_commit_callbacks(execute=True):
            products_set_units_sold(units={product.pk: n}, only=[product.pk])
    assert sent == [("agora.search.tasks.index_pending", {"countdown": 4})]
    assert set(PendingIndex.objects.values_list("product_id", flat=True)) == {catalog.mug.pk, catalog.planter.pk}
    assert index_pending() == 2  # the one run indexes every order's products
    with django_capture_on_commit_callbacks(execute=True):
        products_changed([catalog.bench.pk])  # a content change
    assert sent[-1] == ("agora.search.tasks.index_pending", {})
