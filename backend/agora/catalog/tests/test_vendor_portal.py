from decimal import Decimal

import pytest

from agora.catalog import errors
from agora.catalog.models import Product, Variant
from agora.catalog.tests.conftest import image_bytes, upload
from agora.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from agora.orders.models import OrderLine
from agora.search.models import PendingIndex

pytestmark = pytest.mark.django_db

URL = "/api/v1/vendor/products/"


def payload(**over):
    body = {
        "name": "Aurora Desk Lamp",
        "description": "Warm light.",
        "category": "home",
        "attributes": {"colour": "brass"},
        "variants": [
            {"sku": "LAMP-1", "name": "Brass", "price": "49.90", "stock": 5},
            {"sku": "LAMP-2", "name": "Black", "price": "44.90", "stock": 0},
        ],
    }
    body.update(over)
    return body


def test_create_lists_and_reads_a_draft_product(vendor_client, vendor, category):
    # when a vendor creates a product
    response = vendor_client.post(URL, payload(), format="json")

    # then it is a draft of their vendor with its variants, in the documented shape
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["category"] == "home" and body["rejection_reason"] == ""
    assert {"id", "slug", "name", "description", "category", "status", "rejection_reason", "attributes"} <= set(body)
    assert {"variants", "images", "created_at", "updated_at"} <= set(body)
    assert [(v["sku"], v["price"], v["stock"], v["currency"]) for v in body["variants"]] == [
        ("LAMP-1", "49.90", 5, "EUR"),
        ("LAMP-2", "44.90", 0, "EUR"),
    ]
    product = Product.objects.get(pk=body["id"])
    assert product.vendor == vendor and product.price_min == Decimal("44.90") and product.in_stock

    listing = vendor_client.get(URL).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == body["id"]
    assert vendor_client.get(f"{URL}{body['id']}/").json() == body
    assert vendor_client.get(f"{URL}?status=approved").json()["count"] == 0
    assert vendor_client.get(f"{URL}?status=bogus").status_code == 400


def test_a_shop_selling_in_another_currency_lists_products_in_it(vendor_client, category, settings):
    """AGORA_CURRENCY is the shop's one currency: a product and its variants are sold in it, not in
    the euro the models were first written with."""
    settings.AGORA_CURRENCY = "USD"
    body = vendor_client.post(URL, payload(), format="json").json()
    assert {v["currency"] for v in body["variants"]} == {"USD"}
    product = Product.objects.get(pk=body["id"])
    assert product.currency == "USD"
    # a variant added later, and one added by an edit, too
    body = vendor_client.patch(
        f"{URL}{product.pk}/",
        {"variants": [*body["variants"], {"sku": "LAMP-3", "name": "Brass", "price": "52.00", "stock": 1}]},
        format="json",
    ).json()
    assert {v["currency"] for v in body["variants"]} == {"USD"}


