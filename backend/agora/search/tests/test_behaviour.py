"""The behavioural suite both backends must pass (parametrized by the ``search_backend`` fixture)."""

from decimal import Decimal

import pytest

from agora.catalog.models import Product
from agora.search import selectors
from agora.search.indexing import products_changed
from agora.search.services import search_rebuild
from agora.search.tests.conftest import index_pending
from agora.search.types import PageRequest, SearchFilters
from agora.vendors.models import Vendor

pytestmark = pytest.mark.django_db


def search(q="", ordering=None, page=1, size=20, **filters):
    return selectors.search_products(
        query=q, filters=SearchFilters(**filters), ordering=ordering, page=PageRequest(page, size)
    )


def slugs(result):
    return [r["slug"] for r in result.results]


def test_relevance_puts_name_matches_before_description_matches(search_backend, catalog):
    # Given five public products, two named "Ceramic …" and one mentioning ceramic in its description
    # When searching for "ceramic"
    result = search("ceramic")
    # Then the name matches come first, the description match last, and hidden products never
    assert result.total == 3
    assert set(slugs(result)[:2]) == {"ceramic-coffee-mug", "ceramic-planter"}
    assert slugs(result)[2] == "garden-bench"


def test_every_word_must_match_somewhere(search_backend, catalog):
    assert slugs(search("ceramic mug")) == ["ceramic-coffee-mug"]
    assert slugs(search("oak chair")) == ["oak-desk-chair"]
    assert search("ceramic sofa").total == 0


def test_results_carry_the_public_summary(search_backend, catalog):
    [hit] = search("planter").results
    assert hit == {
        "id": catalog.planter.pk,
        "slug": "ceramic-planter",
        "name": "Ceramic Planter",
        "vendor": {"slug": "urban", "name": "Urban Goods"},
        "category": {"slug": "garden", "name": "Garden"},
        "price_from": Decimal("35.00"),
        "currency": "EUR",
        "in_stock": True,
        "rating_average": None,
        "rating_count": 0,
        "thumbnail": "",
    }


def test_vendor_category_and_attribute_text_is_searchable(search_backend, catalog):
    assert set(slugs(search("nordic"))) == {"ceramic-coffee-mug", "oak-desk-chair"}
    assert set(slugs(search("furniture"))) == {"oak-desk-chair"}
    assert slugs(search("terracotta")) == ["ceramic-planter"]
    [sku] = catalog.desk_chair.variants.values_list("sku", flat=True)
    assert slugs(search(sku))[0] == "oak-desk-chair"


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("ceramik", {"ceramic-coffee-mug", "ceramic-planter", "garden-bench"}),  # substitution
        ("cermic", {"ceramic-coffee-mug", "ceramic-planter", "garden-bench"}),  # deletion
        ("ceraamic", {"ceramic-coffee-mug", "ceramic-planter", "garden-bench"}),  # insertion
        ("dask", {"oak-desk-chair"}),  # one edit in a four-letter word
        ("tavel mug", {"travel-mug"}),
        ("garden bemch", {"garden-bench"}),
    ],
)
def test_one_typo_in_a_word_of_four_letters_or_more_still_finds_it(search_backend, catalog, typo, expected):
    assert set(slugs(search(typo))) == expected


def test_the_last_word_matches_as_a_prefix(search_backend, catalog):
    assert set(slugs(search("cera"))) == {"ceramic-coffee-mug", "ceramic-planter", "garden-bench"}
    assert slugs(search("ceramic pla")) == ["ceramic-planter"]


def test_filters(search_backend, catalog):
    # category includes descendants
    assert set(slugs(search(category="home"))) == {"ceramic-coffee-mug", "travel-mug", "oak-desk-chair"}
    assert set(slugs(search(category="mugs"))) == {"ceramic-coffee-mug", "travel-mug"}
    assert set(slugs(search(vendor="urban"))) == {"travel-mug", "garden-bench", "ceramic-planter"}
    assert set(slugs(search(min_price=Decimal("24"), max_price=Decimal("149")))) == {
        "travel-mug",
        "oak-desk-chair",
        "ceramic-planter",
    }
    assert set(slugs(search(in_stock=False))) == {"travel-mug"}
    assert "travel-mug" not in slugs(search(in_stock=True))
    assert slugs(search("mug", category="mugs", vendor="urban", in_stock=False)) == ["travel-mug"]
    assert search(category="no-such-category").total == 0


