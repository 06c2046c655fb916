from decimal import Decimal

import pytest

from agora.catalog.models import Product, ProductImage
from agora.catalog.selectors import public_product_model, public_product_models
from agora.catalog.serializers import ProductDetailSerializer, ProductSummarySerializer
from agora.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from agora.vendors.models import Vendor
from agora.vendors.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = {
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
}


def _add_image(product, n=0, thumb=True):
    return ProductImage.objects.create(
        product=product,
        image=f"products/{product.pk}/img{n}.png",
        thumbnail=f"products/{product.pk}/thumb_img{n}.webp" if thumb else "",
        alt=f"picture {n}",
        position=n,
        width=10,
        height=10,
    )


@pytest.fixture
def tree():
    home = CategoryFactory.create(name="Home", slug="home")
    lighting = CategoryFactory.create(name="Lighting", slug="lighting", parent=home)
    kitchen = CategoryFactory.create(name="Kitchen", slug="kitchen", parent=home)
    audio = CategoryFactory.create(name="Audio", slug="audio")
    return {"home": home, "lighting": lighting, "kitchen": kitchen, "audio": audio}


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["slug"] for p in response.json()["results"]]


def test_list_shows_only_approved_products_of_approved_vendors(api_client, tree):
    # given products in every state, and approved products of pending/suspended vendors
    visible = ProductFactory.create(slug="visible", category=tree["lighting"])
    for state in ("draft", "pending_review", "rejected", "archived"):
        ProductFactory.create(slug=f"p-{state}", status=state, category=tree["lighting"])
    for vstatus in (Vendor.Status.PENDING, Vendor.Status.SUSPENDED):
        ProductFactory.create(
            slug=f"v-{vstatus}", vendor=VendorFactory.create(status=vstatus), category=tree["lighting"]
        )

    # when the storefront lists products
    response = api_client.get("/api/v1/products/")

    # then only the public one is there, in the documented shape
    assert slugs(response) == [visible.slug]
    body = response.json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    item = body["results"][0]
    assert set(item) == SUMMARY_KEYS
    assert item["vendor"] == {"slug": visible.vendor.slug, "name": visible.vendor.name}
    assert item["category"] == {"slug": "lighting", "name": "Lighting"}
    assert item["price_from"] == "10.00" and item["currency"] == "EUR" and item["in_stock"] is True
    assert item["thumbnail"] is None


def test_summary_matches_the_drf_serializer_contract(api_client, tree):
    # given products with several variants and images (the lean path must render what DRF would)
    a = ProductFactory.create(category=tree["kitchen"], variants=3, variants__price=Decimal("7.50"))
    _add_image(a, 1, thumb=False)
    _add_image(a, 0)
    b = ProductFactory.create(category=tree["audio"], variants__stock=0)
    _add_image(b, 0, thumb=False)
    ProductFactory.create(category=tree["audio"])

    lean = api_client.get("/api/v1/products/?ordering=name").json()["results"]
    drf = ProductSummarySerializer(public_product_models(filters={"ordering": "name"}), many=True).data

    assert lean == [dict(item) for item in drf]
    by_slug = {p["slug"]: p for p in lean}
    assert by_slug[a.slug]["thumbnail"] == f"/media/products/{a.pk}/thumb_img0.webp"
    assert by_slug[b.slug]["thumbnail"] == f"/media/products/{b.pk}/img0.png"
    assert by_slug[b.slug]["in_stock"] is False


