"""Storefront load profile for Agora (locust, FastHttpUser).

Weights follow a common e-commerce mix: browse listing 30 %, product detail 25 %, search 25 %,
add to cart 12 %, checkout 4 % (dummy gateway), order history 4 %. Shopper accounts and their
access tokens come from the JSON file in AGORA_LOAD_USERS (made by run.sh before the run).
"""

import itertools
import json
import os
import random
import uuid

from locust import FastHttpUser, constant, task

_USERS = json.load(open(os.environ.get("AGORA_LOAD_USERS", "users.json")))  # noqa: SIM115
_tokens = itertools.cycle(_USERS["tokens"])
SLUGS: list[str] = _USERS["slugs"]
VARIANTS: list[int] = _USERS["variants"]
CATEGORIES: list[str] = _USERS["categories"]
# 280 distinct searches (words, pairs, typos, prefixes; half with filters), drawn with Zipf
# weights (rank^-1), as real search traffic is: a few head queries and a long tail.
SEARCHES: list[str] = _USERS["searches"]
_SEARCH_WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(SEARCHES) + 1)))


def a_search() -> str:
    return random.choices(SEARCHES, cum_weights=_SEARCH_WEIGHTS)[0]


def a_listing() -> str:
    params = [f"page={random.randint(1, 5)}"]
    if ordering := random.choice(ORDERINGS):
        params.append(f"ordering={ordering}")
    return f"/api/v1/products/?{'&'.join(params)}"


ORDERINGS = ["", "price", "-price", "name", "-created_at"]
ADDRESS = {"full_name": "Load Tester", "line1": "1 Bench St", "city": "Berlin", "postal_code": "10115", "country": "DE"}


class Shopper(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.auth = {"Authorization": f"Bearer {next(_tokens)}"}

    @task(30)
    def browse_listing(self):
        params = [f"page={random.randint(1, 5)}"]
        if ordering := random.choice(ORDERINGS):
            params.append(f"ordering={ordering}")
        if random.random() < 0.5:
            params.append(f"category={random.choice(CATEGORIES)}")
        self.client.get(f"/api/v1/products/?{'&'.join(params)}", name="list")

    @task(25)
    def product_detail(self):
        self.client.get(f"/api/v1/products/{random.choice(SLUGS)}/", name="detail")

    @task(25)
    def search(self):
        self.client.get(f"/api/v1/search/?{a_search()}", name="search")

    @task(12)
    def add_to_cart(self):
        self._add()

    def _add(self):
        body = {"variant_id": random.choice(VARIANTS), "quantity": 1}
        self.client.post("/api/v1/cart/items/", json=body, headers=self.auth, name="add_to_cart")

    @task(4)
    def checkout(self):
        self._add()
        body = {
            "email": "load@example.com",
            "shipping_address": ADDRESS,
            "shipping_method": "standard",
            "payment_method": "dummy",
            "payment_token": "tok_visa",
        }
        headers = {**self.auth, "Idempotency-Key": uuid.uuid4().hex}
        self.client.post("/api/v1/checkout/", json=body, headers=headers, name="checkout")

    @task(4)
    def order_history(self):
        self.client.get("/api/v1/orders/", headers=self.auth, name="orders")


class Ceiling(FastHttpUser):
    """The stack's ceiling: a bare Django view with a constant JSON body, behind the same
    middleware as every other request (/load-test/ceiling/, turned on by run.sh)."""

    wait_time = constant(0)

    @task
    def bare(self):
        self.client.get("/load-test/ceiling/", name="ceiling")


def _single(name: str, path_fn):
    class One(FastHttpUser):
        wait_time = constant(0)

        @task
        def one(self):
            self.client.get(path_fn(), name=name)

    One.__name__ = f"Only_{name}"
    return One


# Each storefront read alone, at the same concurrency as the ceiling, for the ceiling ratio.
ListOnly = _single("list", a_listing)
DetailOnly = _single("detail", lambda: f"/api/v1/products/{random.choice(SLUGS)}/")
SearchOnly = _single("search", lambda: f"/api/v1/search/?{a_search()}")
# The same reads against a second server with the catalog cache off (CATALOG_CACHE_TIMEOUT=0): every
# answer is built from PostgreSQL, as after a write bumps the catalog version.
ColdListOnly = _single("list_cold", a_listing)
ColdDetailOnly = _single("detail_cold", lambda: f"/api/v1/products/{random.choice(SLUGS)}/")

CART_LINES = 10


class AddToCartOnly(FastHttpUser):
    """Add to cart alone: a guest with a cart of about CART_LINES lines adds one unit of one of its
    variants per request (a new guest cart every 40 adds, so no line reaches the cap of 99)."""

    wait_time = constant(0)

    def on_start(self):
        self._new_cart()

    def _new_cart(self):
        with self.client.post("/api/v1/carts/", name="new_cart", catch_response=True) as resp:
            self.headers = {"X-Cart-Token": resp.json()["token"]}
        self.variants = random.sample(VARIANTS, CART_LINES)
        self.adds = 0

    @task
    def add(self):
        if self.adds >= 40:
            self._new_cart()
        self.adds += 1
        body = {"variant_id": random.choice(self.variants), "quantity": 1}
        self.client.post("/api/v1/cart/items/", json=body, headers=self.headers, name="add_to_cart")


# The shoppers the mix's first clients signed in as (each Shopper takes the next token at start;
# no phase before the mix takes any), who placed its orders: full pages of history after it.
_HISTORY_TOKENS = itertools.cycle(_USERS["tokens"][:16])


class OrderHistoryOnly(FastHttpUser):
    """Signed-in shoppers reading their order history (the page of their 20 latest orders), one
    request after another, a different shopper each time: the page at low load (issue #18: p50
    ≤ 10 ms). Run after the mix, whose checkouts give these shoppers their orders; PAGE_SIZES
    collects how many orders each page held."""

    wait_time = constant(0)

    @task
    def history(self):
        headers = {"Authorization": f"Bearer {next(_HISTORY_TOKENS)}"}
        with self.client.get("/api/v1/orders/", headers=headers, name="orders_low_load", catch_response=True) as r:
            if r.status_code == 200:
                PAGE_SIZES.append(len(r.json()["results"]))


PAGE_SIZES: list[int] = []
