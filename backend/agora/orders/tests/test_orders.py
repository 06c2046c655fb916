from datetime import timedelta

import orjson
import pytest
from django.core.management import call_command
from django.utils import timezone

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.orders import checkout
from agora.orders.errors import InvalidOrderTransition, OrderNotCancellable, VendorOrderNotShippable
from agora.orders.models import Order, VendorOrder
from agora.orders.services import order_cancel, order_process, orders_expire_unpaid
from agora.orders.states import ORDER_TRANSITIONS, order_transition
from agora.orders.tests.helpers import ADDRESS, fill_cart, post_checkout, shipping_methods
from agora.payments.models import Payment
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipping(db):
    shipping_methods()


def place(user, *lines, **over) -> Order:
    fill_cart(CartFactory.create(user=user), *lines)
    r = post_checkout(client_for(user), email=None, **over)
    assert r.status_code == 201, r.json()
    return Order.objects.get(number=r.json()["number"])


def stock(v) -> int:
    return Variant.objects.get(pk=v.pk).stock


def test_the_state_machine_refuses_transitions_it_does_not_list(user):
    order = place(user, (sellable_variant(), 1))
    assert order.status == "paid"
    with pytest.raises(InvalidOrderTransition):
        order_transition(order, Order.Status.FULFILLED)
    with pytest.raises(InvalidOrderTransition):
        order_transition(order, Order.Status.PENDING_PAYMENT)
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert all(not ORDER_TRANSITIONS[s] for s in ("cancelled", "refunded", "payment_failed"))


def test_a_move_is_one_compare_and_set_written_once(user, make_user, django_assert_num_queries):
    """Every order moves at checkout and when processed: the move's UPDATE is a statement written
    once (building the ORM's update cost ~0.7 ms of CPU, issue #18), with the same effect."""
    from unittest import mock

    from django.db.models import Value
    from django.db.models.sql.compiler import SQLUpdateCompiler

    first, order = place(user, (sellable_variant(), 1)), place(make_user(), (sellable_variant(), 1))
    order_transition(first, Order.Status.PROCESSING, processed_at=timezone.now())  # this thread writes it once
    stale = Order.objects.get(pk=order.pk)
    updates = mock.Mock(wraps=SQLUpdateCompiler.as_sql)
    with (
        mock.patch.object(SQLUpdateCompiler, "as_sql", lambda self, *a, **k: updates(self, *a, **k)),
        django_assert_num_queries(1),
    ):
        order_transition(order, Order.Status.PROCESSING, processed_at=timezone.now())
    assert updates.call_count == 0
    row = Order.objects.get(pk=order.pk)
    assert (row.status, row.processed_at, row.updated_at) == ("processing", order.processed_at, order.updated_at)
    assert order.status == "processing" and row.updated_at > stale.updated_at
    # a writer holding the old status loses: the row stays as the first writer left it
    with pytest.raises(InvalidOrderTransition):
        order_transition(stale, Order.Status.CANCELLED, cancel_reason="too late")
    assert Order.objects.values_list("status", "cancel_reason").get(pk=order.pk) == ("processing", "")
    # a value the database computes still goes through the ORM
    order_transition(order, Order.Status.CANCELLED, cancel_reason=Value("changed my mind"))
    assert Order.objects.values_list("status", "cancel_reason").get(pk=order.pk) == ("cancelled", "changed my mind")


def test_cancelling_before_shipping_restores_stock_exactly_once(user):
    variant = sellable_variant(stock=5)
    order = place(user, (variant, 2))
    assert stock(variant) == 3
    client = client_for(user)

    r = client.post(f"/api/v1/orders/{order.number}/cancel/")

    assert r.status_code == 200
    assert r.json()["status"] == "cancelled" and r.json()["can_cancel"] is False
    assert {vo["status"] for vo in r.json()["vendor_orders"]} == {"cancelled"}
    assert stock(variant) == 5
    # a second cancel is refused and gives nothing back twice
    r = client.post(f"/api/v1/orders/{order.number}/cancel/")
    assert r.status_code == 409 and r.json()["error"]["message"] == OrderNotCancellable.message
    assert stock(variant) == 5


def test_cancelling_a_paid_order_refunds_its_payment(user, django_capture_on_commit_callbacks):
    order = place(user, (sellable_variant(), 1))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(user).post(f"/api/v1/orders/{order.number}/cancel/")
    assert Payment.objects.get(order=order).status == "refunded"


