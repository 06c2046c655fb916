"""Garbage in the headers and query values the API reads is a 4xx in the error shape, never a
500: non-ASCII and control characters, NUL bytes (PostgreSQL refuses them in text), huge values."""

import pytest
from django.test import Client

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_order(api_client):
    shipping_methods()
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 201, r.content
    return r.json()["number"]


@pytest.mark.parametrize("token", ["ünïcødé-tøken", "\u2603" * 40, "a\x00b", "x" * 10_000])
@pytest.mark.parametrize("method,suffix", [("get", ""), ("post", "cancel/")])
def test_a_garbage_order_token_is_not_found_not_a_crash(guest_order, token, method, suffix):
    r = getattr(Client(), method)(f"/api/v1/orders/{guest_order}/{suffix}", HTTP_X_ORDER_TOKEN=token)
    assert r.status_code == 404, r.content
    assert r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("token", ["ünïcødé", "a\x00b", "\x7f\x1b[2J"])
def test_a_garbage_cart_token_is_a_4xx(token):
    for method, path in (("get", "/api/v1/cart/"), ("post", "/api/v1/cart/items/")):
        r = getattr(Client(), method)(
            path,
            {"variant_id": 1, "quantity": 1} if method == "post" else None,
            content_type="application/json",
            HTTP_X_CART_TOKEN=token,
        )
        assert 400 <= r.status_code < 500, (path, r.status_code, r.content)
        assert r.json()["error"]["code"]


@pytest.mark.parametrize("key", ["ü" * 10, "k\x00ey", "\x01\x02"])
def test_a_garbage_idempotency_key_is_a_400(key):
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    shipping_methods()
    r = Client().post(
        "/api/v1/checkout/", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, HTTP_X_CART_TOKEN=cart.token
    )
    assert r.status_code == 400, r.content
    assert r.json()["error"]["code"] in ("validation_error", "idempotency_key_missing")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/products/?category=%00",
        "/api/v1/products/?vendor=a%00b",
        "/api/v1/products/?ordering=%00",
        "/api/v1/products/?min_price=%00",
        "/api/v1/search/?q=lamp%00",
        "/api/v1/search/suggest/?q=%00",
        "/api/v1/products/a%00b/",
        "/api/v1/vendors/a%00b/",
    ],
)
def test_nul_bytes_in_query_values_and_paths_are_a_4xx(path):
    r = Client().get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.content[:200])
    assert r.json()["error"]["code"]


@pytest.mark.parametrize("url", ["/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/checkout/"])
@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_a_body_nested_deeper_than_json_can_be_read_is_a_400(api_client, url, body):
    r = api_client.generic("POST", url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 400, (url, r.status_code, r.content[:200])
    assert r.json()["error"]["code"] == "validation_error"


def test_a_page_past_any_list_of_order_history_is_a_404(user):
    from testing.clients import client_for

    client = client_for(user)
    for page in ("99999999999999999999", "461168601842738791"):
        r = client.get(f"/api/v1/orders/?page={page}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", (page, r.content[:200])
