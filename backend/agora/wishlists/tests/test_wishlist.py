"""Wishlists: signed-in shoppers save variants (or a product's default variant from a card),
list them, move them to the cart; a guest's hearts join the account at sign-in."""

import pytest

from agora.carts.models import CartItem
from agora.carts.tests.factories import sellable_variant
from agora.catalog.models import Product, Variant
from agora.catalog.tests.factories import ProductFactory, VariantFactory
from agora.wishlists.models import WishlistItem
from testing.clients import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/wishlist/"


@pytest.fixture
def lamp():
    product = ProductFactory.create(name="Aurora Lamp", variants=0)
    VariantFactory.create(product=product, name="Brass", stock=0, position=0)
    VariantFactory.create(product=product, name="Black", stock=5, position=1)
    return product


def test_save_a_variant_list_it_and_save_it_again_idempotently(auth_client, lamp):
    black = lamp.variants.get(name="Black")
    r = auth_client.post(URL, {"variant_id": black.pk}, format="json")
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["variant"]["name"] == "Black" and item["product"]["slug"] == lamp.slug
    assert item["available"] is True and item["actions"] == ["remove", "move_to_cart"]
    assert auth_client.post(URL, {"variant_id": black.pk}, format="json").status_code == 200
    listed = auth_client.get(URL).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == item["id"]
    assert auth_client.get(f"{URL}keys/").json() == {"variant_ids": [black.pk], "products": [lamp.slug]}


def test_a_heart_on_a_card_saves_the_products_first_variant_in_stock(auth_client, lamp):
    r = auth_client.post(URL, {"product": lamp.slug}, format="json")
    assert r.status_code == 201 and r.json()["variant"]["name"] == "Black"


@pytest.mark.parametrize(
    "body", [{}, {"variant_id": 1, "product": "x"}, {"variant_id": "abc"}, {"product": "no spaces"}, {"extra": 1}]
)
def test_bad_bodies_are_400(auth_client, body):
    r = auth_client.post(URL, body, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
    assert not WishlistItem.objects.exists()


def test_unsold_variants_cannot_be_saved(auth_client):
    draft = ProductFactory.create(status=Product.Status.DRAFT)
    for body in ({"variant_id": draft.variants.get().pk}, {"product": draft.slug}, {"variant_id": 10**9}):
        r = auth_client.post(URL, body, format="json")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_move_to_cart_takes_it_off_the_wishlist_unless_stock_is_short(auth_client, user, lamp):
    black, brass = lamp.variants.get(name="Black"), lamp.variants.get(name="Brass")
    ok = auth_client.post(URL, {"variant_id": black.pk}, format="json").json()["id"]
    Variant.objects.filter(pk=brass.pk).update(stock=1)
    short = auth_client.post(URL, {"variant_id": brass.pk}, format="json").json()["id"]

    r = auth_client.post(f"{URL}{ok}/move-to-cart/", {"quantity": 2}, format="json")
    assert r.status_code == 200 and r.json()["item_count"] == 2
    refused = auth_client.post(f"{URL}{short}/move-to-cart/", {"quantity": 3}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "insufficient_stock"

    assert list(WishlistItem.objects.values_list("pk", flat=True)) == [short]
    assert list(CartItem.objects.values_list("variant_id", "quantity")) == [(black.pk, 2)]


def test_a_variant_that_stopped_selling_stays_flagged_with_only_remove(auth_client, lamp):
    pk = auth_client.post(URL, {"product": lamp.slug}, format="json").json()["id"]
    Product.objects.filter(pk=lamp.pk).update(status=Product.Status.ARCHIVED)
    [entry] = auth_client.get(URL).json()["results"]
    assert entry["available"] is False and entry["actions"] == ["remove"]
    assert auth_client.post(f"{URL}{pk}/move-to-cart/", {}, format="json").status_code == 400
    assert auth_client.delete(f"{URL}{pk}/").status_code == 204
    assert auth_client.delete(f"{URL}{pk}/").status_code == 404


def test_a_guests_hearts_join_the_account_at_sign_in(auth_client, lamp):
    mug = sellable_variant()
    auth_client.post(URL, {"variant_id": mug.pk}, format="json")
    gone = ProductFactory.create(status=Product.Status.DRAFT)

    r = auth_client.post(
        f"{URL}merge/",
        {"items": [{"product": lamp.slug}, {"variant_id": mug.pk}, {"product": gone.slug}, {"variant_id": 10**9}]},
        format="json",
    )

    assert r.status_code == 200, r.content
    assert r.json()["added"] == 1  # the mug was saved already; the unsold and unknown ones are skipped
    assert r.json()["products"] == sorted([lamp.slug, mug.product.slug])
    assert WishlistItem.objects.count() == 2


def test_the_limit_holds_for_adds_and_merges(auth_client, settings):
    settings.WISHLIST_MAX_ITEMS = 2
    a, b, c = (sellable_variant() for _ in range(3))
    auth_client.post(URL, {"variant_id": a.pk}, format="json")
    r = auth_client.post(f"{URL}merge/", {"items": [{"variant_id": b.pk}, {"variant_id": c.pk}]}, format="json")
    assert r.json()["added"] == 1
    full = auth_client.post(URL, {"variant_id": c.pk}, format="json")
    assert full.status_code == 409 and full.json()["error"]["code"] == "wishlist_full"


def test_another_shoppers_wishlist_is_out_of_reach(auth_client, make_user, lamp):
    pk = auth_client.post(URL, {"product": lamp.slug}, format="json").json()["id"]
    other = client_for(make_user())
    assert other.get(URL).json()["count"] == 0
    assert other.delete(f"{URL}{pk}/").status_code == 404
    assert other.post(f"{URL}{pk}/move-to-cart/", {}, format="json").status_code == 404
    assert WishlistItem.objects.filter(pk=pk).exists()


def test_the_list_reads_in_a_flat_number_of_queries(auth_client, django_assert_max_num_queries):
    for _ in range(15):
        auth_client.post(URL, {"variant_id": sellable_variant().pk}, format="json")
    with django_assert_max_num_queries(6):
        assert len(auth_client.get(URL).json()["results"]) == 15