def test_a_guest_cancels_with_the_order_token(api_client):
    variant = sellable_variant(stock=4)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    created = post_checkout(api_client, token=cart.token).json()
    assert api_client.post(f"/api/v1/orders/{created['number']}/cancel/").status_code == 404
    r = api_client.post(f"/api/v1/orders/{created['number']}/cancel/", HTTP_X_ORDER_TOKEN=created["access_token"])
    assert r.status_code == 200 and stock(variant) == 4


def test_vendors_see_and_ship_only_their_own_sub_orders_and_the_order_is_fulfilled(user, mailoutbox):
    # given an order split between two vendors, confirmed by the processing task
    vendor_a, vendor_b = VendorFactory.create(), VendorFactory.create()
    a = VendorMembershipFactory.create(vendor=vendor_a).user
    b = VendorMembershipFactory.create(vendor=vendor_b).user
    va, vb = sellable_variant(vendor=vendor_a), sellable_variant(vendor=vendor_b)
    order = place(user, (va, 1), (vb, 2))
    order_process(order_id=order.pk)
    client_a, client_b = client_for(a), client_for(b)

    # then each vendor lists only its own sub-order, with its own lines and the shipping address
    listed = client_a.get("/api/v1/vendor/orders/").json()
    assert listed["count"] == 1
    mine = listed["results"][0]
    assert [line["sku"] for line in mine["lines"]] == [va.sku]
    assert mine["order_number"] == order.number and mine["status"] == "processing"
    assert mine["shipping_address"]["city"] == ADDRESS["city"]
    theirs = client_b.get("/api/v1/vendor/orders/").json()["results"][0]["id"]

    # when vendor A tries B's sub-order it is not found; shipping its own works
    assert client_a.post(f"/api/v1/vendor/orders/{theirs}/ship/", {}).status_code == 404
    r = client_a.post(f"/api/v1/vendor/orders/{mine['id']}/ship/", {"tracking_number": "TRACK-1"})
    assert r.status_code == 200 and r.json()["status"] == "shipped" and r.json()["tracking_number"] == "TRACK-1"
    assert Order.objects.get(pk=order.pk).status == "processing"
    # shipping twice is a conflict, and a shipped order can no longer be cancelled
    r = client_a.post(f"/api/v1/vendor/orders/{mine['id']}/ship/", {})
    assert r.status_code == 409 and r.json()["error"]["message"] == VendorOrderNotShippable.message
    assert client_for(user).post(f"/api/v1/orders/{order.number}/cancel/").status_code == 409

    # when the last vendor ships, the order is fulfilled
    assert client_b.post(f"/api/v1/vendor/orders/{theirs}/ship/", {}).status_code == 200
    order.refresh_from_db()
    assert order.status == "fulfilled" and order.fulfilled_at is not None


def test_vendor_portal_needs_a_vendor(user):
    r = client_for(user).get("/api/v1/vendor/orders/")
    assert r.status_code == 403


def test_a_sub_order_is_shipped_only_once_confirmed(user):
    vendor = VendorFactory.create()
    owner = VendorMembershipFactory.create(vendor=vendor).user
    order = place(user, (sellable_variant(vendor=vendor), 1))  # paid, processing not run yet
    vo = VendorOrder.objects.get(order=order)
    r = client_for(owner).post(f"/api/v1/vendor/orders/{vo.pk}/ship/", {"tracking_number": "x" * 101})
    assert r.status_code == 400
    r = client_for(owner).post(f"/api/v1/vendor/orders/{vo.pk}/ship/", {})
    assert r.status_code == 409
    assert VendorOrder.objects.get(pk=vo.pk).status == "pending"


def test_unpaid_orders_expire_and_release_their_stock(settings):
    # given a pending_payment order (a remote payment never completed) and a fresh one
    settings.ORDER_PAYMENT_TIMEOUT_MINUTES = 30
    variant = sellable_variant(stock=6)
    orders = []
    for _ in range(2):
        cart = fill_cart(CartFactory.create(), (variant, 2))
        request = checkout.CheckoutRequest(
            user=None,
            cart_token=cart.token,
            email="late@example.com",
            shipping_address=ADDRESS,
            shipping_method="standard",
            payment_method="dummy",
        )
        method = checkout.ShippingMethod.objects.get(code="standard")
        result = checkout._place_order(request, "late@example.com", method, holds_stock=True)
        orders.append(result.order)
    Order.objects.filter(pk=orders[0].pk).update(created_at=timezone.now() - timedelta(minutes=31))
    assert stock(variant) == 2

    # when the expiry runs (the beat task, then the ops command: idempotent)
    from agora.orders.tasks import orders_expire_unpaid

    assert orders_expire_unpaid() == 1
    call_command("expire_unpaid_orders")

    # then only the stale order is cancelled and its stock is back, once
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {orders[0].pk: "cancelled", orders[1].pk: "pending_payment"}
    assert stock(variant) == 4