def test_orderings_are_total_and_stable(search_backend, catalog):
    assert slugs(search(ordering="price")) == [
        "ceramic-coffee-mug",
        "travel-mug",
        "ceramic-planter",
        "oak-desk-chair",
        "garden-bench",
    ]
    assert slugs(search(ordering="-price"))[0] == "garden-bench"
    assert slugs(search(ordering="name")) == [
        "ceramic-coffee-mug",
        "ceramic-planter",
        "garden-bench",
        "oak-desk-chair",
        "travel-mug",
    ]
    assert slugs(search(ordering="-created_at")) == [p.slug for p in reversed(catalog.public)]
    # without q the default is newest first
    assert slugs(search()) == [p.slug for p in reversed(catalog.public)]
    assert slugs(search("ceramic", ordering="price")) == ["ceramic-coffee-mug", "ceramic-planter", "garden-bench"]


def test_pages_split_the_same_ordering(search_backend, catalog):
    first, second, third = (search(ordering="price", page=n, size=2) for n in (1, 2, 3))
    assert first.total == second.total == third.total == 5
    assert slugs(first) + slugs(second) + slugs(third) == slugs(search(ordering="price"))


def test_facets_count_the_filtered_set(search_backend, catalog):
    facets = search().facets
    assert facets["category"] == [
        {"slug": "garden", "name": "Garden", "count": 2},
        {"slug": "mugs", "name": "Mugs", "count": 2},
        {"slug": "furniture", "name": "Furniture", "count": 1},
    ]
    assert facets["vendor"] == [
        {"slug": "urban", "name": "Urban Goods", "count": 3},
        {"slug": "nordic", "name": "Nordic Crafts", "count": 2},
    ]
    assert facets["price"] == [
        {"min": Decimal("10"), "max": Decimal("25"), "count": 2},
        {"min": Decimal("25"), "max": Decimal("50"), "count": 1},
        {"min": Decimal("100"), "max": Decimal("250"), "count": 1},
        {"min": Decimal("250"), "max": Decimal("500"), "count": 1},
    ]
    filtered = search("ceramic", vendor="urban").facets
    assert filtered["vendor"] == [{"slug": "urban", "name": "Urban Goods", "count": 2}]
    assert filtered["category"] == [{"slug": "garden", "name": "Garden", "count": 2}]


def test_suggestions(search_backend, catalog):
    backend = search_backend
    texts = [s["text"] for s in backend.suggest("cer")]
    # names starting with the prefix; hidden products (draft, pending vendor) never suggested
    assert texts == ["Ceramic Coffee Mug", "Ceramic Planter"]
    assert backend.suggest("plan") == [{"text": "Ceramic Planter", "slug": "ceramic-planter"}]
    assert backend.suggest("ceramic c") == [{"text": "Ceramic Coffee Mug", "slug": "ceramic-coffee-mug"}]
    assert backend.suggest("zzz") == []


def test_hidden_products_are_never_returned_even_when_indexed_directly(search_backend, catalog):
    # Given someone asks the backend to index a draft and a pending vendor's product
    search_backend.index([catalog.draft.pk, catalog.pending_vendors_product.pk])
    # Then neither is ever found
    assert search("teapot").total == 0
    assert search("vase").total == 0
    assert "ceramic-teapot" not in slugs(search("ceramic", size=100))


