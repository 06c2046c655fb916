"""What a shared cache (a CDN or proxy in front of /api/) may keep: nothing answered to a caller
who showed a credential (a JWT, a guest's cart or order token), nothing a write answered; and a
public answer names the credential headers in Vary, so it is never served to someone who sent one."""

import pytest
from rest_framework.test import APIClient

from agora.carts.models import Cart
from agora.ledger.tests.helpers import one_vendor_order
from testing.clients import client_for

pytestmark = pytest.mark.django_db

CREDENTIALS = {"authorization", "x-cart-token", "x-order-token"}


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def varies_on(response) -> set[str]:
    return {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}


def test_a_guest_cart_answer_is_private():
    """It holds the cart's token, a key to the cart."""
    cart = Cart.objects.create()
    r = APIClient().get("/api/v1/cart/", HTTP_X_CART_TOKEN=cart.token)
    assert r.status_code == 200 and r.json()["token"] == cart.token
    assert private(r), r.get("Cache-Control")


def test_a_guest_order_answer_is_private():
    """It holds the guest's name, address and email."""
    order, _ = one_vendor_order("20.00")
    r = APIClient().get(f"/api/v1/orders/{order.number}/", HTTP_X_ORDER_TOKEN=order.access_token)
    assert r.status_code == 200
    assert private(r), r.get("Cache-Control")


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/cart/", "/api/v1/orders/", "/api/v1/products/"])
def test_every_answer_to_a_signed_in_caller_is_private(make_user, path):
    r = client_for(make_user()).get(path)
    assert r.status_code == 200
    assert private(r), (path, r.get("Cache-Control"))


def test_a_write_answer_is_never_stored(make_user):
    """The token pair a sign-in answers, a new guest cart's token."""
    make_user(email="ada@example.com", password="correct-horse-battery")
    r = APIClient().post(
        "/api/v1/auth/token/", {"email": "ada@example.com", "password": "correct-horse-battery"}, format="json"
    )
    assert r.status_code == 200 and "access" in r.json()
    assert private(r), r.get("Cache-Control")
    r = APIClient().post("/api/v1/carts/")
    assert r.status_code == 201 and private(r), r.get("Cache-Control")


def test_a_public_answer_stays_cacheable_but_varies_on_the_credentials(make_user):
    r = APIClient().get("/api/v1/products/")
    assert r.status_code == 200
    assert "no-store" not in r.get("Cache-Control", "")
    assert varies_on(r) >= CREDENTIALS, r.get("Vary")
    assert "origin" in varies_on(r), "CORS's Vary is kept"


def test_an_answer_that_says_how_it_may_be_kept_is_left_as_it_is():
    """The storefront's health and SEO pages, and views that set their own policy, keep it."""
    r = APIClient().get("/robots.txt")
    assert r.status_code == 200 and r["Cache-Control"] == "public, max-age=3600"
