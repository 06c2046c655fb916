"""The after-sale half: each vendor ships in parcels, cancels what it cannot ship, and handles
returns; every refund is a row with its amount, lines and sub-order."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.core.events import recording
from agora.core.site import site_url
from agora.notifications.models import Notification
from agora.notifications.rendering import render
from agora.orders.errors import OrderNotCancellable
from agora.orders.events import VendorOrderShipped
from agora.orders.fulfilment import sub_orders_flag_late
from agora.orders.models import Order, OrderLine, VendorOrder
from agora.orders.services import order_process
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.errors import NothingToRefund
from agora.payments.models import Payment, Refund
from agora.payments.services import refund_create
from agora.returns.models import ReturnRequest
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for
from testing.concurrency import at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(api_client, django_capture_on_commit_callbacks):
    """A paid, confirmed order: vendor A sells 2 lamps (30.00) and 1 shade (12.00), vendor B 3 mugs
    (8.00); standard shipping 4.90 per parcel. Returns a dict of what the tests use."""
    shipping_methods()
    a, b = VendorFactory.create(name="Alpha", slug="alpha"), VendorFactory.create(name="Beta", slug="beta")
    lamp = sellable_variant(price="30.00", stock=10, vendor=a)
    shade = sellable_variant(price="12.00", stock=10, vendor=a)
    mug = sellable_variant(price="8.00", stock=10, vendor=b)
    cart = fill_cart(CartFactory.create(), (lamp, 2), (shade, 1), (mug, 3))
    r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 201, r.json()
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    lines = {line.variant_id: line for line in OrderLine.objects.filter(order=order)}
    return {
        "order": order,
        "token": r.json()["access_token"],
        "a": client_for(VendorMembershipFactory.create(vendor=a).user),
        "b": client_for(VendorMembershipFactory.create(vendor=b).user),
        "vo_a": VendorOrder.objects.get(order=order, vendor=a),
        "vo_b": VendorOrder.objects.get(order=order, vendor=b),
        "lamp": lines[lamp.pk],
        "shade": lines[shade.pk],
        "mug": lines[mug.pk],
        "variants": (lamp, shade, mug),
    }


def _stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def _shopper_view(api_client, sale) -> dict:
    return api_client.get(f"/api/v1/orders/{sale['order'].number}/", HTTP_X_ORDER_TOKEN=sale["token"]).json()


def test_a_vendor_ships_in_parcels_and_the_shopper_sees_each_with_its_tracking(
    api_client, sale, django_capture_on_commit_callbacks
):
    url = f"/api/v1/vendor/orders/{sale['vo_a'].pk}/parcels/"
    # more than is left of a line is a 400 that ships nothing
    bad = sale["a"].post(url, {"lines": [{"line": sale["lamp"].pk, "quantity": 3}]}, format="json")
    assert bad.status_code == 400 and not sale["vo_a"].parcels.exists()
    # the first parcel: one lamp
    with recording(VendorOrderShipped) as shipped:
        first = sale["a"].post(
            url,
            {
                "lines": [{"line": sale["lamp"].pk, "quantity": 1}],
                "carrier": "DHL",
                "tracking_number": "TRK-1",
                "tracking_url": "https://tracking.example.com/TRK-1",
            },
            format="json",
        )
        assert first.status_code == 201, first.json()
        assert first.json()["status"] == "processing" and shipped == []
        # the second parcel: everything left; now the sub-order has shipped, once
        second = sale["a"].post(url, {"carrier": "UPS", "tracking_number": "TRK-2"}, format="json")
    assert second.status_code == 201 and second.json()["status"] == "shipped"
    assert [e.vendor_order_id for e in shipped] == [sale["vo_a"].pk]
    parcels = second.json()["parcels"]
    assert [
        (p["carrier"], p["tracking_number"], [(line["line_id"], line["quantity"]) for line in p["lines"]])
        for p in parcels
    ] == [
        ("DHL", "TRK-1", [(sale["lamp"].pk, 1)]),
        ("UPS", "TRK-2", [(sale["lamp"].pk, 1), (sale["shade"].pk, 1)]),
    ]
    # one email per parcel to the shopper
    emails = Notification.objects.filter(template="parcel_shipped", to=sale["order"].email)
    assert emails.count() == 2
    # the shopper sees the parcels and their tracking; the order is not fulfilled until B ships
    view = _shopper_view(api_client, sale)
    sub = next(vo for vo in view["vendor_orders"] if vo["id"] == sale["vo_a"].pk)
    assert [p["tracking_url"] for p in sub["parcels"]] == ["https://tracking.example.com/TRK-1", ""]
    assert view["status"] == "processing"
    # B ships with v1's endpoint (everything in one parcel): the order is fulfilled
    r = sale["b"].post(f"/api/v1/vendor/orders/{sale['vo_b'].pk}/ship/", {"tracking_number": "B-1"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "shipped" and len(r.json()["parcels"]) == 1
    assert Order.objects.get(pk=sale["order"].pk).status == "fulfilled"


def test_a_vendor_cancels_a_line_it_cannot_ship_and_that_part_is_refunded(
    api_client, sale, django_capture_on_commit_callbacks
):
    _lamp, _shade, mug = sale["variants"]
    url = f"/api/v1/vendor/orders/{sale['vo_b'].pk}/cancel-lines/"
    assert sale["b"].post(url, {"lines": [{"line": sale["mug"].pk, "quantity": 1}]}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        r = sale["b"].post(
            url,
            {"lines": [{"line": sale["mug"].pk, "quantity": 1}], "reason": "One broke in the warehouse."},
            format="json",
        )
    assert r.status_code == 200, r.json()
    # the unit goes back on sale, 8.00 goes back to the shopper; the rest of the order stands
    assert _stock(mug) == 8
    refund = Refund.objects.get()
    assert (refund.amount, refund.vendor_order_id, refund.status) == (Decimal("8.00"), sale["vo_b"].pk, "succeeded")
    assert [(line.order_line_id, line.quantity, line.amount) for line in refund.lines.all()] == [
        (sale["mug"].pk, 1, Decimal("8.00"))
    ]
    assert r.json()["status"] == "processing" and r.json()["lines"][0]["quantity_cancelled"] == 1
    view = _shopper_view(api_client, sale)
    assert (view["status"], view["refunded_total"]) == ("partially_refunded", "8.00")
    assert Notification.objects.filter(template="lines_cancelled", to=sale["order"].email).count() == 1
    # cancelling all that is left cancels the sub-order and refunds its shipping too
    with django_capture_on_commit_callbacks(execute=True):
        r = sale["b"].post(url, {"reason": "Out of stock."}, format="json")
    assert r.json()["status"] == "cancelled"
    assert Refund.objects.order_by("pk").values_list("amount", flat=True).last() == Decimal("16.00") + Decimal("4.90")
    assert _stock(mug) == 10
    assert Payment.objects.get().amount_refunded == Decimal("28.90")
    # vendor A's part still ships; another vendor cannot touch B's sub-order
    assert sale["a"].post(url, {"reason": "x"}, format="json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_refunds_fired_in_parallel_at_one_sub_order_never_exceed_its_capture(api_client, sent_tasks):
    shipping_methods()
    vendor = VendorFactory.create()
    mug = sellable_variant(price="8.00", stock=10, vendor=vendor)
    other = sellable_variant(price="50.00", stock=10)
    cart = fill_cart(CartFactory.create(), (mug, 3), (other, 1))
    r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 201
    order = Order.objects.get(number=r.json()["number"])
    vo = VendorOrder.objects.get(order=order, vendor=vendor)  # 3 x 8.00 + 4.90 = 28.90
    limit = vo.subtotal + vo.shipping_total
    payment = Payment.objects.get(order=order)

    def refund_five() -> str:
        from django.db import transaction

        try:
            with transaction.atomic():
                refund_create(
                    payment_id=payment.pk, amount=Decimal("5.00"), vendor_order_id=vo.pk, vendor_order_limit=limit
                )
            return "ok"
        except NothingToRefund:
            return "refused"

    outcomes = at_once([refund_five] * 8, timeout=30)
    # five refunds of 5.00 fit into the sub-order's 28.90, the order's other 54.90 is not touched
    assert sorted(outcomes) == ["ok"] * 5 + ["refused"] * 3
    assert sum(r.amount for r in Refund.objects.filter(vendor_order=vo)) == Decimal("25.00")
    # what is left of the sub-order can still be refunded, and not a cent more
    from django.db import transaction

    with pytest.raises(NothingToRefund), transaction.atomic():
        refund_create(payment_id=payment.pk, amount=Decimal("3.91"), vendor_order_id=vo.pk, vendor_order_limit=limit)
    with transaction.atomic():
        refund_create(payment_id=payment.pk, amount=Decimal("3.90"), vendor_order_id=vo.pk, vendor_order_limit=limit)


def _ship_all(sale) -> None:
    for client, vo in ((sale["a"], sale["vo_a"]), (sale["b"], sale["vo_b"])):
        assert client.post(f"/api/v1/vendor/orders/{vo.pk}/parcels/", {}, format="json").status_code == 201


def test_a_return_goes_from_request_to_refund_with_an_email_at_each_step(
    api_client, sale, django_capture_on_commit_callbacks
):
    lamp, _shade, _mug = sale["variants"]
    _ship_all(sale)
    base = f"/api/v1/orders/{sale['order'].number}/returns/"
    headers = {"HTTP_X_ORDER_TOKEN": sale["token"]}
    listing = api_client.get(base, **headers).json()
    returnable = {item["line_id"]: item["quantity"] for item in listing["returnable"]}
    assert returnable == {sale["lamp"].pk: 2, sale["shade"].pk: 1, sale["mug"].pk: 3}
    # more than shipped is refused; so is asking without the order's token
    too_many = {"vendor_order": sale["vo_a"].pk, "lines": [{"line": sale["lamp"].pk, "quantity": 3}], "reason": "x"}
    assert api_client.post(base, too_many, format="json", **headers).status_code == 400
    body = {
        "vendor_order": sale["vo_a"].pk,
        "lines": [{"line": sale["lamp"].pk, "quantity": 1}],
        "reason": "Scratched.",
    }
    assert api_client.post(base, body, format="json").status_code == 404
    r = api_client.post(base, body, format="json", **headers)
    assert r.status_code == 201, r.json()
    created = r.json()
    assert (created["status"], created["actions"]) == ("requested", [])
    assert Notification.objects.filter(template="return_requested", to=sale["vo_a"].vendor.contact_email).exists()
    # the same unit cannot be asked for twice while the first return is open
    again = api_client.get(base, **headers).json()
    assert {i["line_id"]: i["quantity"] for i in again["returnable"]}[sale["lamp"].pk] == 1
    # vendor B cannot see it; vendor A approves
    rid = created["id"]
    assert sale["b"].post(f"/api/v1/vendor/returns/{rid}/approve/").status_code == 404
    listed = sale["a"].get("/api/v1/vendor/returns/?status=requested").json()["results"]
    assert [(x["id"], x["actions"]) for x in listed] == [(rid, ["approve", "reject"])]
    assert sale["a"].post(f"/api/v1/vendor/returns/{rid}/approve/").json()["status"] == "approved"
    assert Notification.objects.filter(template="return_approved", to=sale["order"].email).exists()
    # on receipt: refund more than the lines' value is refused; the value, restocked, goes through
    too_much = sale["a"].post(f"/api/v1/vendor/returns/{rid}/refund/", {"amount": "30.01"}, format="json")
    assert too_much.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        r = sale["a"].post(f"/api/v1/vendor/returns/{rid}/refund/", {"restock": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "refunded", r.json()
    assert (r.json()["refund"]["amount"], r.json()["refund"]["currency"]) == ("30.00", "EUR")
    assert _stock(lamp) == 9  # 10 - 2 sold + 1 back
    refund = Refund.objects.get()
    assert refund.status == "succeeded"  # sent with its own idempotency key once the refund committed
    assert (refund.vendor_order_id, [(x.order_line_id, x.quantity) for x in refund.lines.all()]) == (
        sale["vo_a"].pk,
        [(sale["lamp"].pk, 1)],
    )
    view = _shopper_view(api_client, sale)
    assert (view["status"], view["refunded_total"]) == ("partially_refunded", "30.00")
    assert Notification.objects.filter(template="return_refunded", to=sale["order"].email).exists()
    # a refunded return cannot be refunded again
    assert sale["a"].post(f"/api/v1/vendor/returns/{rid}/refund/", {}, format="json").status_code == 409


def test_a_partial_refund_of_a_return_records_lines_that_add_up_to_what_was_refunded(api_client, sale):
    # given a return of both lamps (60.00) and the shade (12.00), approved
    _ship_all(sale)
    base = f"/api/v1/orders/{sale['order'].number}/returns/"
    body = {
        "vendor_order": sale["vo_a"].pk,
        "lines": [{"line": sale["lamp"].pk, "quantity": 2}, {"line": sale["shade"].pk, "quantity": 1}],
        "reason": "Both came back dented.",
    }
    rid = api_client.post(base, body, format="json", HTTP_X_ORDER_TOKEN=sale["token"]).json()["id"]
    assert sale["a"].post(f"/api/v1/vendor/returns/{rid}/approve/").status_code == 200
    # when the vendor refunds 5.00 of the 72.00 (the items came back damaged)
    r = sale["a"].post(f"/api/v1/vendor/returns/{rid}/refund/", {"amount": "5.00"}, format="json")
    assert r.status_code == 200, r.json()
    # then the refund's lines share the 5.00 pro rata to their value, to the cent (they recorded
    # 60.00 and 12.00: 72.00 for a refund of 5.00)
    refund = Refund.objects.get()
    assert refund.amount == Decimal("5.00")
    assert [(x.order_line_id, x.quantity, x.amount) for x in refund.lines.all()] == [
        (sale["lamp"].pk, 2, Decimal("4.17")),
        (sale["shade"].pk, 1, Decimal("0.83")),
    ]


def test_a_rejected_return_can_be_disputed_and_staff_decide(
    api_client, sale, staff_client, settings, client, make_user
):
    settings.STAFF_NOTIFICATION_EMAILS = ["ops@example.com"]
    _ship_all(sale)
    base = f"/api/v1/orders/{sale['order'].number}/returns/"
    headers = {"HTTP_X_ORDER_TOKEN": sale["token"]}
    body = {
        "vendor_order": sale["vo_b"].pk,
        "lines": [{"line": sale["mug"].pk, "quantity": 2}],
        "reason": "Wrong colour.",
    }
    rid = api_client.post(base, body, format="json", **headers).json()["id"]
    # a rejection needs a reason
    assert sale["b"].post(f"/api/v1/vendor/returns/{rid}/reject/", {}, format="json").status_code == 400
    r = sale["b"].post(f"/api/v1/vendor/returns/{rid}/reject/", {"note": "Used items."}, format="json")
    assert (r.json()["status"], r.json()["vendor_note"]) == ("rejected", "Used items.")
    rejected = Notification.objects.get(template="return_rejected", to=sale["order"].email)
    # its link to dispute opens the order for a guest too (/orders/<number>), in both parts
    email = render(rejected.template, rejected.context)
    order_page = site_url(f"/orders/{sale['order'].number}")
    for part in (email.text, email.html):
        assert order_page in part and "/account/orders/" not in part
    shopper = api_client.get(base, **headers).json()["returns"][0]
    assert shopper["actions"] == ["dispute"]
    r = api_client.post(f"{base}{rid}/dispute/", {"reason": "They were never worn."}, format="json", **headers)
    assert r.json()["status"] == "disputed"
    disputed = Notification.objects.get(template="return_disputed", to="ops@example.com")
    # staff's email says where to decide it, in both parts: the return in the admin, and the API
    email = render(disputed.template, disputed.context)
    in_admin = site_url(f"/admin/returns/returnrequest/?id__exact={rid}")
    for part in (email.text, email.html):
        assert f"/api/v1/moderation/returns/{rid}/decide/" in part
        assert in_admin in part.replace("&amp;", "&")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    listed = client.get(in_admin.removeprefix(site_url()))
    assert listed.status_code == 200 and f"/admin/returns/returnrequest/{rid}/change/" in listed.content.decode()
    # the vendor cannot settle it; staff can
    assert sale["b"].post(f"/api/v1/vendor/returns/{rid}/approve/").status_code == 409
    queue = staff_client.get("/api/v1/moderation/returns/?status=disputed").json()["results"]
    assert [x["id"] for x in queue] == [rid]
    r = staff_client.post(
        f"/api/v1/moderation/returns/{rid}/decide/", {"approve": True, "note": "Photos show no wear."}, format="json"
    )
    assert r.json()["status"] == "approved"
    assert Notification.objects.filter(template="return_decided").count() == 2  # shopper and vendor


def test_staff_are_offered_only_what_the_moderation_api_lets_them_do(api_client, sale, staff_client):
    """Staff decide disputed returns, nothing else: the actions they are shown must not offer
    `decide` on a return the vendor has yet to answer (decide answers 409 then) or `refund`
    (staff have no refund endpoint; the vendor refunds on receipt)."""
    _ship_all(sale)
    base = f"/api/v1/orders/{sale['order'].number}/returns/"
    headers = {"HTTP_X_ORDER_TOKEN": sale["token"]}

    def staff_actions(rid: int) -> list[str]:
        listed = staff_client.get("/api/v1/moderation/returns/").json()["results"]
        return next(x["actions"] for x in listed if x["id"] == rid)

    def ask(vo, line) -> int:
        body = {"vendor_order": vo.pk, "lines": [{"line": line.pk, "quantity": 1}], "reason": "No."}
        return api_client.post(base, body, format="json", **headers).json()["id"]

    waiting = ask(sale["vo_a"], sale["lamp"])
    assert staff_actions(waiting) == []
    r = staff_client.post(
        f"/api/v1/moderation/returns/{waiting}/decide/", {"approve": True, "note": "x"}, format="json"
    )
    assert r.status_code == 409  # what the empty list said
    assert sale["a"].post(f"/api/v1/vendor/returns/{waiting}/approve/").status_code == 200
    assert staff_actions(waiting) == []  # approved: the vendor refunds on receipt

    disputed = ask(sale["vo_b"], sale["mug"])
    sale["b"].post(f"/api/v1/vendor/returns/{disputed}/reject/", {"note": "Used."}, format="json")
    api_client.post(f"{base}{disputed}/dispute/", {"reason": "Unused."}, format="json", **headers)
    assert staff_actions(disputed) == ["decide"]


def test_the_return_window_closes(api_client, sale):
    _ship_all(sale)
    VendorOrder.objects.filter(pk=sale["vo_a"].pk).update(shipped_at=timezone.now() - timedelta(days=30))
    sale["vo_a"].parcels.update(shipped_at=timezone.now() - timedelta(days=15))  # the window is 14 days
    base = f"/api/v1/orders/{sale['order'].number}/returns/"
    headers = {"HTTP_X_ORDER_TOKEN": sale["token"]}
    listing = {i["line_id"]: i["quantity"] for i in api_client.get(base, **headers).json()["returnable"]}
    assert listing[sale["lamp"].pk] == 0 and listing[sale["mug"].pk] == 3
    body = {"vendor_order": sale["vo_a"].pk, "lines": [{"line": sale["lamp"].pk, "quantity": 1}], "reason": "Late."}
    assert api_client.post(base, body, format="json", **headers).status_code == 400
    assert not ReturnRequest.objects.exists()


def test_the_return_window_a_shopper_bought_under_holds_when_the_vendor_shortens_it(api_client):
    # given a vendor that sold a lamp while it offered 60 days to return, and shipped it
    shipping_methods()
    vendor = VendorFactory.create(return_window_days=60)
    vendor_client = client_for(VendorMembershipFactory.create(vendor=vendor).user)
    lamp = sellable_variant(price="30.00", stock=10, vendor=vendor)
    r = post_checkout(api_client, token=fill_cart(CartFactory.create(), (lamp, 1)).token)
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    vo = VendorOrder.objects.get(order=order)
    assert vendor_client.post(f"/api/v1/vendor/orders/{vo.pk}/parcels/", {}, format="json").status_code == 201
    # when the vendor shortens its window to the legal 14 days after the sale
    r = vendor_client.patch("/api/v1/vendor/policies/", {"return_window_days": 14}, format="json")
    assert r.status_code == 200
    shipped = timezone.now() - timedelta(days=20)
    vo.parcels.update(shipped_at=shipped)
    VendorOrder.objects.filter(pk=vo.pk).update(shipped_at=shipped)
    # then 20 days after shipment the shopper may still return it, until 60 days after shipment
    base = f"/api/v1/orders/{order.number}/returns/"
    headers = {"HTTP_X_ORDER_TOKEN": order.access_token}
    [item] = api_client.get(base, **headers).json()["returnable"]
    assert item["quantity"] == 1
    until = datetime.fromisoformat(item["until"].replace("Z", "+00:00"))
    assert abs(until - (shipped + timedelta(days=60))) < timedelta(seconds=1)
    body = {"vendor_order": vo.pk, "lines": [{"line": item["line_id"], "quantity": 1}], "reason": "Too dark."}
    assert api_client.post(base, body, format="json", **headers).status_code == 201


def test_late_sub_orders_are_flagged_once_and_staff_cancel_them_with_a_refund(
    sale, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFICATION_EMAILS = ["ops@example.com"]
    # confirmed orders must ship within the vendor's handling time (3 days by default)
    ship_by = VendorOrder.objects.values_list("ship_by", flat=True).get(pk=sale["vo_a"].pk)
    paid_at = Order.objects.values_list("paid_at", flat=True).get(pk=sale["order"].pk)
    assert ship_by is not None and paid_at is not None
    assert abs((ship_by - (paid_at + timedelta(days=3))).total_seconds()) < 1
    VendorOrder.objects.filter(pk=sale["vo_b"].pk).update(ship_by=timezone.now() - timedelta(hours=1))
    assert sub_orders_flag_late() == 1
    assert sub_orders_flag_late() == 0  # told once
    assert set(Notification.objects.filter(template="sub_order_late").values_list("to", flat=True)) == {
        sale["vo_b"].vendor.contact_email,
        "ops@example.com",
    }
    listed = sale["b"].get("/api/v1/vendor/orders/").json()["results"][0]
    assert listed["is_late"] is True
    with django_capture_on_commit_callbacks(execute=True):
        r = staff_client.post(
            f"/api/v1/moderation/vendor-orders/{sale['vo_b'].pk}/cancel/",
            {"reason": "Not shipped in time."},
            format="json",
        )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert Refund.objects.get().amount == Decimal("28.90")  # its goods and its shipping
    assert _stock(sale["variants"][2]) == 10


def test_the_vendors_ledger_books_cancelled_lines_and_returns_against_their_own_sub_order(
    api_client, sale, django_capture_on_commit_callbacks
):
    from agora.ledger.models import LedgerEntry

    def booked(vo) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for entry in LedgerEntry.objects.filter(vendor_order=vo):
            out[entry.type] = out.get(entry.type, Decimal("0.00")) + entry.amount
        return out

    vo_a, vo_b = sale["vo_a"], sale["vo_b"]
    # vendor B cancels one mug before shipping (8.00 back to the shopper), then ships the rest
    with django_capture_on_commit_callbacks(execute=True):
        sale["b"].post(
            f"/api/v1/vendor/orders/{vo_b.pk}/cancel-lines/",
            {"lines": [{"line": sale["mug"].pk, "quantity": 1}], "reason": "Broken."},
            format="json",
        )
    assert not LedgerEntry.objects.exists()  # nothing is earned before it ships
    with django_capture_on_commit_callbacks(execute=True):
        _ship_all(sale)
    # B earns what it shipped: the sale, less the cancelled mug and the commission on what was sold
    b = booked(vo_b)
    assert (b["sale"], b["refund"], b["shipping_share"]) == (Decimal("24.00"), Decimal("-8.00"), Decimal("4.90"))
    assert b["commission"] + b.get("refund_commission", Decimal("0")) == -(vo_b.commission * 2 / 3).quantize(
        Decimal("0.01")
    )
    assert not LedgerEntry.objects.filter(vendor_order=vo_a, type="refund").exists()  # A is not charged for B
    # the shopper returns one lamp to A, who refunds it: only A's sub-order bears it
    base = f"/api/v1/orders/{sale['order'].number}/returns/"
    body = {"vendor_order": vo_a.pk, "lines": [{"line": sale["lamp"].pk, "quantity": 1}], "reason": "Scratched."}
    rid = api_client.post(base, body, format="json", HTTP_X_ORDER_TOKEN=sale["token"]).json()["id"]
    sale["a"].post(f"/api/v1/vendor/returns/{rid}/approve/")
    with django_capture_on_commit_callbacks(execute=True):
        assert sale["a"].post(f"/api/v1/vendor/returns/{rid}/refund/", {}, format="json").status_code == 200
    a = booked(vo_a)
    assert (a["sale"], a["refund"]) == (Decimal("72.00"), Decimal("-30.00"))
    assert a["refund_commission"] > 0  # the commission on the returned lamp comes back to A
    assert booked(vo_b)["refund"] == Decimal("-8.00")  # B's books are untouched by A's return


def test_once_a_first_parcel_shipped_the_shopper_cannot_cancel_the_order(
    api_client, sale, django_capture_on_commit_callbacks
):
    lamp, _shade, _mug = sale["variants"]
    parcels = f"/api/v1/vendor/orders/{sale['vo_a'].pk}/parcels/"
    r = sale["a"].post(parcels, {"lines": [{"line": sale["lamp"].pk, "quantity": 1}]}, format="json")
    assert r.status_code == 201
    # A's sub-order is still processing (one lamp and the shade are left), but a lamp is on its way
    assert VendorOrder.objects.get(pk=sale["vo_a"].pk).status == "processing"
    assert _shopper_view(api_client, sale)["can_cancel"] is False
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post(f"/api/v1/orders/{sale['order'].number}/cancel/", HTTP_X_ORDER_TOKEN=sale["token"])
    # refused: nothing refunded, no stock back, the order goes on
    assert r.status_code == 409 and r.json()["error"]["message"] == OrderNotCancellable.message, r.json()
    assert not Refund.objects.exists()
    assert _stock(lamp) == 8
    assert Order.objects.get(pk=sale["order"].pk).status == "processing"


def test_lines_cancelled_by_the_vendor_go_back_to_stock_once_when_the_order_is_then_cancelled(
    api_client, sale, django_capture_on_commit_callbacks
):
    lamp, shade, mug = sale["variants"]
    url = f"/api/v1/vendor/orders/{sale['vo_a'].pk}/cancel-lines/"
    body = {"lines": [{"line": sale["lamp"].pk, "quantity": 2}], "reason": "Both arrived broken."}
    with django_capture_on_commit_callbacks(execute=True):
        assert sale["a"].post(url, body, format="json").status_code == 200
    assert _stock(lamp) == 10
    assert Order.objects.get(pk=sale["order"].pk).status == "partially_refunded"
    # the shopper cancels the rest: each unit goes back once
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post(f"/api/v1/orders/{sale['order'].number}/cancel/", HTTP_X_ORDER_TOKEN=sale["token"])
    assert r.status_code == 200, r.json()
    assert (_stock(lamp), _stock(shade), _stock(mug)) == (10, 10, 10)


def test_a_vendor_cancelling_a_whole_single_vendor_order_puts_each_unit_back_once(
    api_client, django_capture_on_commit_callbacks
):
    shipping_methods()
    vendor = VendorFactory.create()
    lamp = sellable_variant(price="30.00", stock=10, vendor=vendor)
    r = post_checkout(api_client, token=fill_cart(CartFactory.create(), (lamp, 2)).token)
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    assert _stock(lamp) == 8
    vendor_client = client_for(VendorMembershipFactory.create(vendor=vendor).user)
    vo = VendorOrder.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        r = vendor_client.post(f"/api/v1/vendor/orders/{vo.pk}/cancel-lines/", {"reason": "Sold out."}, format="json")
    assert r.status_code == 200, r.json()
    # the whole payment went back, so the order is refunded; the two lamps are on sale again, once
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert _stock(lamp) == 10


def test_a_refunded_order_ships_nothing_more_and_what_did_not_ship_goes_back_on_sale(
    api_client, sale, django_capture_on_commit_callbacks, settings
):
    from agora.orders.fulfilment import late_sub_orders
    from agora.orders.services import order_refund

    lamp, shade, mug = sale["variants"]
    # B ships everything; A ships one of its two lamps and nothing else
    assert sale["b"].post(f"/api/v1/vendor/orders/{sale['vo_b'].pk}/parcels/", {}, format="json").status_code == 201
    parcels = f"/api/v1/vendor/orders/{sale['vo_a'].pk}/parcels/"
    body = {"lines": [{"line": sale["lamp"].pk, "quantity": 1}]}
    assert sale["a"].post(parcels, body, format="json").status_code == 201
    # staff refund the whole order
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=sale["order"])
    statuses = dict(VendorOrder.objects.filter(order=sale["order"]).values_list("pk", "status"))
    assert statuses == {sale["vo_a"].pk: "cancelled", sale["vo_b"].pk: "shipped"}
    # the lamp left in the warehouse and the shade are on sale again; what shipped is not
    assert (_stock(lamp), _stock(shade), _stock(mug)) == (9, 10, 7)
    # and nobody is told to ship the rest of a refunded order
    assert not late_sub_orders(now=timezone.now() + timedelta(days=365)).filter(order=sale["order"]).exists()
    assert sale["a"].post(parcels, {}, format="json").status_code == 409
