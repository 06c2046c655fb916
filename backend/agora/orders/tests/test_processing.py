from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db.models import Sum
from django.utils import timezone

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.ledger.models import LedgerEntry
from agora.notifications.models import Notification
from agora.notifications.rendering import render
from agora.notifications.services import notification_send
from agora.orders.fulfilment import LineQuantity
from agora.orders.models import Order, OrderLine, VendorOrder
from agora.orders.services import order_process, orders_redrive, vendor_order_ship
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.models import Refund
from agora.payments.services import refund_send
from agora.returns.services import sub_order_cancel_lines
from agora.vendors.tests.factories import VendorFactory
from testing.outbox import deliver_all
from testing.worker import broker_unreachable, wait_for


def _paid_order(client, vendors=2) -> Order:
    shipping_methods()
    lines = [
        (sellable_variant(vendor=VendorFactory.create(contact_email=f"shop{i}@example.com")), 1) for i in range(vendors)
    ]
    cart = fill_cart(CartFactory.create(), *lines)
    r = post_checkout(client, token=cart.token, email="buyer@example.com")
    assert r.status_code == 201, r.json()
    return Order.objects.get(number=r.json()["number"])


@pytest.mark.django_db
def test_processing_twice_sends_one_email_per_recipient(api_client):
    # given a paid order with two vendors
    order = _paid_order(api_client)

    # when the processing task runs twice (a redelivery after a crash), and the outbox sends
    from agora.orders.tasks import order_process as task

    task.run(order.pk)
    deliver_all()
    task.run(order.pk)
    deliver_all()

    # then the customer and each vendor got exactly one email, and the order is processing
    recipients = sorted(to for message in mail.outbox for to in message.to)
    assert recipients == ["buyer@example.com", "shop0@example.com", "shop1@example.com"]
    confirmation = next(m for m in mail.outbox if m.to == ["buyer@example.com"])
    assert confirmation.subject == f"Your Agora order {order.number} is confirmed"
    assert "Total: " in confirmation.body and str(order.total) in confirmation.body
    assert isinstance(confirmation, EmailMultiAlternatives), "an HTML part beside the text"
    html, _ = confirmation.alternatives[0]
    assert isinstance(html, str) and order.number in html
    vendor = next(m for m in mail.outbox if m.to == ["shop0@example.com"])
    assert vendor.subject.startswith(f"New order {order.number} to ship by ")
    order.refresh_from_db()
    assert order.status == "processing" and order.processed_at is not None
    assert set(order.vendor_orders.values_list("status", flat=True)) == {"processing"}
    assert sorted(Notification.objects.values_list("template", "status")) == [
        ("order_confirmed", "sent"),
        ("vendor_new_order", "sent"),
        ("vendor_new_order", "sent"),
    ]


@pytest.mark.django_db
def test_a_mail_server_outage_does_not_hold_up_the_order_and_each_email_is_sent_once_later(api_client, monkeypatch):
    # given a paid order, and a mail server that is down
    order = _paid_order(api_client)
    from django.core.mail import EmailMultiAlternatives

    monkeypatch.setattr(
        EmailMultiAlternatives, "send", lambda self, *a, **k: (_ for _ in ()).throw(OSError("SMTP down"))
    )

    # when the order is processed
    order_process(order_id=order.pk)

    # then the vendors can start on it at once; the emails wait in the outbox
    assert Order.objects.get(pk=order.pk).status == "processing"
    assert Notification.objects.filter(status="queued").count() == 3
    for notification in Notification.objects.all():
        with pytest.raises(OSError):
            notification_send(notification_id=notification.pk)
    assert mail.outbox == [] and set(Notification.objects.values_list("attempts", flat=True)) == {1}

    # and when the mail server is back and their retries are due, each email goes out once,
    # however often it is tried
    monkeypatch.undo()
    Notification.objects.update(next_attempt_at=timezone.now())
    for _ in range(2):
        for notification in Notification.objects.all():
            notification_send(notification_id=notification.pk)
    assert sorted(to for m in mail.outbox for to in m.to) == [
        "buyer@example.com",
        "shop0@example.com",
        "shop1@example.com",
    ]


