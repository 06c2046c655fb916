"""The v1 URLconf: one flat list, so resolving an API path never descends into the URL lists of
apps listed before its own (issue #18: a search request went through eleven, ~50 µs each time)."""

from collections import Counter

from django.urls import URLPattern, resolve, reverse

from config.urls import api_v1


def test_the_v1_urlconf_is_flat_and_every_route_keeps_its_name():
    assert all(isinstance(p, URLPattern) for p in api_v1), [p for p in api_v1 if not isinstance(p, URLPattern)]
    names = Counter(p.name for p in api_v1)
    assert not [name for name, n in names.items() if n > 1]  # a repeated name would reverse to the first
    assert resolve("/api/v1/search/").url_name == "search"
    assert resolve("/api/v1/orders/A1B2C3/returns/").url_name == "order-returns"
    assert reverse("stripe-connect-webhook") == "/api/v1/payouts/stripe/webhook/"
