"""The public catalog is cached in Redis and invalidated by every write that changes it."""

from decimal import Decimal

import pytest

from agora.catalog import services
from agora.catalog.models import Category
from agora.catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_no_stale_price_after_a_vendor_edit(vendor_client, vendor, api_client, django_capture_on_commit_callbacks):
    # given a product whose list and detail answers are cached
    product = ProductFactory.create(vendor=vendor, variants__price=Decimal("20.00"))
    variant = product.variants.get()
    list_url, detail_url = "/api/v1/products/", f"/api/v1/products/{product.slug}/"
    assert api_client.get(list_url)["X-Cache"] == "miss"
    assert api_client.get(detail_url)["X-Cache"] == "miss"
    cached = api_client.get(list_url)
    assert cached["X-Cache"] == "hit" and cached.json()["results"][0]["price_from"] == "20.00"
    assert api_client.get(detail_url)["X-Cache"] == "hit"

    # when the vendor changes the price
    with django_capture_on_commit_callbacks(execute=True):
        response = vendor_client.patch(
            f"/api/v1/vendor/products/{product.pk}/",
            {"variants": [{"id": variant.pk, "sku": variant.sku, "name": variant.name, "price": "15.50", "stock": 3}]},
            format="json",
        )
        assert response.status_code == 200

    # then the very next reads show the new price
    listed = api_client.get(list_url)
    assert listed["X-Cache"] == "miss" and listed.json()["results"][0]["price_from"] == "15.50"
    detail = api_client.get(detail_url).json()
    assert detail["price_from"] == "15.50" and detail["variants"][0]["price"] == "15.50"


def test_stock_taken_by_an_order_refreshes_in_stock(api_client, django_capture_on_commit_callbacks):
    product = ProductFactory.create(variants__stock=1)
    assert api_client.get("/api/v1/products/?in_stock=true").json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        product.variants.update(stock=0)
        services.products_refresh_summary(product_ids=[product.pk])  # what orders call after taking stock
    assert api_client.get("/api/v1/products/?in_stock=true").json()["count"] == 0


def test_a_sale_renews_the_product_page_and_keeps_listings_cached_unless_they_change(
    api_client, django_capture_on_commit_callbacks
):
    # given a product with plenty of stock, another one, and cached list and detail answers
    product = ProductFactory.create(variants__stock=10)
    other = ProductFactory.create(variants__stock=10)
    detail, other_detail, listing = (
        f"/api/v1/products/{product.slug}/",
        f"/api/v1/products/{other.slug}/",
        "/api/v1/products/?in_stock=true",
    )
    for url in (detail, other_detail, listing):
        api_client.get(url)

    # when an order takes 3 (what checkout does after taking stock)
    with django_capture_on_commit_callbacks(execute=True):
        product.variants.update(stock=7)
        services.products_refresh_summary(product_ids=[product.pk], stock_only=True)

    # then the product page shows the new stock; the listing and the other page stay cached
    page = api_client.get(detail)
    assert page["X-Cache"] == "miss" and page.json()["variants"][0]["stock_available"] == 7
    assert api_client.get(other_detail)["X-Cache"] == "hit"
    assert api_client.get(listing)["X-Cache"] == "hit"

    # when the last ones are sold, in_stock flips: the listing is renewed too
    with django_capture_on_commit_callbacks(execute=True):
        product.variants.update(stock=0)
        services.products_refresh_summary(product_ids=[product.pk], stock_only=True)
    listed = api_client.get(listing)
    assert listed["X-Cache"] == "miss" and [p["slug"] for p in listed.json()["results"]] == [other.slug]
    assert api_client.get(detail).json()["in_stock"] is False


def test_category_rename_and_move_invalidate(api_client, django_capture_on_commit_callbacks):
    home = CategoryFactory.create(slug="home", name="Home")
    lighting = CategoryFactory.create(slug="lighting", name="Lighting", parent=home)
    lamps = CategoryFactory.create(slug="lamps", name="Lamps", parent=lighting)
    ProductFactory.create(category=lamps)
    assert api_client.get("/api/v1/products/?category=home").json()["count"] == 1
    assert api_client.get("/api/v1/categories/").json()[0]["children"][0]["name"] == "Lighting"

    with django_capture_on_commit_callbacks(execute=True):
        lighting.name, lighting.parent = "Lights", None
        services.category_save(category=lighting)

    assert Category.objects.get(slug="lamps").path == "lighting/lamps"
    assert api_client.get("/api/v1/products/?category=home").json()["count"] == 0
    assert api_client.get("/api/v1/products/?category=lighting").json()["count"] == 1
    assert [c["name"] for c in api_client.get("/api/v1/categories/").json()] == ["Home", "Lights"]


def test_category_cannot_move_under_its_own_subtree():
    home = CategoryFactory.create(slug="home")
    lighting = CategoryFactory.create(slug="lighting", parent=home)
    home.parent = lighting
    with pytest.raises(Exception, match="under itself"):
        services.category_save(category=home)


def test_cache_down_serves_from_the_database(settings, api_client):
    # given a cache server that does not answer
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    from django.core.cache import caches

    caches._settings = None  # re-read CACHES
    product = ProductFactory.create()
    try:
        list_response = api_client.get("/api/v1/products/")
        detail_response = api_client.get(f"/api/v1/products/{product.slug}/")
        tree_response = api_client.get("/api/v1/categories/")
    finally:
        caches._settings = None
    assert list_response.status_code == 200 and list_response.json()["count"] == 1
    assert list_response["X-Cache"] == "miss"
    assert detail_response.status_code == 200 and detail_response.json()["slug"] == product.slug
    assert tree_response.status_code == 200


def test_lists_that_miss_together_wait_for_one_build_of_the_list_index():
    import threading

    from django.core.cache import cache

    from agora.catalog.cache import list_index

    built = []

    def build():
        built.append(1)
        return [("home", 1, True, 3)]

    # given another request already building this version's counts
    cache.add("catalog:v-test:list-index:building", 1, timeout=10)
    threading.Timer(0.2, lambda: cache.set("catalog:v-test:list-index", [("home", 1, True, 7)])).start()
    # then a list that misses meanwhile waits for that build instead of running its own
    assert list_index("v-test", build) == [("home", 1, True, 7)] and built == []

    # and with nobody building, the first list builds once and the next ones reuse it
    assert list_index("v-test-2", build) == [("home", 1, True, 3)]
    assert list_index("v-test-2", build) == [("home", 1, True, 3)] and built == [1]