def test_vendor_list_shows_only_own_products(vendor_client, vendor, other_product):
    mine = ProductFactory.create(vendor=vendor)
    ids = [p["id"] for p in vendor_client.get(URL).json()["results"]]
    assert ids == [mine.pk]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"variants": [{"sku": "X-1", "name": "a", "price": "-1.00", "stock": 1}]}, "variants"),
        ({"variants": [{"sku": "X-1", "name": "a", "price": "0.00", "stock": 1}]}, "variants"),
        ({"variants": [{"sku": "X-1", "name": "a", "price": "1.00", "stock": -1}]}, "variants"),
        ({"category": "no-such-category"}, "category"),
        ({"status": "approved"}, "status"),
        ({"name": ""}, "name"),
        # PostgreSQL's JSON cannot hold a NUL; nesting past a few levels has no use and breaks reads
        ({"attributes": {"colour": "re\x00d"}}, "attributes"),
        ({"attributes": {"co\x00lour": "red"}}, "attributes"),
        ({"attributes": {"size": ["S", {"eu": "M\x00"}]}}, "attributes"),
        ({"attributes": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}, "attributes"),
        ({"attributes": {"a": [[[[["deep"]]]]]}}, "attributes"),
        (
            {
                "variants": [
                    {"sku": "DUP-1", "name": "a", "price": "1.00", "stock": 1},
                    {"sku": "dup-1", "name": "b", "price": "1.00", "stock": 1},
                ]
            },
            "variants",
        ),
    ],
)
def test_bad_create_is_400_and_saves_nothing(vendor_client, category, change, field):
    response = vendor_client.post(URL, payload(**change), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["details"]
    assert not Product.objects.exists() and not Variant.objects.exists()


# JSON the parser reads but PostgreSQL's jsonb cannot hold: a number past the largest double
# (read as Infinity) and an unpaired UTF-16 surrogate, in a value or in a key.
UNSTORABLE_ATTRIBUTES = ['{"weight": 1e999}', '{"weight": [-1e999]}', '{"k": "x\\ud800"}', '{"\\udc00": "x"}']


@pytest.mark.parametrize("attributes", UNSTORABLE_ATTRIBUTES)
def test_attributes_the_database_cannot_hold_are_400_on_create_and_edit(vendor_client, vendor, category, attributes):
    body = '{"name": "Lamp", "category": "home", "attributes": ' + attributes + "}"
    response = vendor_client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "attributes" in response.json()["error"]["details"]
    assert not Product.objects.exists()

    product = ProductFactory.create(vendor=vendor, category=category, attributes={"weight": 2})
    response = vendor_client.patch(
        f"{URL}{product.pk}/", data='{"attributes": ' + attributes + "}", content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "attributes" in response.json()["error"]["details"]
    product.refresh_from_db()
    assert product.attributes == {"weight": 2}


def test_duplicate_sku_of_another_product_is_400(vendor_client, vendor, category):
    ProductFactory.create(vendor=vendor, variants=0)
    VariantFactory.create(product=Product.objects.get(), sku="LAMP-1")
    response = vendor_client.post(URL, payload(), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["variants"][0] == {"sku": [errors.SKU_TAKEN]}
    assert Product.objects.count() == 1


def test_same_sku_at_another_vendor_is_fine(vendor_client, category, other_vendor):
    VariantFactory.create(product=ProductFactory.create(vendor=other_vendor, variants=0), sku="LAMP-1")
    assert vendor_client.post(URL, payload(), format="json").status_code == 201


def test_patch_variants_updates_creates_and_removes(vendor_client, category):
    body = vendor_client.post(URL, payload(), format="json").json()
    first, second = body["variants"]

    # when the vendor sends the whole desired list: first changed, second left out, one new
    response = vendor_client.patch(
        f"{URL}{body['id']}/",
        {
            "variants": [
                {"id": first["id"], "sku": "LAMP-1", "name": "Brass", "price": "39.00", "stock": 7},
                {"sku": "LAMP-3", "name": "White", "price": "59.00", "stock": 2},
            ]
        },
        format="json",
    )

    # then the answer is the product as GET shows it
    assert response.status_code == 200, response.content
    assert response.json() == vendor_client.get(f"{URL}{body['id']}/").json()
    variants = response.json()["variants"]
    assert [(v["sku"], v["price"], v["stock"]) for v in variants] == [("LAMP-1", "39.00", 7), ("LAMP-3", "59.00", 2)]
    assert variants[0]["id"] == first["id"]
    assert not Variant.objects.filter(pk=second["id"]).exists()
    assert Product.objects.get(pk=body["id"]).price_min == Decimal("39.00")


def test_patching_back_the_variants_a_get_returned_is_accepted(vendor_client, category):
    """A vendor's product reads with variants[{id, sku, name, price, currency, stock}] and PATCH
    `variants` is the whole desired list: the list GET returned, edited, is a valid PATCH (the
    currency it carries, the shop's, is accepted and ignored), new items may carry it too."""
    created = vendor_client.post(
        URL,
        payload(variants=[{"sku": "LAMP-1", "name": "Brass", "price": "49.90", "stock": 5, "currency": "EUR"}]),
        format="json",
    )
    assert created.status_code == 201, created.content
    product_id = created.json()["id"]
    variants = vendor_client.get(f"{URL}{product_id}/").json()["variants"]
    assert variants[0]["currency"] == "EUR"
    variants[0]["price"] = "45.00"
    variants.append({**variants[0], "sku": "LAMP-2", "name": "Black", "id": None, "stock": 3})
    del variants[1]["id"]

    response = vendor_client.patch(f"{URL}{product_id}/", {"variants": variants}, format="json")

    assert response.status_code == 200, response.content
    got = response.json()["variants"]
    assert [(v["sku"], v["price"], v["currency"], v["stock"]) for v in got] == [
        ("LAMP-1", "45.00", "EUR", 5),
        ("LAMP-2", "45.00", "EUR", 3),
    ]


def test_a_variant_in_another_currency_is_400_on_its_currency_and_changes_nothing(vendor_client, category):
    body = vendor_client.post(URL, payload(), format="json").json()
    first, second = body["variants"]
    response = vendor_client.patch(
        f"{URL}{body['id']}/",
        {
            "variants": [
                {**first, "price": "1.00", "currency": "USD"},
                {**second, "currency": "EUR"},
                {"sku": "LAMP-3", "name": "White", "price": "59.00", "stock": 2, "currency": "GBP"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    problems = response.json()["error"]["details"]["variants"]
    message = errors.CURRENCY_FIXED.format(currency="EUR")
    assert problems == [{"currency": [message]}, {}, {"currency": [message]}]
    assert "EUR" in message
    assert vendor_client.get(f"{URL}{body['id']}/").json() == body
    created = vendor_client.post(
        URL,
        payload(variants=[{"sku": "X-1", "name": "x", "price": "1.00", "stock": 1, "currency": "USD"}]),
        format="json",
    )
    assert created.status_code == 400
    assert created.json()["error"]["details"]["variants"] == [{"currency": [message]}]


def test_patch_with_a_variant_of_another_product_is_400(vendor_client, vendor, category, other_product):
    body = vendor_client.post(URL, payload(), format="json").json()
    foreign = other_product.variants.get()
    response = vendor_client.patch(
        f"{URL}{body['id']}/",
        {"variants": [{"id": foreign.pk, "sku": "Z-1", "name": "z", "price": "1.00", "stock": 1}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["variants"][0] == {"id": [errors.UNKNOWN_VARIANT]}
    assert foreign.__class__.objects.get(pk=foreign.pk).sku == foreign.sku


def test_attributes_nested_a_few_levels_are_kept(vendor_client, category):
    attributes = {"material": "oak", "size": {"ml": 350}, "care": [{"wash": {"max": "30°C"}}]}
    response = vendor_client.post(URL, payload(attributes=attributes), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["attributes"] == attributes


def test_a_variant_listed_twice_in_one_patch_is_400_and_changes_nothing(vendor_client, category):
    body = vendor_client.post(URL, payload(), format="json").json()
    first = body["variants"][0]
    response = vendor_client.patch(
        f"{URL}{body['id']}/",
        {
            "variants": [
                {"id": first["id"], "sku": "KEEP-1", "name": "a", "price": "1.00", "stock": 1},
                {"id": first["id"], "sku": "KEEP-2", "name": "b", "price": "2.00", "stock": 500},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["variants"][1] == {"id": [errors.VARIANT_REPEATED]}
    assert vendor_client.get(f"{URL}{body['id']}/").json() == body


def test_bad_patch_changes_nothing(vendor_client, category):
    body = vendor_client.post(URL, payload(), format="json").json()
    response = vendor_client.patch(
        f"{URL}{body['id']}/",
        {"name": "Renamed", "variants": [{"sku": "N", "name": "n", "price": "-3", "stock": 1}]},
        format="json",
    )
    assert response.status_code == 400
    assert vendor_client.get(f"{URL}{body['id']}/").json() == body


def _ordered_and_in_a_cart(api_client, variant) -> str:
    """Someone bought ``variant``, and another shopper has it in a cart: returns that cart's token."""
    from agora.carts.tests.factories import CartFactory
    from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods

    shipping_methods()
    assert post_checkout(api_client, token=fill_cart(CartFactory.create(), (variant, 1)).token).status_code == 201
    return fill_cart(CartFactory.create(), (variant, 1)).token


def test_a_removed_variant_that_was_ordered_is_archived_and_carts_show_it_unavailable(
    vendor_client, vendor, category, api_client
):
    product = ProductFactory.create(vendor=vendor, category=category, variants=2, status="approved")
    keep, ordered = product.variants.order_by("pk")
    Variant.objects.filter(pk=ordered.pk).update(stock=5)
    cart_token = _ordered_and_in_a_cart(api_client, ordered)
    body = {"variants": [{"id": keep.pk, "sku": keep.sku, "name": keep.name, "price": str(keep.price), "stock": 1}]}
    assert vendor_client.patch(f"{URL}{product.pk}/", body, format="json").status_code == 200
    # the order keeps its variant, which is archived, not deleted
    ordered.refresh_from_db()
    assert ordered.is_active is False and OrderLine.objects.get().variant_id == ordered.pk
    assert list(product.variants.filter(is_active=True)) == [keep]
    # and the other shopper's cart still shows the line, as unavailable
    [line] = api_client.get("/api/v1/cart/", HTTP_X_CART_TOKEN=cart_token).json()["items"]
    assert (line["variant"]["id"], line["problem"]) == (ordered.pk, "unavailable")


def test_deleting_a_product_that_was_ordered_archives_it(vendor_client, vendor, category, api_client):
    product = ProductFactory.create(vendor=vendor, category=category, variants=1, status="approved")
    variant = product.variants.get()
    cart_token = _ordered_and_in_a_cart(api_client, variant)
    assert vendor_client.delete(f"{URL}{product.pk}/").status_code == 204
    product.refresh_from_db()
    assert product.status == "archived" and not product.variants.filter(is_active=True).exists()
    assert OrderLine.objects.get().variant_id == variant.pk
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 404
    [line] = api_client.get("/api/v1/cart/", HTTP_X_CART_TOKEN=cart_token).json()["items"]
    assert line["problem"] == "unavailable"


def test_editing_content_of_an_approved_product_sends_it_back_to_review(vendor_client, vendor, category):
    product = ProductFactory.create(vendor=vendor, category=category)
    variant = product.variants.get()

    # price and stock edits keep it approved (and live)
    response = vendor_client.patch(
        f"{URL}{product.pk}/",
        {"variants": [{"id": variant.pk, "sku": variant.sku, "name": variant.name, "price": "12.00", "stock": 3}]},
        format="json",
    )
    assert response.json()["status"] == "approved"
    # so do attribute edits and sending the same name again
    response = vendor_client.patch(f"{URL}{product.pk}/", {"attributes": {"a": 1}, "name": product.name}, format="json")
    assert response.json()["status"] == "approved"

    for change in ({"name": "New name"}, {"description": "new"}, {"category": CategoryFactory.create(slug="c2").slug}):
        Product.objects.filter(pk=product.pk).update(status="approved")
        response = vendor_client.patch(f"{URL}{product.pk}/", change, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == "pending_review", change


def test_submit_moves_draft_and_rejected_to_review(vendor_client, vendor, category):
    draft = ProductFactory.create(vendor=vendor, status="draft")
    rejected = ProductFactory.create(vendor=vendor, status="rejected", rejection_reason="Blurry photos")
    for product in (draft, rejected):
        response = vendor_client.post(f"{URL}{product.pk}/submit/")
        assert response.status_code == 200
        assert response.json()["status"] == "pending_review"
    assert PendingIndex.objects.filter(product_id=draft.pk).exists()


@pytest.mark.parametrize("state", ["pending_review", "approved", "archived"])
def test_submit_from_other_states_is_409(vendor_client, vendor, state):
    product = ProductFactory.create(vendor=vendor, status=state)
    response = vendor_client.post(f"{URL}{product.pk}/submit/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    assert Product.objects.get(pk=product.pk).status == state


def test_an_archived_product_can_only_be_deleted(vendor_client, vendor, django_capture_on_commit_callbacks):
    product = ProductFactory.create(vendor=vendor, status="archived")
    variant = product.variants.get()
    before = Product.objects.values().get(pk=product.pk), Variant.objects.values().get(pk=variant.pk)
    assert vendor_client.get(f"{URL}{product.pk}/").json()["actions"] == ["delete"]

    # when the vendor edits it anyway, or adds an image to it
    edits = [
        {"name": "Back on sale"},
        {"variants": [{"id": variant.pk, "stock": 50, "expected_stock": variant.stock}]},
        {"variants": [{"sku": "NEW-1", "name": "New", "price": "5.00", "stock": 1}]},
    ]
    answers = [vendor_client.patch(f"{URL}{product.pk}/", body, format="json") for body in edits]
    answers.append(
        vendor_client.post(f"{URL}{product.pk}/images/", {"image": upload(image_bytes())}, format="multipart")
    )

    # then each answers 409 product_archived, and nothing changes
    for response in answers:
        assert response.status_code == 409, response.content
        assert response.json()["error"] == {
            "code": "product_archived",
            "message": errors.ProductArchived.message,
            "details": {},
        }
    assert (Product.objects.values().get(pk=product.pk), Variant.objects.values().get(pk=variant.pk)) == before
    assert not product.variants.exclude(pk=variant.pk).exists() and not product.images.exists()

    # deleting it still works
    with django_capture_on_commit_callbacks(execute=True):
        assert vendor_client.delete(f"{URL}{product.pk}/").status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_submit_without_variants_is_400(vendor_client, vendor):
    product = ProductFactory.create(vendor=vendor, status="draft", variants=0)
    response = vendor_client.post(f"{URL}{product.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == errors.NEEDS_VARIANT


def test_delete_removes_the_product_and_its_public_page(
    vendor_client, vendor, api_client, django_capture_on_commit_callbacks
):
    product = ProductFactory.create(vendor=vendor)
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert vendor_client.delete(f"{URL}{product.pk}/").status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 404


# --- who may call ----------------------------------------------------------------------------


def _every_portal_call(product_id: int):
    return [
        ("get", f"{URL}{product_id}/", None),
        ("patch", f"{URL}{product_id}/", {"name": "Hijacked"}),
        ("delete", f"{URL}{product_id}/", None),
        ("post", f"{URL}{product_id}/submit/", None),
    ]


def test_another_vendors_product_is_404_everywhere(vendor_client, other_product):
    before = Product.objects.values().get(pk=other_product.pk)
    for method, url, body in _every_portal_call(other_product.pk):
        response = getattr(vendor_client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url)
        assert response.json()["error"]["code"] == "not_found"
    response = vendor_client.post(
        f"{URL}{other_product.pk}/images/", {"image": upload(image_bytes())}, format="multipart"
    )
    assert response.status_code == 404
    assert Product.objects.values().get(pk=other_product.pk) == before
    assert not other_product.images.exists()


def test_pending_and_suspended_vendors_cannot_write(pending_vendor_client, suspended_vendor_client, category):
    for client in (pending_vendor_client, suspended_vendor_client):
        response = client.post(URL, payload(), format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "vendor_not_approved"
        # but they can read their (empty) lists
        assert client.get(URL).status_code == 200
    assert not Product.objects.exists()


def test_suspended_vendor_cannot_edit_its_products(suspended_vendor_client):
    from agora.vendors.models import VendorMembership

    vendor = VendorMembership.objects.get().vendor
    product = ProductFactory.create(vendor=vendor, status="draft")
    assert suspended_vendor_client.get(f"{URL}{product.pk}/").status_code == 200
    for method, url, body in _every_portal_call(product.pk)[1:]:
        response = getattr(suspended_vendor_client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json()["error"]["code"] == "vendor_not_approved"


def test_non_vendors_get_403_and_anonymous_401(auth_client, api_client, category):
    response = auth_client.post(URL, payload(), format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_vendor"
    assert auth_client.get(URL).json()["error"]["code"] == "not_a_vendor"
    response = api_client.get(URL)
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