@pytest.mark.django_db
def test_processing_skips_orders_that_are_not_paid(api_client):
    order = _paid_order(api_client, vendors=1)
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    assert order_process(order_id=order.pk) == "skipped"
    assert mail.outbox == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_processing_runs_on_the_worker_and_a_redelivery_sends_nothing_twice(api_client, celery_worker):
    # given a paid order (checkout enqueued processing on commit)
    logged = celery_worker.output().count("agora.orders.tasks.order_process[")  # earlier tests' lines
    order = _paid_order(api_client)
    # when the task is delivered twice more, as after a worker crash
    from agora.orders.tasks import order_process as task

    task.delay(order.pk)
    task.delay(order.pk)
    # then the worker confirms the order and each recipient is recorded (and emailed) once
    wait_for(lambda: Order.objects.get(pk=order.pk).status == "processing", message="the worker to process the order")
    wait_for(
        lambda: celery_worker.output().count("agora.orders.tasks.order_process[") >= logged + 6,
        message="all three deliveries to finish (received and succeeded each)",
    )
    wait_for(
        lambda: Notification.objects.filter(status="sent").count() == 3, message="the outbox to send the three emails"
    )
    assert sorted(Notification.objects.values_list("template", "to")) == [
        ("order_confirmed", "buyer@example.com"),
        ("vendor_new_order", "shop0@example.com"),
        ("vendor_new_order", "shop1@example.com"),
    ]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_broker_down_at_checkout_still_sells_and_the_redrive_processes_it_later(
    api_client, celery_worker, settings, caplog
):
    # given the broker is unreachable while the customer checks out
    with broker_unreachable():
        order = _paid_order(api_client, vendors=1)
    # then the checkout succeeded (201 above), the task could not be sent, and the order waits
    assert "could not enqueue agora.orders.tasks.order_process" in caplog.text
    order.refresh_from_db()
    assert order.status == "paid" and order.processed_at is None

    # when the broker is back and beat's re-drive runs
    settings.ORDER_REDRIVE_AFTER_SECONDS = 0
    assert orders_redrive() == 1

    # then the worker processes the order
    wait_for(lambda: Order.objects.get(pk=order.pk).status == "processing", message="the re-driven processing")
    wait_for(lambda: Notification.objects.filter(status="sent").count() == 2, message="both emails sent")
    assert orders_redrive() == 0


@pytest.mark.django_db
def test_each_sub_order_is_due_out_within_its_own_vendors_handling_time(api_client):
    # given a paid order from a vendor who ships within 1 day and one who needs 5
    order = _paid_order(api_client)
    quick, slow = order.vendor_orders.order_by("pk")
    type(quick.vendor).objects.filter(pk=quick.vendor_id).update(handling_days=1)
    type(slow.vendor).objects.filter(pk=slow.vendor_id).update(handling_days=5)
    # when the worker processes it
    order_process(order_id=order.pk)
    # then each sub-order's ship-by date is the payment time plus its own vendor's days
    quick.refresh_from_db()
    slow.refresh_from_db()
    assert order.paid_at is not None and quick.ship_by is not None and slow.ship_by is not None
    assert (quick.ship_by - order.paid_at, slow.ship_by - order.paid_at) == (timedelta(days=1), timedelta(days=5))
    deliver_all()
    due = {m.to[0]: m.subject for m in mail.outbox if m.to[0].startswith("shop")}
    assert due["shop0@example.com"].endswith((order.paid_at + timedelta(days=1)).date().isoformat())


@pytest.mark.django_db
def test_processing_an_order_takes_the_same_statements_for_two_vendors_as_for_five(
    api_client, django_assert_max_num_queries
):
    # given a paid order from 2 vendors and one from 5
    small, large = _paid_order(api_client, vendors=2), _paid_order(api_client, vendors=5)
    # then processing either (its state, ship-by dates, the 3 or 6 emails, units sold) takes the
    # same fixed number of statements: none per vendor (the recount counts its products' sales
    # in one statement and writes them without reading them first)
    for order in (small, large):
        with django_assert_max_num_queries(17):
            assert order_process(order_id=order.pk) == "processed"
    assert Notification.objects.count() == 3 + 6


@pytest.mark.django_db
def test_processing_an_order_locks_it_without_building_a_queryset(api_client):
    """The worker processes every paid order: the locked order's queryset was 10 % of the Celery
    worker's samples in make bench's mix (issue #18). It is a statement compiled once now."""
    from testing.compiled import querysets_compiled

    first, second = _paid_order(api_client), _paid_order(api_client)
    assert order_process(order_id=first.pk) == "processed"  # this thread compiles what it keeps
    with querysets_compiled() as compiled:
        assert order_process(order_id=second.pk) == "processed"
    assert Order not in compiled, compiled
    second.refresh_from_db()
    assert second.status == Order.Status.PROCESSING and second.processed_at is not None
    assert order_process(order_id=second.pk) == "processed"  # processed again: nothing moves twice
    assert order_process(order_id=10**12) == "skipped"


