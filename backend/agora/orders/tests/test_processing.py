import pytest
from django.core import mail

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.orders.models import Order, OrderSideEffect
from agora.orders.services import order_process, orders_redrive
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.vendors.tests.factories import VendorFactory
from testing.worker import wait_for


def _paid_order(client, vendors=2) -> Order:
    shipping_methods()
    lines = [(sellable_variant(vendor=VendorFactory(contact_email=f"shop{i}@example.com")), 1) for i in range(vendors)]
    cart = fill_cart(CartFactory(), *lines)
    r = post_checkout(client, token=cart.token, email="buyer@example.com")
    assert r.status_code == 201, r.json()
    return Order.objects.get(number=r.json()["number"])


@pytest.mark.django_db
def test_processing_twice_sends_one_email_per_recipient(api_client):
    # given a paid order with two vendors
    order = _paid_order(api_client)

    # when the processing task runs twice (a redelivery after a crash)
    from agora.orders.tasks import order_process as task

    task.run(order.pk)
    task.run(order.pk)

    # then the customer and each vendor got exactly one email, and the order is processing
    recipients = sorted(to for message in mail.outbox for to in message.to)
    assert recipients == ["buyer@example.com", "shop0@example.com", "shop1@example.com"]
    assert order.number in mail.outbox[0].subject
    order.refresh_from_db()
    assert order.status == "processing" and order.processed_at is not None
    assert set(order.vendor_orders.values_list("status", flat=True)) == {"processing"}
    assert OrderSideEffect.objects.filter(order=order).count() == 3


@pytest.mark.django_db
def test_a_failed_email_is_retried_without_resending_the_others(api_client, monkeypatch):
    order = _paid_order(api_client)
    from agora.orders import services

    real = services.send_mail
    calls = {"n": 0}

    def flaky(subject, body, sender, to):
        calls["n"] += 1
        if to == ["shop1@example.com"] and calls["n"] < 4:
            raise ConnectionError("SMTP down")
        return real(subject, body, sender, to)

    monkeypatch.setattr(services, "send_mail", flaky)
    with pytest.raises(ConnectionError):
        order_process(order_id=order.pk)
    assert Order.objects.get(pk=order.pk).status == "paid"
    order_process(order_id=order.pk)
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


def _broker_url_swapped(app, url):
    """Points the Celery app's producer at ``url`` (and drops its pooled connections)."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_processing_runs_on_the_worker_and_a_redelivery_sends_nothing_twice(api_client, celery_worker):
    # given a paid order (checkout enqueued processing on commit)
    order = _paid_order(api_client)
    # when the task is delivered twice more, as after a worker crash
    from agora.orders.tasks import order_process as task

    task.delay(order.pk)
    task.delay(order.pk)
    # then the worker confirms the order and each recipient is recorded (and emailed) once
    wait_for(lambda: Order.objects.get(pk=order.pk).status == "processing", message="the worker to process the order")
    wait_for(
        lambda: celery_worker.output().count("agora.orders.tasks.order_process[") >= 6,
        message="all three deliveries to finish",
    )
    assert sorted(OrderSideEffect.objects.filter(order=order).values_list("kind", flat=True)) == [
        "confirmation_email",
        "vendor_order_email",
        "vendor_order_email",
    ]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_broker_down_at_checkout_still_sells_and_the_redrive_processes_it_later(
    api_client, celery_worker, settings, caplog
):
    from config.celery import app

    # given the broker is unreachable while the customer checks out
    live = app.conf.broker_url
    _broker_url_swapped(app, "redis://127.0.0.1:1/1")
    try:
        order = _paid_order(api_client, vendors=1)
    finally:
        _broker_url_swapped(app, live)
    # then the checkout succeeded (201 above), the task could not be sent, and the order waits
    assert "could not enqueue agora.orders.tasks.order_process" in caplog.text
    order.refresh_from_db()
    assert order.status == "paid" and order.processed_at is None

    # when the broker is back and beat's re-drive runs
    settings.ORDER_REDRIVE_AFTER_SECONDS = 0
    assert orders_redrive() == 1

    # then the worker processes the order
    wait_for(lambda: Order.objects.get(pk=order.pk).status == "processing", message="the re-driven processing")
    wait_for(lambda: OrderSideEffect.objects.filter(order=order).count() == 2, message="both emails recorded")
    assert orders_redrive() == 0
