"""Adds of one cart line at the same moment (a double click, two tabs, a retried request)."""

import pytest
from rest_framework.test import APIClient

from agora.carts.models import Cart, CartItem
from agora.carts.tests.factories import sellable_variant
from testing.concurrency import at_once

ADDS = 8


def _add(cart: Cart, variant_id: int, quantity: int = 1) -> int:
    return (
        APIClient()
        .post(
            "/api/v1/cart/items/",
            {"variant_id": variant_id, "quantity": quantity},
            format="json",
            HTTP_X_CART_TOKEN=cart.token,
        )
        .status_code
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_one_variant_all_count(sent_tasks):
    variant = sellable_variant(stock=50)
    cart = Cart.objects.create()

    statuses = at_once([lambda: _add(cart, variant.pk)] * ADDS, timeout=30)

    assert statuses == [201] * ADDS
    assert [line.quantity for line in CartItem.objects.filter(cart=cart)] == [ADDS], "every answered add counts"


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_never_take_a_line_past_the_stock(sent_tasks):
    variant = sellable_variant(stock=5)
    cart = Cart.objects.create()

    statuses = at_once([lambda: _add(cart, variant.pk, 2)] * 4, timeout=30)

    assert sorted(statuses) == [201, 201, 409, 409]
    assert CartItem.objects.get(cart=cart).quantity == 4, "the adds that were answered 201, no more"
