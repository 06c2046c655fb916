"""The v1 URLconf: one flat list, so resolving an API path never descends into the URL lists of
apps listed before its own (issue #18: a search request went through eleven, ~50 µs each time)."""

import re
from collections import Counter

import pytest
from django.urls import URLPattern, URLResolver, include, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from agora.core.routing import IndexedResolver, first_word
from config.urls import api_v1


def test_the_v1_urlconf_is_flat_and_every_route_keeps_its_name():
    assert all(isinstance(p, URLPattern) for p in api_v1), [p for p in api_v1 if not isinstance(p, URLPattern)]
    names = Counter(p.name for p in api_v1)
    assert not [name for name, n in names.items() if n > 1]  # a repeated name would reverse to the first
    assert resolve("/api/v1/search/").url_name == "search"
    assert resolve("/api/v1/orders/A1B2C3/returns/").url_name == "order-returns"
    assert reverse("stripe-connect-webhook") == "/api/v1/payouts/stripe/webhook/"


def _sample_path(route: str) -> str:
    """A path the route matches: each converter given a value of its kind."""
    values = {"int": "12", "slug": "a-slug", "str": "a", "uuid": "0b0f3bfa-3b8c-4c55-8a8e-1f3f4c6f2a10", "path": "a/b"}
    return "/api/v1/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: values[m.group(1) or "str"], route)


def test_every_v1_path_resolves_as_over_the_whole_list():
    """The indexed resolver (agora/core/routing.py) gives each path the view and arguments
    Django's resolver gives it trying every route in order."""
    plain = URLResolver(RegexPattern(r"^/"), [URLResolver(RoutePattern("api/v1/"), api_v1)])
    paths = [_sample_path(str(p.pattern)) for p in api_v1]
    paths += [p.rstrip("/") for p in paths] + ["/api/v1/", "/api/v1/nothing-here/", "/api/v1/products"]
    for path in paths:
        try:
            expected = plain.resolve(path)
        except Resolver404:
            with pytest.raises(Resolver404):
                resolve(path)
            continue
        got = resolve(path)
        assert (got.func, got.args, got.kwargs, got.url_name, got.route) == (
            expected.func,
            expected.args,
            expected.kwargs,
            expected.url_name,
            expected.route,
        ), path


def test_a_v1_path_tries_only_the_routes_of_its_first_word():
    # Over the whole list, a search tried ~80 routes before its own (bench/url_resolve.py).
    tried_in_v1 = [t for t in resolve("/api/v1/search/").tried or [] if str(t[0].pattern) == "api/v1/"]
    assert len(tried_in_v1) == 1  # the search route itself: no route of another word was tried
    assert len(resolve("/api/v1/vendor/products/12/").tried or []) < 40


def test_a_route_without_a_fixed_first_word_is_tried_with_every_group():
    from django.urls import path

    def view(request, **kwargs):  # pragma: no cover - never called
        raise AssertionError

    resolver = IndexedResolver(
        "api/v1/",
        [path("cart/", view, name="cart"), path("<slug:any>/", view, name="any"), path("orders/", view, name="orders")],
    )
    assert resolver.resolve("api/v1/cart/").url_name == "cart"
    assert resolver.resolve("api/v1/orders/").url_name == "any"  # as in order over the whole list
    assert resolver.resolve("api/v1/elsewhere/").url_name == "any"  # no group: the whole list
    assert first_word(path("cart", include([]))) is None  # a prefix "cart" also matches "carts/…"