@pytest.mark.django_db
def test_the_processing_task_sends_the_orders_emails_itself_over_one_mail_connection(
    api_client, monkeypatch, django_capture_on_commit_callbacks
):
    # given a paid order with two vendors, and a record of send tasks and mail connections
    from django.core.mail.backends.locmem import EmailBackend

    from agora.notifications.tasks import notification_send as send_task
    from agora.orders.tasks import order_process as task

    order = _paid_order(api_client)
    send_tasks: list[tuple] = []
    monkeypatch.setattr(send_task, "apply_async", lambda args=(), kwargs=None, **options: send_tasks.append(args))
    connections: list[int] = []
    real = EmailBackend.send_messages

    def send_messages(self, messages):
        connections.append(id(self))
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    # when the worker processes it (and every commit's callbacks run, as in production)
    with django_capture_on_commit_callbacks(execute=True):
        assert task.run(order.pk) == "processed"

    # then the three emails went out from that task, over one connection, and no send task was queued
    assert sorted(m.to[0] for m in mail.outbox) == ["buyer@example.com", "shop0@example.com", "shop1@example.com"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert len(connections) == 3 and len(set(connections)) == 1
    assert send_tasks == []


@pytest.mark.django_db
def test_the_emails_show_each_sub_order_still_shipping_with_the_units_left_on_its_lines(api_client):
    # given a paid order from three vendors: the second's sub-order cancelled, one unit of the
    # first's two-unit line and the whole of its second line cancelled before processing
    shipping_methods()
    first, second, third = (
        VendorFactory.create(contact_email=f"shop{i}@example.com", name=f"Shop {i}") for i in range(3)
    )
    lamp = sellable_variant(vendor=first, price="12.50", stock=10)
    bulb = sellable_variant(vendor=first, price="3.00", stock=10)
    mug = sellable_variant(vendor=second, price="8.00", stock=10)
    rug = sellable_variant(vendor=third, price="40.00", stock=10)
    cart = fill_cart(CartFactory.create(), (lamp, 2), (bulb, 1), (mug, 1), (rug, 3))
    response = post_checkout(api_client, token=cart.token, email="buyer@example.com")
    order = Order.objects.get(number=response.json()["number"])
    OrderLine.objects.filter(order=order, variant=lamp).update(quantity_cancelled=1)
    OrderLine.objects.filter(order=order, variant=bulb).update(quantity_cancelled=1)
    VendorOrder.objects.filter(order=order, vendor=second).update(status=VendorOrder.Status.CANCELLED)

    # when it is processed
    assert order_process(order_id=order.pk) == "processed"

    # then the shopper's confirmation lists the first and third sub-orders, with the units left
    emails = {n.template + ":" + n.to: n.context for n in Notification.objects.all()}
    assert sorted(emails) == [
        "order_confirmed:buyer@example.com",
        "vendor_new_order:shop0@example.com",
        "vendor_new_order:shop2@example.com",
    ]
    confirmed = emails["order_confirmed:buyer@example.com"]
    line = {"quantity": 1, "unit_price": "12.50", "line_total": "12.50"}
    assert [(v["vendor_name"], v["shipping_total"], v["lines"]) for v in confirmed["vendors"]] == [
        ("Shop 0", "4.90", [{"name": f"{lamp.product.name} — {lamp.name}", **line}]),
        (
            "Shop 2",
            "4.90",
            [
                {
                    "name": f"{rug.product.name} — {rug.name}",
                    "quantity": 3,
                    "unit_price": "40.00",
                    "line_total": "120.00",
                }
            ],
        ),
    ]
    # with totals of what it lists, and what was paid and goes back for the rest
    assert (confirmed["order_number"], confirmed["subtotal"], confirmed["shipping_total"], confirmed["total"]) == (
        order.number,
        "132.50",
        "9.80",
        "142.30",
    )
    assert (confirmed["paid"], confirmed["refunded"]) == (f"{order.total:.2f}", "28.40")  # 12.50 + 3.00 + 8.00 + 4.90
    # and each vendor still shipping gets its own lines, commission and ship-by date
    notice = emails["vendor_new_order:shop0@example.com"]
    sub_order = VendorOrder.objects.get(order=order, vendor=first)
    assert sub_order.ship_by is not None
    assert notice["lines"] == [
        {"sku": lamp.sku, "name": f"{lamp.product.name} — {lamp.name}", "quantity": 1, "line_total": "12.50"}
    ]
    assert (notice["vendor_name"], notice["subtotal"], notice["ship_by"]) == (
        "Shop 0",
        "12.50",
        sub_order.ship_by.date().isoformat(),
    )
    assert emails["vendor_new_order:shop2@example.com"]["lines"][0]["quantity"] == 3


@pytest.mark.django_db
def test_the_confirmation_adds_up_the_lines_it_lists_after_vendors_cancelled_before_processing(api_client):
    # given a paid order from two vendors; before it is processed, the second vendor cancels its
    # whole sub-order and the first one of its two lamps (each refunded to the shopper)
    shipping_methods()
    first, second = (VendorFactory.create(contact_email=f"shop{i}@example.com", name=f"Shop {i}") for i in range(2))
    lamp = sellable_variant(vendor=first, price="12.50", stock=10)
    mug = sellable_variant(vendor=second, price="80.00", stock=10)
    cart = fill_cart(CartFactory.create(), (lamp, 2), (mug, 1))
    r = post_checkout(api_client, token=cart.token, email="buyer@example.com")
    assert r.status_code == 201, r.json()
    order = Order.objects.get(number=r.json()["number"])
    sub_order_cancel_lines(vendor_order=VendorOrder.objects.get(order=order, vendor=second), lines=None, reason="Gone")
    line = OrderLine.objects.get(order=order, variant=lamp)
    sub_order_cancel_lines(
        vendor_order=VendorOrder.objects.get(order=order, vendor=first),
        lines=[LineQuantity(line_id=line.pk, quantity=1)],
        reason="Broken",
    )

    # when it is processed
    assert order_process(order_id=order.pk) == "processed"

    # then the confirmation lists 1 x 12.50 from Shop 0 with its shipping, and its totals are theirs
    confirmed = Notification.objects.get(template="order_confirmed").context
    assert [(v["vendor_name"], [li["line_total"] for li in v["lines"]]) for v in confirmed["vendors"]] == [
        ("Shop 0", ["12.50"])
    ]
    assert (confirmed["subtotal"], confirmed["shipping_total"], confirmed["total"]) == ("12.50", "4.90", "17.40")
    # and it says what was paid, and that the refunds of the cancelled items make up the difference
    refunds = Refund.objects.filter(payment__order=order).aggregate(s=Sum("amount"))["s"]
    assert (confirmed["paid"], confirmed["refunded"]) == (f"{order.total:.2f}", f"{refunds:.2f}")
    assert Decimal(confirmed["paid"]) - Decimal(confirmed["refunded"]) == Decimal(confirmed["total"])
    rendered = render("order_confirmed", confirmed)
    for part in (rendered.text, rendered.html):
        assert "17.40" in part and f"{refunds:.2f}" in part and f"{order.total:.2f}" in part


@pytest.mark.django_db
def test_the_vendor_notice_shows_the_subtotal_and_commission_of_what_is_left_to_ship_as_the_ledger_books_them(
    api_client,
):
    # given a paid order of a lamp and a bulb from a vendor at 15 % commission, the bulb cancelled
    # (and refunded) before the order is processed
    shipping_methods()
    shop = VendorFactory.create(contact_email="shop0@example.com", name="Shop 0", commission_rate=Decimal("15.00"))
    lamp = sellable_variant(vendor=shop, price="12.50", stock=10)
    bulb = sellable_variant(vendor=shop, price="19.99", stock=10)
    cart = fill_cart(CartFactory.create(), (lamp, 1), (bulb, 1))
    r = post_checkout(api_client, token=cart.token, email="buyer@example.com")
    order = Order.objects.get(number=r.json()["number"])
    vo = VendorOrder.objects.get(order=order)
    line = OrderLine.objects.get(order=order, variant=bulb)
    refund = sub_order_cancel_lines(vendor_order=vo, lines=[LineQuantity(line_id=line.pk, quantity=1)], reason="Gone")
    assert refund is not None
    refund_send(refund_id=refund.pk)

    # when it is processed
    assert order_process(order_id=order.pk) == "processed"

    # then the vendor's notice gives the subtotal of the lamp it lists
    notice = Notification.objects.get(template="vendor_new_order").context
    assert [li["line_total"] for li in notice["lines"]] == ["12.50"]
    assert notice["subtotal"] == "12.50"
    # and the commission the ledger keeps once the lamp ships: the sub-order's less the share its
    # refund gave back (1.87 here, where 15 % of 12.50 alone would round to 1.88)
    vendor_order_ship(vendor_order=vo, tracking_number="T-1")
    booked = LedgerEntry.objects.filter(vendor=shop, type__in=["commission", "refund_commission"])
    assert notice["commission"] == f"{-sum(e.amount for e in booked):.2f}" == "1.87"
