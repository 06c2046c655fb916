"""A person's returns in their data: copied into their export, and their words erased with the
account, also from the emails that quoted them to the vendor and staff."""

import json

import pytest
from django.utils import timezone

from agora.accounts.models import DataExport
from agora.accounts.services import data_export_build
from agora.accounts.tests.factories import PASSWORD
from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.notifications.models import Notification
from agora.orders.models import Order, OrderLine, VendorOrder
from agora.orders.services import order_process, vendor_order_ship
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.returns.models import ReturnRequest
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db

REASON = "Call Ada Lovelace on +44 7700 900123, 12 Analytical Street"
DISPUTE = "Ada again: it was never used, ring 0207 946 0000"


@pytest.fixture
def settled_return(make_user, settings, staff_client):
    """A shopper's delivered order whose return the vendor rejected, the shopper disputed and
    staff closed: the vendor, staff and the shopper were emailed the shopper's words."""
    settings.STAFF_NOTIFICATION_EMAILS = ["support@agora.example"]
    shopper = make_user(first_name="Ada", last_name="Lovelace", email_verified_at=timezone.now())
    shipping_methods()
    vendor = VendorFactory.create(name="Lumen Works")
    fill_cart(CartFactory.create(user=shopper), (sellable_variant(price="20.00", stock=5, vendor=vendor), 1))
    r = post_checkout(client_for(shopper), email=None)
    assert r.status_code == 201, r.content
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    vendor_order_ship(vendor_order=VendorOrder.objects.get(order=order))
    line = OrderLine.objects.get(order=order)
    shopper_client = client_for(shopper)
    r = shopper_client.post(
        f"/api/v1/orders/{order.number}/returns/",
        {"vendor_order": line.vendor_order_id, "lines": [{"line": line.pk, "quantity": 1}], "reason": REASON},
        format="json",
    )
    assert r.status_code == 201, r.content
    rr = ReturnRequest.objects.get(pk=r.json()["id"])
    vendor_client = client_for(VendorMembershipFactory.create(vendor=vendor).user)
    r = vendor_client.post(f"/api/v1/vendor/returns/{rr.pk}/reject/", {"note": "Used."}, format="json")
    assert r.status_code == 200, r.content
    r = shopper_client.post(
        f"/api/v1/orders/{order.number}/returns/{rr.pk}/dispute/", {"reason": DISPUTE}, format="json"
    )
    assert r.status_code == 200, r.content
    r = staff_client.post(
        f"/api/v1/moderation/returns/{rr.pk}/decide/", {"approve": False, "note": "Photos show use."}, format="json"
    )
    assert r.status_code == 200, r.content
    rr.refresh_from_db()
    assert rr.status == ReturnRequest.Status.CLOSED
    return shopper, order, rr


def test_the_export_holds_the_persons_returns_in_their_words(settled_return):
    shopper, order, _rr = settled_return
    export = DataExport.objects.create(user=shopper)
    assert data_export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    with export.file.open("rb") as f:
        returns = json.load(f)["returns"]
    assert [(r["order"], r["vendor"], r["status"], r["reason"], r["dispute_reason"]) for r in returns] == [
        (order.number, "Lumen Works", "closed", REASON, DISPUTE)
    ]
    assert returns[0]["lines"][0]["quantity"] == 1 and returns[0]["staff_note"] == "Photos show use."


def test_deleting_the_account_erases_its_words_from_the_returns_and_the_emails_quoting_them(settled_return):
    shopper, order, rr = settled_return
    quoted = Notification.objects.exclude(to=order.email).filter(template__startswith="return_")
    assert {n.template for n in quoted} == {"return_requested", "return_disputed", "return_decided"}
    assert client_for(shopper).delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204

    rr.refresh_from_db()
    assert (rr.reason, rr.dispute_reason) == ("", "")
    assert rr.status == ReturnRequest.Status.CLOSED and rr.lines.count() == 1, "the return stays, for the books"
    leftover = [n.template for n in Notification.objects.all() if REASON in json.dumps(n.context)]
    leftover += [n.template for n in Notification.objects.all() if DISPUTE in json.dumps(n.context)]
    assert leftover == [], f"outbox rows still quote the deleted person's words: {leftover}"
    # the vendor's and staff's emails keep the rest (what was returned, the vendor, the order)
    for n in quoted:
        n.refresh_from_db()
        assert n.context["order_number"] == order.number and n.context["lines"]