def _unpaid_order(variant, email: str) -> Order:
    """An order placed with a remote payment the shopper never completes (pending_payment)."""
    cart = fill_cart(CartFactory.create(), (variant, 1))
    request = checkout.CheckoutRequest(
        user=None,
        cart_token=cart.token,
        email=email,
        shipping_address={**ADDRESS, "line2": "", "phone": "+44 20 7946 0000"},
        shipping_method="standard",
        payment_method="dummy",
    )
    method = checkout.ShippingMethod.objects.get(code="standard")
    order = checkout._place_order(request, email, method, holds_stock=True).order
    assert order.status == Order.Status.PENDING_PAYMENT
    return order


def test_a_never_paid_order_stays_hidden_from_its_vendor_once_it_is_cancelled(settings, api_client, make_user):
    # given two orders a shopper never paid, and the vendor who would have sold them
    settings.ORDER_PAYMENT_TIMEOUT_MINUTES = 30
    seller = VendorMembershipFactory.create()
    variant = sellable_variant(vendor=seller.vendor, stock=5)
    expired, abandoned = _unpaid_order(variant, "late@example.com"), _unpaid_order(variant, "gone@example.com")
    vendor = client_for(seller.user)
    assert vendor.get("/api/v1/vendor/orders/").json()["count"] == 0

    # when one expires unpaid and the shopper cancels the other
    Order.objects.filter(pk=expired.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    assert orders_expire_unpaid() == 1
    r = api_client.post(f"/api/v1/orders/{abandoned.number}/cancel/", HTTP_X_ORDER_TOKEN=abandoned.access_token)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"

    # then the vendor sees neither, nor the shopper's name, address and phone: nothing was sold
    listed = vendor.get("/api/v1/vendor/orders/").json()
    assert listed["count"] == 0, [(row["order_status"], row["shipping_address"]) for row in listed["results"]]
    for vo in VendorOrder.objects.filter(order__in=[expired, abandoned]):
        assert vendor.post(f"/api/v1/vendor/orders/{vo.pk}/ship/", {}).status_code == 404

    # while an order that was paid and then cancelled stays in the vendor's list
    paid = place(make_user(), (variant, 1))
    order_cancel(order=paid)
    assert [row["order_number"] for row in vendor.get("/api/v1/vendor/orders/").json()["results"]] == [paid.number]


def test_admin_lists_orders_and_cancels_them(staff_user, user):
    from django.test import Client

    staff_user.is_superuser = True
    staff_user.save()
    variant = sellable_variant(stock=3)
    order = place(user, (variant, 1))
    client = Client()
    client.force_login(staff_user)
    for url in ("/admin/orders/order/", f"/admin/orders/order/{order.pk}/change/", "/admin/payments/payment/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/orders/order/?status__exact=paid").status_code == 200
    r = client.post("/admin/orders/order/", {"action": "cancel_orders", "_selected_action": [order.pk]}, follow=True)
    assert r.status_code == 200
    assert Order.objects.get(pk=order.pk).status == "cancelled" and stock(variant) == 3


def _history_orders(user, count: int, *, parcels: bool = True) -> None:
    """``count`` orders of three vendors each, paid with the dummy gateway; with ``parcels``, the
    user's first sub-order gets two parcels (one with a line)."""
    from agora.carts.models import Cart
    from agora.orders.models import OrderLine, Parcel, ParcelLine, VendorOrder
    from agora.orders.tests.helpers import post_checkout, shipping_methods, three_vendor_cart

    shipping_methods()
    cart = Cart.objects.get_or_create(user=user)[0]
    for _ in range(count):
        three_vendor_cart(cart)
        assert post_checkout(client_for(user), email=None).status_code == 201
    if not parcels:
        return
    vo = VendorOrder.objects.filter(order__user=user).order_by("id").first()
    assert vo is not None
    line = OrderLine.objects.filter(vendor_order=vo).order_by("id")[0]
    parcel = Parcel.objects.create(vendor_order=vo, carrier="DHL", tracking_number="T1", shipped_at=timezone.now())
    ParcelLine.objects.create(parcel=parcel, order_line=line, quantity=1)
    Parcel.objects.create(vendor_order=vo, carrier="", shipped_at=timezone.now())  # no lines yet


def test_the_order_history_page_is_the_order_serializers_answer(user):
    # given orders of three vendors each, one with parcels
    from agora.orders.selectors import order_list
    from agora.orders.serializers import OrderSerializer

    _history_orders(user, 3)

    # when the customer reads their order history
    body = client_for(user).get("/api/v1/orders/").json()

    # then every order reads exactly as the documented serializer writes it, newest first
    expected = OrderSerializer(list(order_list(user=user)), many=True).data
    assert body["count"] == 3 and body["results"] == orjson.loads(orjson.dumps(expected))
    assert [len(o["vendor_orders"]) for o in body["results"]] == [3, 3, 3]
    assert body["results"][-1]["vendor_orders"][0]["parcels"][0]["lines"][0]["quantity"] == 1


def test_a_page_of_order_history_takes_a_fixed_number_of_queries(user, django_assert_max_num_queries):
    # given one order, then many more
    client = client_for(user)
    _history_orders(user, 1, parcels=False)
    # the user; the page with its count and latest payments; the sub-orders with their lines
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/orders/").json()["count"] == 1
    _history_orders(user, 5, parcels=False)
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/orders/").json()
    assert body["count"] == 6 and sum(len(o["lines"]) for o in body["results"]) == 18
    # parcels are read only when a sub-order of the page has some: one statement more
    _history_orders(user, 1, parcels=True)
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/orders/").json()
    assert body["count"] == 7 and body["results"][-1]["vendor_orders"][0]["parcels"][0]["carrier"] == "DHL"


def test_a_page_of_order_history_builds_no_query_of_its_own(user):
    """Counting and reading the page are fixed statements like the page's other reads: building and
    compiling the count and the page as querysets was ~3 ms of the page's ~11 ms of CPU (issue #18)."""
    from testing.compiled import querysets_compiled

    client = client_for(user)
    _history_orders(user, 2)
    assert client.get("/api/v1/orders/").status_code == 200  # this thread's first page compiles what it keeps
    with querysets_compiled() as compiled:
        body = client.get("/api/v1/orders/?page=1").json()
    assert body["count"] == 2 and len(body["results"]) == 2
    assert compiled == []


def test_order_history_pages_newest_first_with_links_and_a_404_past_the_end(user):
    client = client_for(user)
    assert client.get("/api/v1/orders/").json() == {"count": 0, "next": None, "previous": None, "results": []}
    _history_orders(user, 3)
    numbers = [o["number"] for o in client.get("/api/v1/orders/").json()["results"]]
    assert len(numbers) == 3 and numbers == sorted(numbers, key=lambda n: Order.objects.get(number=n).created_at)[::-1]
    second = client.get("/api/v1/orders/?page_size=2&page=2").json()
    assert second["count"] == 3 and [o["number"] for o in second["results"]] == numbers[2:]
    assert second["next"] is None and second["previous"].endswith("/api/v1/orders/?page_size=2")
    assert [o["number"] for o in client.get("/api/v1/orders/?page_size=2&page=last").json()["results"]] == numbers[2:]
    past = client.get("/api/v1/orders/?page_size=2&page=3")
    assert past.status_code == 404 and past.json()["error"]["code"] == "not_found"


def test_order_history_refuses_page_numbers_that_are_not_pages(user):
    client = client_for(user)
    # no orders yet: the first page and the last are the empty list, a second page is not found
    empty: dict[str, object] = {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get("/api/v1/orders/?page=1").json() == empty
    assert client.get("/api/v1/orders/?page=last").json() == empty
    _history_orders(user, 1, parcels=False)
    for page in ("2", "0", "-1", "abc", "1.5", ""):
        answer = client.get("/api/v1/orders/", {"page": page})
        if page == "":  # no page asked for: the first
            assert answer.status_code == 200 and answer.json()["count"] == 1
        else:
            assert answer.status_code == 404, page
            assert answer.json()["error"] == {"code": "not_found", "message": "Invalid page.", "details": {}}


def test_order_history_shows_each_orders_latest_payment(user):
    # given an order whose customer started a second payment after the first
    from agora.orders.selectors import order_list
    from agora.orders.serializers import OrderSerializer

    _history_orders(user, 2, parcels=False)
    order = Order.objects.filter(user=user).order_by("id").first()
    assert order is not None
    first = Payment.objects.get(order=order)
    retry = Payment.objects.create(
        order=order,
        gateway="dummy",
        status=Payment.Status.PENDING,
        amount=first.amount,
        currency=first.currency,
        client_secret="pi_secret_retry",
    )

    # when the customer reads their history
    body = client_for(user).get("/api/v1/orders/").json()

    # then each order shows its latest payment, as the order's own serializer does
    assert [o["payment"]["status"] for o in body["results"]] == [first.status, retry.status]
    assert body["results"][1]["payment"]["client_secret"] == "pi_secret_retry"
    assert body["results"] == orjson.loads(orjson.dumps(OrderSerializer(list(order_list(user=user)), many=True).data))
