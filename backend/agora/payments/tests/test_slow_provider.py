"""A slow payment provider must not take the web tier with it.

A fake Stripe on 127.0.0.1 that takes 30 s to answer; the real gunicorn (production config,
one worker of 4 threads) checks out against it. Provider calls are bounded (a 1 s read timeout
here, one retry) and capped per process (one slot), so: checkouts answer 503
``payment_provider_unavailable`` within seconds, most of them at once, nothing stays reserved —
and catalog, search and cart keep answering meanwhile.
"""

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agora.carts.models import Cart, CartItem
from agora.carts.tests.factories import sellable_variant
from agora.catalog.models import Variant
from agora.orders.models import Order
from agora.orders.tests.helpers import body, fill_cart, shipping_methods
from testing.server import GunicornServer

PROVIDER_DELAY = 30.0
CHECKOUTS = 6


class _SlowStripe(BaseHTTPRequestHandler):
    stop = threading.Event()
    arrivals: list[float] = []  # when each call reached the provider (monotonic)

    def do_POST(self):
        type(self).arrivals.append(time.monotonic())
        self.stop.wait(PROVIDER_DELAY)  # the provider hangs (until the test ends)
        try:
            self.send_response(500)
            self.end_headers()
        except OSError:
            pass

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_stripe():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowStripe)
    server.daemon_threads = True
    _SlowStripe.stop.clear()
    _SlowStripe.arrivals = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _SlowStripe.stop.set()
    server.shutdown()
    server.server_close()


def _request(url, *, method="GET", data=None, headers=None, timeout=20.0):
    started = time.monotonic()
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback
            status, payload = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read()
    return status, json.loads(payload or b"{}"), time.monotonic() - started


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_hanging_provider_answers_503_fast_while_the_shop_keeps_answering(slow_stripe, tmp_path):
    shipping_methods()
    variant = sellable_variant(price="12.00", stock=50)
    carts = [fill_cart(Cart.objects.create(), (variant, 1)) for _ in range(CHECKOUTS)]
    browsing_cart = fill_cart(Cart.objects.create(), (variant, 2))
    server = GunicornServer(
        tmp_path / "gunicorn.log",
        workers=1,
        extra_env={
            "GUNICORN_THREADS": "4",
            "PAYMENT_METHODS": "stripe",
            "PAYMENT_GATEWAY": "stripe",
            "STRIPE_SECRET_KEY": "sk_test_slow",
            "STRIPE_API_BASE": slow_stripe,
            "STRIPE_CONNECT_TIMEOUT": "1",
            "STRIPE_READ_TIMEOUT": "1",
            "PAYMENT_PROVIDER_MAX_CONCURRENCY": "1",
            "THROTTLE_CHECKOUT_IP": "1000/min",
        },
    ).start()
    try:
        # warm every thread of the worker (first requests import and connect)
        warm = [threading.Thread(target=_request, args=(f"{server.url}/api/v1/products/",)) for _ in range(8)]
        for t in warm:
            t.start()
        for t in warm:
            t.join(10)
        results: list[tuple[int, dict, float]] = []

        def checkout(cart):
            payload = json.dumps(body(payment_method="stripe", payment_token=None)).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Cart-Token": cart.token,
                "Idempotency-Key": cart.token[:20],
            }
            results.append(_request(f"{server.url}/api/v1/checkout/", method="POST", data=payload, headers=headers))

        threads = [threading.Thread(target=checkout, args=(c,)) for c in carts]
        for t in threads:
            t.start()
        time.sleep(0.5)  # the checkouts are waiting on the provider now
        browsing = [
            _request(f"{server.url}/api/v1/products/", timeout=5),
            _request(f"{server.url}/api/v1/products/{variant.product.slug}/", timeout=5),
            _request(f"{server.url}/api/v1/search/?q=product", timeout=5),
            _request(f"{server.url}/api/v1/cart/", headers={"X-Cart-Token": browsing_cart.token}, timeout=5),
        ]
        for t in threads:
            t.join(30)
    finally:
        server.stop()

    # the shop kept answering while the provider hung
    assert [status for status, _, _ in browsing] == [200, 200, 200, 200]
    assert max(took for _, _, took in browsing) < 5.0, [took for _, _, took in browsing]  # not the 30 s
    # every checkout answered 503 payment_provider_unavailable, long before the provider would have
    assert len(results) == CHECKOUTS
    assert {(status, b["error"]["code"]) for status, b, _ in results} == {(503, "payment_provider_unavailable")}
    assert max(took for _, _, took in results) < 10.0, sorted(took for _, _, took in results)
    # refused by the bulkhead rather than sent: the shop never had two calls waiting on the
    # provider at once — each call it sends waits out the 1 s read timeout before the next may
    # start (without the bulkhead, each of the 4 threads sends its own at once). Counted at the
    # provider, not timed: on a busy machine a refused checkout's own work takes over a second.
    arrivals = sorted(_SlowStripe.arrivals)
    assert arrivals, "no checkout reached the provider"
    assert all(later - earlier > 0.9 for earlier, later in itertools.pairwise(arrivals)), arrivals
    # nothing stays reserved: stock and cart lines are back, the orders say why they failed
    assert Variant.objects.get(pk=variant.pk).stock == 50
    assert all(CartItem.objects.filter(cart=c).count() == 1 for c in carts)
    assert set(Order.objects.values_list("status", flat=True)) == {"payment_failed"}