def test_detail_matches_the_drf_serializer_contract(api_client, tree):
    product = ProductFactory.create(category=tree["lighting"], variants=2, attributes={"colour": "amber"})
    _add_image(product, 0)
    _add_image(product, 1)
    VariantFactory.create(product=product, is_active=False, sku="GONE-1")

    response = api_client.get(f"/api/v1/products/{product.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert body == ProductDetailSerializer(public_product_model(slug=product.slug)).data
    assert SUMMARY_KEYS | {"description", "images", "variants", "attributes"} <= set(body)
    assert body["attributes"] == {"colour": "amber"}
    assert [set(v) for v in body["variants"]] == [{"id", "sku", "name", "price", "currency", "stock_available"}] * 2
    assert "GONE-1" not in {v["sku"] for v in body["variants"]}
    assert body["images"][0] == {
        "url": f"/media/products/{product.pk}/img0.png",
        "thumbnail_url": f"/media/products/{product.pk}/thumb_img0.webp",
        "alt": "picture 0",
    }


@pytest.mark.parametrize("state", ["draft", "pending_review", "rejected", "archived"])
def test_detail_of_a_non_public_product_is_404(api_client, state):
    product = ProductFactory.create(status=state)
    response = api_client.get(f"/api/v1/products/{product.slug}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_detail_of_a_suspended_vendors_product_is_404(api_client):
    product = ProductFactory.create(vendor=VendorFactory.create(status=Vendor.Status.SUSPENDED))
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 404


def test_category_filter_includes_descendants(api_client, tree):
    lamp = ProductFactory.create(slug="lamp", category=tree["lighting"])
    mug = ProductFactory.create(slug="mug", category=tree["kitchen"])
    ProductFactory.create(slug="speaker", category=tree["audio"])

    assert sorted(slugs(api_client.get("/api/v1/products/?category=home"))) == sorted([lamp.slug, mug.slug])
    assert slugs(api_client.get("/api/v1/products/?category=lighting")) == [lamp.slug]
    assert slugs(api_client.get("/api/v1/products/?category=no-such-category")) == []


def test_vendor_price_and_stock_filters(api_client, tree):
    vendor = VendorFactory.create(slug="acme")
    cheap = ProductFactory.create(slug="cheap", vendor=vendor, variants__price=Decimal("5.00"))
    mid = ProductFactory.create(slug="mid", variants__price=Decimal("20.00"))
    dear = ProductFactory.create(slug="dear", variants__price=Decimal("80.00"), variants__stock=0)

    assert slugs(api_client.get("/api/v1/products/?vendor=acme")) == [cheap.slug]
    assert sorted(slugs(api_client.get("/api/v1/products/?min_price=10"))) == sorted([mid.slug, dear.slug])
    assert sorted(slugs(api_client.get("/api/v1/products/?max_price=20.00"))) == sorted([cheap.slug, mid.slug])
    assert slugs(api_client.get("/api/v1/products/?min_price=6&max_price=79.99")) == [mid.slug]
    assert slugs(api_client.get("/api/v1/products/?in_stock=false")) == [dear.slug]
    assert sorted(slugs(api_client.get("/api/v1/products/?in_stock=true"))) == sorted([cheap.slug, mid.slug])


def test_orderings(api_client):
    b = ProductFactory.create(name="Bravo", variants__price=Decimal("30.00"))
    a = ProductFactory.create(name="Alpha", variants__price=Decimal("20.00"))
    c = ProductFactory.create(name="Charlie", variants__price=Decimal("10.00"))

    assert slugs(api_client.get("/api/v1/products/?ordering=price")) == [c.slug, a.slug, b.slug]
    assert slugs(api_client.get("/api/v1/products/?ordering=-price")) == [b.slug, a.slug, c.slug]
    assert slugs(api_client.get("/api/v1/products/?ordering=name")) == [a.slug, b.slug, c.slug]
    assert slugs(api_client.get("/api/v1/products/?ordering=-created_at")) == [c.slug, a.slug, b.slug]
    assert slugs(api_client.get("/api/v1/products/")) == [c.slug, a.slug, b.slug]
    # an emptied form field: blank ordering and filters mean the defaults, not a 400
    assert slugs(api_client.get("/api/v1/products/?ordering=&category=&vendor=")) == [c.slug, a.slug, b.slug]


def test_best_rated_first_and_a_minimum_rating(api_client, django_capture_on_commit_callbacks):
    from agora.catalog.services import product_rating_set

    # given products rated 4.50 (2 and 7 reviews), 3.00, and one without reviews
    few, many, meh, unrated = ProductFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=True):
        product_rating_set(product_id=few.pk, average=Decimal("4.50"), count=2)
        product_rating_set(product_id=many.pk, average=Decimal("4.50"), count=7)
        product_rating_set(product_id=meh.pk, average=Decimal("3.00"), count=1)

    # then "best rated" puts the tie's most reviewed first and the unrated last
    assert slugs(api_client.get("/api/v1/products/?ordering=-rating")) == [many.slug, few.slug, meh.slug, unrated.slug]
    assert slugs(api_client.get("/api/v1/products/?min_rating=4&ordering=-rating")) == [many.slug, few.slug]
    card = api_client.get("/api/v1/products/?min_rating=4.5&ordering=-rating").json()["results"][0]
    assert (card["rating_average"], card["rating_count"]) == ("4.50", 7)
    page = api_client.get(f"/api/v1/products/{unrated.slug}/").json()
    assert (page["rating_average"], page["rating_count"]) == (None, 0)


def test_a_rating_change_renews_the_cached_list_and_page(api_client, django_capture_on_commit_callbacks):
    from agora.catalog.services import product_rating_set

    product = ProductFactory.create()
    assert api_client.get(f"/api/v1/products/{product.slug}/").json()["rating_count"] == 0
    assert api_client.get("/api/v1/products/").json()["results"][0]["rating_count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert product_rating_set(product_id=product.pk, average=Decimal("5.00"), count=1)
        assert not product_rating_set(product_id=product.pk, average=Decimal("5.00"), count=1)  # unchanged

    assert api_client.get(f"/api/v1/products/{product.slug}/").json()["rating_average"] == "5.00"
    assert api_client.get("/api/v1/products/").json()["results"][0]["rating_count"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "ordering=cheapest",
        "min_price=abc",
        "in_stock=maybe",
        "max_price=-1",
        "category=not%20a%20slug",
        "min_rating=6",
        "min_rating=0",
        "min_rating=four",
    ],
)
def test_bad_filters_are_400(api_client, query):
    response = api_client.get(f"/api/v1/products/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_pagination_clamps_page_size_and_404s_past_the_end(api_client):
    ProductFactory.create_batch(3)
    page = api_client.get("/api/v1/products/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"].endswith("page=2&page_size=2")
    assert len(api_client.get("/api/v1/products/?page_size=1000").json()["results"]) == 3
    response = api_client.get("/api/v1/products/?page=9")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_counts_are_exact_without_scanning_and_price_ranges_are_marked_estimates_past_the_limit(
    api_client, settings, tree
):
    # given 5 public products (one out of stock, one draft elsewhere), exact counting up to 3 rows
    settings.CATALOG_EXACT_COUNT_LIMIT = 3
    ProductFactory.create_batch(4, category=tree["lighting"])
    ProductFactory.create(category=tree["audio"], variants__stock=0)
    ProductFactory.create(status="draft", category=tree["lighting"])

    # then lists filtered by category, vendor and stock are counted exactly, past the limit too
    for query, expected in (("", 5), ("category=home", 4), ("category=audio", 1), ("in_stock=true", 4)):
        page = api_client.get(f"/api/v1/products/?page_size=2&{query}").json()
        assert (page["count"], page["count_is_estimate"]) == (expected, False), query
    # and a price range under the limit is exact too
    page = api_client.get("/api/v1/products/?max_price=10&category=audio").json()
    assert (page["count"], page["count_is_estimate"]) == (1, False)
    # and a minimum rating (not in the per-filter counts) is counted, not taken from them
    page = api_client.get("/api/v1/products/?min_rating=1").json()
    assert (page["count"], page["count_is_estimate"], page["results"]) == (0, False, [])

    # when a price range matches more than the limit, the count is an estimate (never below the
    # limit, never above the products the other filters leave) and says so
    first = api_client.get("/api/v1/products/?page_size=2&min_price=5&ordering=name").json()
    assert first["count_is_estimate"] is True and 4 <= first["count"] <= 5
    # and paging stays exact: the last real page has no next, and a page past the end is a 404
    last = api_client.get("/api/v1/products/?page=3&page_size=2&min_price=5&ordering=name").json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert "page=2" in last["previous"]
    assert api_client.get("/api/v1/products/?page=4&page_size=2&min_price=5&ordering=name").status_code == 404
    pages = [
        api_client.get(f"/api/v1/products/?page={n}&page_size=2&min_price=5&ordering=name").json() for n in (1, 2, 3)
    ]
    seen = [p["slug"] for page in pages for p in page["results"]]
    assert sorted(seen) == sorted(Product.objects.filter(status="approved").values_list("slug", flat=True))


def test_counts_follow_catalog_writes(api_client, tree, django_capture_on_commit_callbacks):
    # given a counted list
    ProductFactory.create_batch(2, category=tree["lighting"])
    assert api_client.get("/api/v1/products/?category=home").json()["count"] == 2

    # when a product is approved (a write that renews the catalog version on commit)
    from agora.catalog import services

    ProductFactory.create(category=tree["kitchen"], status="pending_review", slug="pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.product_approve(product=Product.objects.get(slug="pending"))

    # then the count includes it at once
    page = api_client.get("/api/v1/products/?category=home").json()
    assert page["count"] == 3 and len(page["results"]) == 3


def test_a_list_never_counts_every_matching_row(api_client, tree, settings, django_assert_max_num_queries):
    # given more public products than are counted exactly
    settings.CATALOG_EXACT_COUNT_LIMIT = 3
    ProductFactory.create_batch(6, category=tree["lighting"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # when cold lists are built, with and without filters
    statements = []
    for query in ("", "?category=home&ordering=price", "?min_price=1&in_stock=true&page=2&page_size=2"):
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(5):
            response = api_client.get(f"/api/v1/products/{query}")
        assert response.status_code == 200
        statements += [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]

    # then the only counts are one GROUP BY for the whole catalog version (shared by every list)
    # and a price range's count that stops at the limit: no COUNT(*) over every matching row
    grouped = [sql for sql in statements if "GROUP BY" in sql.upper()]
    capped = [sql for sql in statements if "LIMIT 4" in sql]
    assert len(grouped) == 1 and len(capped) == 1 and len(statements) == 2, statements


def test_the_list_index_gives_each_category_the_listed_categories_of_its_subtree(tree):
    from agora.catalog.models import Category
    from agora.catalog.selectors import public_list_index

    lamps = CategoryFactory.create(name="Lamps", slug="lamps", parent=tree["lighting"])
    lamp = ProductFactory.create(category=lamps)
    ProductFactory.create(category=tree["audio"], status="draft")  # not public

    index = public_list_index()
    # a parent lists its descendants' products: only categories holding public products are named
    assert index["categories"]["lamps"] == index["categories"]["lighting"] == index["categories"]["home"]
    assert index["categories"]["home"] == (lamps.pk,) and index["categories"]["audio"] == ()
    assert index["vendors"] == {lamp.vendor.slug: lamp.vendor_id}
    assert sum(n for *_, n in index["groups"]) == 1

    # a path whose ancestor is gone (an inconsistent tree) still lists the category itself
    Category.objects.filter(pk=lamps.pk).update(path="gone/lamps")
    index = public_list_index()
    assert index["categories"]["lamps"] == (lamps.pk,) and index["categories"]["home"] == ()


def test_a_cold_filtered_list_reads_only_its_page_and_its_images(api_client, tree, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given a shop whose answers are never cached (as on the bench's cold server, or after a write)
    settings.CATALOG_CACHE_TIMEOUT = 0
    lamp = ProductFactory.create(category=tree["lighting"])
    ProductFactory.create(category=tree["audio"], vendor=lamp.vendor)
    assert api_client.get("/api/v1/products/").json()["count"] == 2  # the catalog version's counts are built once

    # when lists filtered by a parent category, a leaf, a vendor or both are built
    for query, count in (
        ("?category=home&ordering=price", 1),
        ("?category=lighting&page=1", 1),
        (f"?vendor={lamp.vendor.slug}&ordering=name", 2),
        (f"?category=home&vendor={lamp.vendor.slug}", 1),
    ):
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(f"/api/v1/products/{query}")

        # then each answers from two statements, its page and the page's images: the category and
        # the vendor are resolved from the catalog version's counts, not looked up again
        assert response.status_code == 200 and response.json()["count"] == count, query
        assert len(ctx.captured_queries) == 2, [q["sql"][:80] for q in ctx.captured_queries]


def test_the_whole_list_pages_through_the_same_products_in_every_ordering(api_client, tree):
    from agora.catalog.selectors import ORDERINGS, public_product_queryset

    # given products with equal prices, names and ratings, so the tie-breaks decide the order
    for n in range(7):
        product = ProductFactory.create(category=tree["lighting"], name=f"Lamp {n % 3}")
        Product.objects.filter(pk=product.pk).update(
            price_min=Decimal("10.00") + n % 2,
            rating_average=None if n % 3 == 0 else Decimal("4.50"),
            rating_count=n % 2,
        )
    ProductFactory.create(status="draft")  # not public: never listed

    for ordering in ORDERINGS:
        # when the whole list is paged through, three products a page
        seen = []
        for page in (1, 2, 3):
            body = api_client.get(f"/api/v1/products/?ordering={ordering}&page_size=3&page={page}").json()
            assert body["count"] == 7 and body["count_is_estimate"] is False
            seen += [item["slug"] for item in body["results"]]
        # then the pages hold every public product once, in the ordering's order
        expected = list(public_product_queryset(filters={"ordering": ordering}).values_list("slug", flat=True))
        assert seen == expected, ordering
        assert api_client.get(f"/api/v1/products/?ordering={ordering}&page_size=3&page=4").status_code == 404

    # and the rows the paginator slices behave as a sequence of the list's products
    from agora.catalog.selectors import PreparedListRows

    rows = PreparedListRows("name", 7)
    names = list(public_product_queryset(filters={"ordering": "name"}).values_list("slug", flat=True))
    assert len(rows) == 7 and rows[0]["slug"] == names[0] and rows[6]["slug"] == names[6]
    assert [row["slug"] for row in rows[5:100]] == names[5:] and rows[4:4] == []
    with pytest.raises(IndexError):
        rows[7]


def test_list_query_count_is_flat_whatever_the_page_size(api_client, tree, django_assert_max_num_queries):
    # given many products, each with several variants and images
    for i in range(30):
        product = ProductFactory.create(category=tree["lighting"], variants=3)
        for n in range(3):
            _add_image(product, n, thumb=bool(i % 2))

    # then small and large pages, with every filter at once (the costliest), need at most 5 queries
    for size in (1, 30):
        with django_assert_max_num_queries(5):
            response = api_client.get(f"/api/v1/products/?category=home&page_size={size}&ordering=price")
        assert len(response.json()["results"]) == size
    vendor = Product.objects.values_list("vendor__slug", flat=True).first()
    with django_assert_max_num_queries(5):
        response = api_client.get(
            f"/api/v1/products/?category=home&vendor={vendor}&min_price=1&max_price=99&in_stock=true&page_size=100"
        )
    assert response.json()["count"] == 1
    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/products/?category=home&min_rating=1&ordering=-rating&page_size=100")
    assert response.status_code == 200


def test_detail_query_count_is_flat_whatever_the_variants_and_images(api_client, tree, django_assert_max_num_queries):
    small = ProductFactory.create(variants=1)
    big = ProductFactory.create(variants=25)
    for n in range(12):
        _add_image(big, n)
    # one statement: the product with its variants and images aggregated (cache miss included)
    for product in (small, big):
        with django_assert_max_num_queries(1):
            response = api_client.get(f"/api/v1/products/{product.slug}/")
        assert response.status_code == 200
    assert len(response.json()["variants"]) == 25 and len(response.json()["images"]) == 12


def test_category_tree(api_client, tree, django_assert_max_num_queries):
    CategoryFactory.create(name="Lamps", slug="lamps", parent=tree["lighting"])
    with django_assert_max_num_queries(1):
        response = api_client.get("/api/v1/categories/")
    assert response.status_code == 200
    assert response.json() == [
        {"slug": "audio", "name": "Audio", "children": []},
        {
            "slug": "home",
            "name": "Home",
            "children": [
                {"slug": "kitchen", "name": "Kitchen", "children": []},
                {
                    "slug": "lighting",
                    "name": "Lighting",
                    "children": [{"slug": "lamps", "name": "Lamps", "children": []}],
                },
            ],
        },
    ]


def test_public_endpoints_ignore_a_stale_token(api_client):
    # A storefront visitor with an expired token still sees the catalog.
    ProductFactory.create()
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get("/api/v1/products/").status_code == 200
    assert api_client.get("/api/v1/categories/").status_code == 200


def test_products_without_variants_sort_last_by_price(api_client):
    ProductFactory.create(slug="empty", variants=0)
    priced = ProductFactory.create(slug="priced")
    assert slugs(api_client.get("/api/v1/products/?ordering=price")) == [priced.slug, "empty"]
    assert Product.objects.get(slug="empty").price_min is None
