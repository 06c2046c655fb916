"""API fuzzing: schemathesis generates requests from the served OpenAPI schema for every
/api/v1/ operation, signed in as a shopper, a vendor owner and staff in turn. No answer may be
a 5xx, and every documented answer must match its own schema."""

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from testing.clients import client_for

MAX_EXAMPLES = 10


@pytest.fixture
def wsgi_in_test_transaction(db):
    """As Django's test client does: keep the test's transaction open across WSGI requests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(make_user):
    """Authorization headers of a shopper, an approved vendor's owner and a staff member."""
    from agora.vendors.tests.factories import VendorMembershipFactory

    users = [make_user(), VendorMembershipFactory.create().user, make_user(is_staff=True)]
    return [client_for(u)._credentials["HTTP_AUTHORIZATION"] for u in users]


@pytest.mark.slow
def test_api_never_answers_5xx_and_keeps_its_schema(wsgi_in_test_transaction, role_headers):
    from config.wsgi import application

    schema = openapi.from_wsgi("/api/schema/", application).include(path_regex=r"^/api/v1/")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            for authorization in role_headers:
                response = case.call(headers={"Authorization": authorization})
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            exercise()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, report all at once
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


# --- headers and query values ----------------------------------------------------------------
# Schemathesis fills declared parameters with values their schema allows; these send what an
# attacker would: any text (non-ASCII, control characters, NUL), raw bytes, huge values, in every
# header the API reads and every query value it parses.

HEADERS_READ = [
    "HTTP_X_CART_TOKEN",
    "HTTP_X_ORDER_TOKEN",
    "HTTP_IDEMPOTENCY_KEY",
    "HTTP_X_REQUEST_ID",
    "HTTP_AUTHORIZATION",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_COOKIE",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ORIGIN",
    "HTTP_REFERER",
    "HTTP_HOST",
]


def _garbage(*, latin1: bool = False):
    """Hostile text. Header values on the wire are bytes a WSGI server hands over as latin-1,
    so headers get latin-1 text; query values may be any (percent-encoded UTF-8) text."""
    from hypothesis import strategies as st

    return st.one_of(
        st.text(st.characters(max_codepoint=255) if latin1 else st.characters(), max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        st.sampled_from(
            ["", " ", "\x00", "ü", "Bearer \x00", "Bearer ü", "a" * 20_000, "1.2.3.4, \x00", "agora_refresh=ü"]
        ),
    )


@pytest.fixture
def header_targets(db):
    """(method, path, JSON body) of endpoints that read headers, with real objects behind them."""
    from agora.carts.tests.factories import CartFactory, sellable_variant
    from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods

    shipping_methods()
    variant = sellable_variant()
    cart = fill_cart(CartFactory.create(), (variant, 1))
    from rest_framework.test import APIClient

    number = post_checkout(APIClient(), token=cart.token).json()["number"]
    return [
        ("get", f"/api/v1/orders/{number}/", None),
        ("post", f"/api/v1/orders/{number}/cancel/", {}),
        ("get", "/api/v1/cart/", None),
        ("post", "/api/v1/cart/items/", {"variant_id": variant.pk, "quantity": 1}),
        ("post", "/api/v1/cart/merge/", {"token": cart.token}),
        ("post", "/api/v1/checkout/", {"email": "a@example.com"}),
        ("get", "/api/v1/me/", None),
        ("post", "/api/v1/auth/token/", {"email": "a@example.com", "password": "x"}),
        ("post", "/api/v1/auth/token/refresh/", {}),
        ("post", "/api/v1/auth/register/", {"email": "fuzz@example.com", "password": "a-long-passphrase"}),
        ("get", "/api/v1/products/", None),
        ("get", "/health/ready/", None),
    ]


@pytest.mark.slow
def test_garbage_headers_never_answer_5xx(header_targets):
    import json

    from django.test import Client
    from hypothesis import strategies as st

    client = Client()
    failures = []

    @given(
        target=st.sampled_from(header_targets),
        header=st.sampled_from(HEADERS_READ),
        value=_garbage(latin1=True),
    )
    @settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def exercise(target, header, value):
        method, path, body = target
        kwargs = {header: value}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, method)(path, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {path} {header}={value[:60]!r}: {response.status_code}")

    exercise()
    assert not failures, "\n".join(sorted(set(failures))[:30])


QUERY_TARGETS = [
    (
        "/api/v1/products/",
        ["category", "vendor", "min_price", "max_price", "in_stock", "ordering", "page", "page_size"],
    ),
    ("/api/v1/search/", ["q", "category", "vendor", "min_price", "max_price", "in_stock", "ordering", "page"]),
    ("/api/v1/search/suggest/", ["q"]),
    ("/api/v1/orders/", ["page", "page_size"]),
    ("/api/v1/vendor/orders/", ["page", "page_size"]),
    ("/api/v1/vendor/products/", ["page", "page_size", "status"]),
    ("/api/v1/moderation/products/", ["page"]),
]


@pytest.mark.slow
def test_garbage_query_values_never_answer_5xx(role_headers):
    from urllib.parse import urlencode

    from django.test import Client
    from hypothesis import strategies as st

    client = Client()
    failures = []

    @given(
        target=st.sampled_from(QUERY_TARGETS),
        data=st.data(),
        authorization=st.sampled_from(role_headers),
    )
    @settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def exercise(target, data, authorization):
        path, params = target
        chosen = data.draw(st.dictionaries(st.sampled_from(params), _garbage(), max_size=3))
        url = f"{path}?{urlencode(chosen)}"
        response = client.get(url, HTTP_AUTHORIZATION=authorization)
        if response.status_code >= 500:
            failures.append(f"GET {url[:120]!r}: {response.status_code}")

    exercise()
    assert not failures, "\n".join(sorted(set(failures))[:30])
