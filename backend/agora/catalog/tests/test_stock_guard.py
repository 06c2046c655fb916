"""A vendor's stock edit never silently discards sales made since the vendor read the number.

The portal sends, for each variant it shows, the stock it loaded as ``expected_stock``: an
unchanged number leaves the stock as it is now (sales stand), a changed one is written only if
nobody sold meanwhile (else 409 ``stock_changed`` with the current value, and nothing changes).
"""

from decimal import Decimal

import pytest

from agora.carts.tests.factories import CartFactory
from agora.catalog.models import Product, Variant
from agora.catalog.tests.factories import ProductFactory, VariantFactory
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(vendor, category):
    product = ProductFactory.create(vendor=vendor, category=category, name="Aurora Lamp", variants=0)
    VariantFactory.create(product=product, sku="LAMP-1", name="Brass", price=Decimal("49.90"), stock=10)
    return product


def _read(client, product):
    """What the portal's form loads."""
    return client.get(f"/api/v1/vendor/products/{product.pk}/").json()


def _sell(variant: Variant, quantity: int, api_client) -> None:
    shipping_methods()
    cart = fill_cart(CartFactory.create(), (variant, quantity))
    assert post_checkout(api_client, token=cart.token).status_code == 201


def _form_body(loaded: dict, **changes) -> dict:
    """The portal's save: every variant with the stock it loaded as expected_stock."""
    variants = []
    for v in loaded["variants"]:
        item = {"id": v["id"], "sku": v["sku"], "name": v["name"], "price": v["price"], "stock": v["stock"]}
        item["expected_stock"] = v["stock"]
        item.update(changes.get(v["sku"], {}))
        variants.append(item)
    return {"name": loaded["name"], "description": loaded["description"], "variants": variants}


def test_fixing_a_typo_while_units_sell_keeps_the_sales(vendor_client, lamp, api_client):
    # given the vendor opened the form (stock 10)
    loaded = _read(vendor_client, lamp)
    variant = lamp.variants.get()
    # when three units sell before the vendor saves a typo fix
    _sell(variant, 3, api_client)
    body = _form_body(loaded)
    body["description"] = "Warm, dimmable light."
    r = vendor_client.patch(f"/api/v1/vendor/products/{lamp.pk}/", body, format="json")
    # then the fix is saved and the stock stays 7: the three sold units are not back on the shelf
    assert r.status_code == 200, r.json()
    assert r.json()["variants"][0]["stock"] == 7
    assert Variant.objects.get(pk=variant.pk).stock == 7
    assert Product.objects.get(pk=lamp.pk).description == "Warm, dimmable light."


def test_changing_stock_that_sold_meanwhile_is_a_409_with_the_current_value(vendor_client, lamp, api_client):
    loaded = _read(vendor_client, lamp)
    variant = lamp.variants.get()
    _sell(variant, 3, api_client)
    # the vendor meant to restock to 25 and fix the name in the same save
    body = _form_body(loaded, **{"LAMP-1": {"stock": 25}})
    body["name"] = "Aurora Desk Lamp"
    r = vendor_client.patch(f"/api/v1/vendor/products/{lamp.pk}/", body, format="json")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "stock_changed"
    assert r.json()["error"]["details"] == {"variants": [{"id": variant.pk, "expected_stock": 10, "stock": 7}]}
    # nothing changed: not the stock, not the name
    assert Variant.objects.get(pk=variant.pk).stock == 7
    assert Product.objects.get(pk=lamp.pk).name == "Aurora Lamp"
    # re-read and save again: now it goes through
    again = _form_body(_read(vendor_client, lamp), **{"LAMP-1": {"stock": 25}})
    assert vendor_client.patch(f"/api/v1/vendor/products/{lamp.pk}/", again, format="json").status_code == 200
    assert Variant.objects.get(pk=variant.pk).stock == 25


def test_changing_stock_nobody_touched_is_written(vendor_client, lamp):
    body = _form_body(_read(vendor_client, lamp), **{"LAMP-1": {"stock": 4}})
    assert vendor_client.patch(f"/api/v1/vendor/products/{lamp.pk}/", body, format="json").status_code == 200
    assert lamp.variants.get().stock == 4


def test_an_item_with_id_that_leaves_fields_out_keeps_them(vendor_client, lamp):
    variant = lamp.variants.get()
    # today this answered 500 (KeyError: 'stock'); a left-out field means "unchanged"
    r = vendor_client.patch(
        f"/api/v1/vendor/products/{lamp.pk}/", {"variants": [{"id": variant.pk, "price": "39.90"}]}, format="json"
    )
    assert r.status_code == 200, r.json()
    variant.refresh_from_db()
    assert (variant.sku, variant.name, variant.price, variant.stock) == ("LAMP-1", "Brass", Decimal("39.90"), 10)
    r = vendor_client.patch(f"/api/v1/vendor/products/{lamp.pk}/", {"variants": [{"id": variant.pk}]}, format="json")
    assert r.status_code == 200 and r.json()["variants"][0]["stock"] == 10


def test_a_new_variant_still_needs_every_field(vendor_client, lamp):
    variant = lamp.variants.get()
    r = vendor_client.patch(
        f"/api/v1/vendor/products/{lamp.pk}/",
        {"variants": [{"id": variant.pk}, {"sku": "LAMP-2", "expected_stock": 3}]},
        format="json",
    )
    assert r.status_code == 400
    problems = r.json()["error"]["details"]["variants"]["1"]  # DRF keys a partial update's list errors by index
    assert set(problems) == {"name", "price", "stock", "expected_stock"}
    assert lamp.variants.count() == 1


def test_v1_clients_without_the_guard_still_write_absolute_stock(vendor_client, lamp, api_client):
    variant = lamp.variants.get()
    _sell(variant, 3, api_client)
    body = {"variants": [{"id": variant.pk, "sku": "LAMP-1", "name": "Brass", "price": "49.90", "stock": 12}]}
    assert vendor_client.patch(f"/api/v1/vendor/products/{lamp.pk}/", body, format="json").status_code == 200
    assert Variant.objects.get(pk=variant.pk).stock == 12


def test_stock_moves_for_several_variants_in_one_statement_and_never_below_zero(
    vendor, category, django_assert_num_queries
):
    from django.db import IntegrityError, transaction

    from agora.catalog.services import variants_add_stock

    product = ProductFactory.create(vendor=vendor, category=category, variants=0)
    a, b, c = (VariantFactory.create(product=product, stock=n) for n in (5, 3, 7))
    with django_assert_num_queries(1):
        variants_add_stock({a.pk: -2, b.pk: -3, c.pk: 4})
    assert {v.pk: v.stock for v in Variant.objects.filter(product=product)} == {a.pk: 3, b.pk: 0, c.pk: 11}
    # a take beyond what is there changes nothing
    with pytest.raises(IntegrityError), transaction.atomic():
        variants_add_stock({a.pk: -1, b.pk: -1})
    assert {v.pk: v.stock for v in Variant.objects.filter(product=product)} == {a.pk: 3, b.pk: 0, c.pk: 11}
