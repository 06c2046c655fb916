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


def search(q="", ordering=None, page=1, size=20, exact=False, **filters):
    return selectors.search_products(
        query=q, filters=SearchFilters(**filters), ordering=ordering, page=PageRequest(page, size), exact=exact
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
    # as typed, a word nothing matches leaves nothing (the fallback is tested below)
    assert search("ceramic sofa", exact=True).total == 0


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


def test_a_product_taken_off_sale_is_neither_found_nor_counted_before_its_index_task(search_backend, catalog):
    # When a product is archived (the catalog's services queue it in the same transaction)
    Product.objects.filter(pk=catalog.planter.pk).update(status=Product.Status.ARCHIVED)
    products_changed([catalog.planter.pk])
    # Then, before the indexing task ran, the hits, the count and the facets all leave it out
    result = search("ceramic")
    assert slugs(result) == ["ceramic-coffee-mug", "garden-bench"]
    assert result.total == 2
    assert sum(v["count"] for v in result.facets["vendor"]) == 2
    # and a product merely edited (still public) is still found while its task is pending
    products_changed([catalog.mug.pk])
    assert "ceramic-coffee-mug" in slugs(search("ceramic"))


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


# --- typo tolerance, and how the answer explains itself ---------------------------------------


@pytest.mark.parametrize(
    ("typo", "meant", "expected"),
    [
        ("cearmic", "ceramic", {"ceramic-coffee-mug", "ceramic-planter", "garden-bench"}),  # a swap of neighbours
        ("dsek", "desk", {"oak-desk-chair"}),  # a swap in a four-letter word is one edit
        ("terracotat", "terracotta", {"ceramic-planter"}),  # a swap at the end of a long word
        ("teracota", "terracotta", {"ceramic-planter"}),  # two edits in a word of eight letters
        ("weatherprof", "weatherproof", {"garden-bench"}),
    ],
)
def test_typos_are_corrected_within_the_budget_of_the_word_length_and_the_answer_says_so(
    search_backend, catalog, typo, meant, expected
):
    result = search(typo)
    assert set(slugs(result)) == expected
    assert result.corrections == [{"word": typo, "correction": meant}]
    assert result.corrected_query == meant


@pytest.mark.parametrize(
    "typo",
    [
        "oka",  # three letters: no typo allowed ("oak")
        "keramik",  # two edits in a word of seven letters ("ceramic"): one allowed
        "tarrakotaa",  # three edits in a long word ("terracotta")
    ],
)
def test_typos_beyond_the_budget_find_nothing(search_backend, catalog, typo):
    result = search(typo)
    assert result.total == 0
    assert result.corrections == [] and result.corrected_query is None


def test_a_word_the_catalog_knows_is_never_corrected_so_exact_matches_never_mix_with_corrected_ones(
    search_backend, catalog
):
    from agora.catalog.tests.factories import ProductFactory

    # Given "Brass Lamb" and two lamps one edit away from it
    ProductFactory.create(name="Brass Lamb", slug="brass-lamb", vendor=catalog.nordic, category=catalog.home)
    ProductFactory.create(name="Brass Lamp", slug="brass-lamp", vendor=catalog.nordic, category=catalog.home)
    ProductFactory.create(name="Desk Lamp", slug="desk-lamp", vendor=catalog.urban, category=catalog.home)
    index_pending()
    # When searching for the word as typed, only its matches come back, uncorrected
    result = search("lamb")
    assert slugs(result) == ["brass-lamb"]
    assert result.corrections == []
    assert set(slugs(search("lamp"))) == {"brass-lamp", "desk-lamp"}
    # And a word the catalog does not know is taken for the closest one it has
    result = search("desk lampp")
    assert slugs(result) == ["desk-lamp"]
    assert result.corrected_query == "desk lamp"


def test_between_equally_close_corrections_the_word_of_product_names_wins(search_backend, catalog):
    from agora.catalog.tests.factories import ProductFactory
    from agora.vendors.tests.factories import VendorFactory

    # Given "lane" only in a vendor's name and "lamp" in product names (both one edit from "lanp")
    paper_lane = VendorFactory.create(name="Paper Lane", slug="paper-lane")
    ProductFactory.create(name="Dotted Notebook", slug="dotted-notebook", vendor=paper_lane, category=catalog.home)
    ProductFactory.create(name="Desk Lamp", slug="desk-lamp", vendor=catalog.urban, category=catalog.home)
    index_pending()
    # When the shopper types "lanp", the answer is the lamps, and says so
    result = search("lanp")
    assert slugs(result) == ["desk-lamp"]
    assert result.corrected_query == "lamp"


def test_between_equally_close_corrections_the_one_keeping_the_first_letter_wins(search_backend, catalog):
    from agora.catalog.tests.factories import ProductFactory

    # Given "dock" and "oak" in product names, both one edit from "doak"
    ProductFactory.create(name="Charging Dock", slug="charging-dock", vendor=catalog.urban, category=catalog.home)
    index_pending()
    # When the shopper types "doak", the slip is taken to be in the middle, not the first letter
    result = search("doak")
    assert slugs(result) == ["charging-dock"]
    assert result.corrected_query == "dock"


def test_words_common_in_english_are_searchable_when_products_are_named_with_them(search_backend, catalog):
    from agora.catalog.tests.factories import ProductFactory

    # Given headphones named "Over-Ear" ("over" is an English stop word, not one of staff's)
    ProductFactory.create(name="Over-Ear Headphones", slug="over-ear", vendor=catalog.urban, category=catalog.home)
    index_pending()
    # Then the word alone finds them, and so does a slip in it
    assert slugs(search("over")) == ["over-ear"]
    assert slugs(search("oevr")) == ["over-ear"]


def test_numbers_and_skus_are_never_corrected(search_backend, catalog):
    from agora.catalog.models import Variant

    Variant.objects.filter(product=catalog.desk_chair).update(sku="CHAIR-2024")
    products_changed([catalog.desk_chair.pk])
    index_pending()
    assert slugs(search("chair-2024")) == ["oak-desk-chair"]
    # one digit off is another product (or none), never this one
    result = search("2025")
    assert result.total == 0 and result.corrections == []


def test_exact_searches_the_words_as_typed(search_backend, catalog):
    result = search("cermic", exact=True)
    assert result.total == 0
    assert result.corrections == [] and result.corrected_query is None


def test_a_prefix_of_the_last_word_is_not_a_typo(search_backend, catalog):
    # "cera" is the start of "ceramic": matched as typed so far, nothing corrected
    result = search("cera")
    assert result.total == 3 and result.corrections == []
    assert slugs(search("desk ch")) == ["oak-desk-chair"]
    assert search_backend.suggest("desk ch") == [{"text": "Oak Desk Chair", "slug": "oak-desk-chair"}]


def test_the_last_word_is_a_prefix_even_where_stemming_cuts_the_word_shorter(search_backend, catalog):
    from agora.catalog.tests.factories import ProductFactory

    # Given "Dotted Notebook" ("dotted" is indexed by its stem, "dot")
    ProductFactory.create(name="Dotted Notebook", slug="dotted-notebook", vendor=catalog.urban, category=catalog.home)
    index_pending()
    # When the shopper has typed "dotte" so far, the notebook is found, as for "dott" and "dotted"
    for typed in ("dott", "dotte", "dotted", "notebook dotte"):
        result = search(typed)
        assert slugs(result) == ["dotted-notebook"], typed
        assert result.corrections == [] and result.dropped_words == []


# --- partial matches ---------------------------------------------------------------------------


def test_a_word_nothing_matches_is_left_out_and_named(search_backend, catalog):
    result = search("ceramic sofa")
    assert set(slugs(result)) == {"ceramic-coffee-mug", "ceramic-planter", "garden-bench"}
    assert result.dropped_words == ["sofa"]
    assert result.corrected_query is None


def test_when_the_words_match_nothing_together_the_least_informative_is_left_out(search_backend, catalog):
    # "oak" is in one product, "mug" in two, none has both: "mug" says least about what was wanted
    result = search("oak mug")
    assert slugs(result) == ["oak-desk-chair"]
    assert result.dropped_words == ["mug"]
    # as typed, nothing
    assert search("oak mug", exact=True).total == 0


def test_words_left_out_are_judged_under_the_filters(search_backend, catalog):
    # "travel" matches only a mug, which the garden filter excludes: it is the word left out
    result = search("travel planter", category="garden")
    assert slugs(result) == ["ceramic-planter"]
    assert result.dropped_words == ["travel"]


def test_corrections_and_left_out_words_are_reported_together(search_backend, catalog):
    result = search("cermic sofa planter")
    assert slugs(result) == ["ceramic-planter"]
    assert result.corrections == [{"word": "cermic", "correction": "ceramic"}]
    assert result.corrected_query == "ceramic planter"
    assert result.dropped_words == ["sofa"]


def test_gibberish_finds_nothing_and_leaves_nothing_out(search_backend, catalog):
    result = search("zzzz qqqq")
    assert result.total == 0
    assert result.dropped_words == [] and result.corrections == []


# --- synonyms and stop words (staff's rules) ---------------------------------------------------


@pytest.fixture
def apply_rules(search_backend, django_capture_on_commit_callbacks, sent_tasks):
    """Runs staff's change as the admin does (through the services), then what follows its
    commit: the rules reload, and Elasticsearch's synonyms set is synced (the task's work)."""

    def apply(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()
        search_backend.sync_rules()
        assert "agora.search.tasks.sync_rules" in [name for name, _ in sent_tasks]

    return apply


def test_synonyms_staff_add_are_applied_at_once(search_backend, catalog, apply_rules):
    from agora.catalog.tests.factories import ProductFactory
    from agora.search import services
    from agora.search.models import Synonym

    ProductFactory.create(name="Linen Couch", slug="linen-couch", vendor=catalog.nordic, category=catalog.furniture)
    ProductFactory.create(name="Cotton T-Shirt", slug="cotton-t-shirt", vendor=catalog.urban, category=catalog.home)
    ProductFactory.create(name="Golf Tee Pack", slug="golf-tee-pack", vendor=catalog.urban, category=catalog.garden)
    index_pending()
    assert search("sofa", exact=True).total == 0
    apply_rules(lambda: services.synonym_save(synonym=Synonym(synonyms="sofa, couch")))
    apply_rules(
        lambda: services.synonym_save(synonym=Synonym(kind=Synonym.Kind.ONE_WAY, term="tee", synonyms="T-Shirt"))
    )
    # equivalent: each finds the other
    assert slugs(search("sofa")) == ["linen-couch"]
    assert slugs(search("linen sofa")) == ["linen-couch"]
    assert search("sofa").dropped_words == [] and search("sofa").corrections == []
    # one way: "tee" also finds t-shirts, "t-shirt" does not find golf tees
    assert set(slugs(search("tee"))) == {"cotton-t-shirt", "golf-tee-pack"}
    assert slugs(search("t-shirt")) == ["cotton-t-shirt"]
    assert slugs(search("cotton tee")) == ["cotton-t-shirt"]


def test_stop_words_are_left_out_of_queries(search_backend, catalog, apply_rules):
    from agora.search import services
    from agora.search.models import StopWord

    # "with" is a stop word (one of the defaults): no product's text needs to contain it
    StopWord.objects.get_or_create(word="with")
    assert set(slugs(search("mug with coffee"))) == {"ceramic-coffee-mug", "travel-mug"}
    assert search("mug with coffee").dropped_words == []
    # a stop word staff add is left out from the next search on
    assert search("cheap planter", exact=True).total == 0
    apply_rules(lambda: services.stop_word_save(stop_word=StopWord(word="Cheap")))
    assert slugs(search("cheap planter", exact=True)) == ["ceramic-planter"]


# --- ranking -----------------------------------------------------------------------------------


def test_ranking_is_text_relevance_then_in_stock_then_units_sold(search_backend, catalog):
    from agora.catalog.services import products_set_units_sold
    from agora.catalog.tests.factories import ProductFactory

    def lamp(name, slug, stock, description="A light."):
        return ProductFactory.create(
            name=name,
            slug=slug,
            vendor=catalog.nordic,
            category=catalog.home,
            description=description,
            variants__stock=stock,
        )

    amber = lamp("Amber Lamp", "amber-lamp", 0)
    birch = lamp("Birch Lamp", "birch-lamp", 4)
    cedar = lamp("Cedar Lamp", "cedar-lamp", 4)
    reading = lamp("Reading Light", "reading-light", 9, description="The lamp for reading.")
    products_set_units_sold(units={amber.pk: 50, birch.pk: 5, cedar.pk: 20, reading.pk: 100})
    index_pending()
    # name matches first (however popular the description match), then in stock, then units sold
    assert slugs(search("lamp")) == ["cedar-lamp", "birch-lamp", "amber-lamp", "reading-light"]
    # the ordering parameters are unchanged
    assert slugs(search("lamp", ordering="name")) == ["amber-lamp", "birch-lamp", "cedar-lamp", "reading-light"]


def test_a_name_with_the_whole_word_outranks_a_name_with_a_longer_word_it_starts(search_backend, catalog):
    from agora.catalog.services import products_set_units_sold
    from agora.catalog.tests.factories import ProductFactory

    # Given a fountain pen out of stock and a pendant lamp in stock that sells far more
    pen = ProductFactory.create(
        name="Fountain Pen", slug="fountain-pen", vendor=catalog.urban, category=catalog.home, variants__stock=0
    )
    pendant = ProductFactory.create(
        name="Pendant Lamp", slug="pendant-lamp", vendor=catalog.urban, category=catalog.home, variants__stock=9
    )
    products_set_units_sold(units={pen.pk: 0, pendant.pk: 100})
    index_pending()
    # When the shopper has typed "pen" (the last word also matches as the start of a word)
    # Then the pen comes first: the word found whole outranks stock and popularity
    assert slugs(search("pen")) == ["fountain-pen", "pendant-lamp"]
    assert slugs(search("urban pen")) == ["fountain-pen", "pendant-lamp"]


# --- attribute facets and filters --------------------------------------------------------------


@pytest.fixture
def attributes(catalog, django_capture_on_commit_callbacks):
    from agora.catalog.models import AttributeDefinition
    from agora.catalog.services import attribute_definition_save

    for pk, attrs in (
        (catalog.mug.pk, {"material": "ceramic", "colour": ["white", "blue"]}),
        (catalog.travel_mug.pk, {"Material": "steel", "colour": "black"}),
        (catalog.desk_chair.pk, {"material": "oak", "size": "L"}),
        (catalog.bench.pk, {"material": "oak", "colour": "green"}),
    ):
        Product.objects.filter(pk=pk).update(attributes=attrs)
    products_changed([p.pk for p in catalog.public])
    index_pending()
    with django_capture_on_commit_callbacks(execute=True):
        for position, (key, name) in enumerate((("material", "Material"), ("colour", "Colour"))):
            attribute_definition_save(
                definition=AttributeDefinition(key=key, name=name, filterable=True, position=position)
            )
        attribute_definition_save(definition=AttributeDefinition(key="size", name="Size"))  # not filterable


def test_filterable_attributes_are_facets_with_counts(search_backend, catalog, attributes):
    facets = search().facets["attributes"]
    assert facets == [
        {
            "key": "material",
            "name": "Material",
            "values": [
                {"value": "ceramic", "count": 2},
                {"value": "oak", "count": 2},
                {"value": "steel", "count": 1},
            ],
        },
        {
            "key": "colour",
            "name": "Colour",
            "values": [
                {"value": "black", "count": 1},
                {"value": "blue", "count": 1},
                {"value": "green", "count": 1},
                {"value": "terracotta", "count": 1},
                {"value": "white", "count": 1},
            ],
        },
    ]
    # they count the matched set, like the other facets
    assert search("mug").facets["attributes"][0]["values"] == [
        {"value": "ceramic", "count": 1},
        {"value": "steel", "count": 1},
    ]


def test_attribute_filters_narrow_the_results_and_a_facet_keeps_its_other_values(search_backend, catalog, attributes):
    oak = search(attributes=(("material", ("oak",)),))
    assert set(slugs(oak)) == {"oak-desk-chair", "garden-bench"}
    assert oak.total == 2
    # the material facet still offers the other materials (ticking one more adds products) …
    material, colour = oak.facets["attributes"]
    assert [v["value"] for v in material["values"]] == ["ceramic", "oak", "steel"]
    # … while the other facets count the filtered set
    assert colour["values"] == [{"value": "green", "count": 1}]
    assert oak.facets["vendor"] == [
        {"slug": "nordic", "name": "Nordic Crafts", "count": 1},
        {"slug": "urban", "name": "Urban Goods", "count": 1},
    ]
    # values of one attribute are alternatives; attributes must all match
    assert search(attributes=(("material", ("oak", "steel")),)).total == 3
    assert slugs(search(attributes=(("colour", ("green",)), ("material", ("oak", "steel"))))) == ["garden-bench"]
    assert slugs(search("chair", attributes=(("material", ("oak",)),))) == ["oak-desk-chair"]
    assert search("chair", attributes=(("material", ("steel",)),), exact=True).total == 0


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