def test_a_product_hidden_or_changed_is_updated_by_one_indexing_cycle(search_backend, catalog):
    # When a product is renamed and another archived
    Product.objects.filter(pk=catalog.planter.pk).update(name="Ceramic Flower Pot")
    Product.objects.filter(pk=catalog.mug.pk).update(status=Product.Status.ARCHIVED)
    products_changed([catalog.planter.pk, catalog.mug.pk])
    # Then the archived one is gone at once (the visibility guard), before any indexing
    assert "ceramic-coffee-mug" not in slugs(search("ceramic"))
    # And after one indexing cycle the rename is searchable and the counts agree
    index_pending()
    assert slugs(search("flower")) == ["ceramic-planter"]
    assert search("ceramic").total == 2


def test_suspending_a_vendor_removes_its_products_at_once(search_backend, catalog):
    # When the vendor is suspended (the catalog service calls products_changed in the same transaction)
    Vendor.objects.filter(pk=catalog.urban.pk).update(status=Vendor.Status.SUSPENDED)
    products_changed([catalog.travel_mug.pk, catalog.bench.pk, catalog.planter.pk])
    # Then, before any indexing task ran, none of its products is found, counted or suggested
    result = search("ceramic")
    assert slugs(result) == ["ceramic-coffee-mug"]
    assert result.total == 1
    assert [v["slug"] for v in result.facets["vendor"]] == ["nordic"]
    assert selectors.suggest_products(prefix="ceramic") == [
        {"text": "Ceramic Coffee Mug", "slug": "ceramic-coffee-mug"}
    ]
    # And after the indexing cycle the documents are gone for good
    index_pending()
    assert search(vendor="urban").total == 0
    # When the vendor is approved again, its products come back after one cycle
    Vendor.objects.filter(pk=catalog.urban.pk).update(status=Vendor.Status.APPROVED)
    products_changed([catalog.travel_mug.pk, catalog.bench.pk, catalog.planter.pk])
    index_pending()
    assert search(vendor="urban").total == 3


def test_rebuild_keeps_serving_and_converges(search_backend, catalog, monkeypatch):
    # Given a drift no one reported: a product renamed and one archived behind the pipeline's back
    Product.objects.filter(pk=catalog.bench.pk).update(name="Garden Lounger")
    Product.objects.filter(pk=catalog.desk_chair.pk).update(status=Product.Status.ARCHIVED)
    monkeypatch.setattr(type(search_backend), "batch_size", 2)
    seen = []

    def progress(n):
        # Then, while the rebuild runs, every search is answered in full
        seen.append(search(size=100).total)

    # When the index is rebuilt
    written = search_rebuild(progress=progress)
    assert written == 4
    assert len(seen) >= 2
    assert all(total >= 4 for total in seen)
    # And afterwards it matches the catalog exactly
    assert search(size=100).total == 4
    assert slugs(search("lounger")) == ["garden-bench"]
    assert search("oak").total == 0


def _rate(product, average, count):
    from agora.catalog.services import product_rating_set

    product_rating_set(product_id=product.pk, average=Decimal(average), count=count)
    index_pending()


def test_best_rated_first_and_a_minimum_rating(search_backend, catalog):
    # Given three rated products (two tied on average: more reviews first) and two unrated ones
    _rate(catalog.planter, "4.50", 2)
    _rate(catalog.bench, "4.50", 9)
    _rate(catalog.mug, "3.00", 1)
    # When listing best rated first, then only those rated 4 or more
    best = search(ordering="-rating")
    good = search(min_rating=Decimal("4"), ordering="-rating")
    # Then rated products come first by average and count, unrated ones last; the filter keeps two
    assert slugs(best)[:3] == ["garden-bench", "ceramic-planter", "ceramic-coffee-mug"]
    assert set(slugs(best)[3:]) == {"travel-mug", "oak-desk-chair"}
    assert slugs(good) == ["garden-bench", "ceramic-planter"]
    hit = good.results[0]
    assert (hit["rating_average"], hit["rating_count"]) == (Decimal("4.50"), 9)
    # the coffee mug matches "ceramic" too, but is rated 3
    assert set(slugs(search("ceramic", min_rating=Decimal("4")))) == {"ceramic-planter", "garden-bench"}
