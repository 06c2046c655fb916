"""Order writes after checkout: payment outcomes, processing, cancel/refund, shipping, expiry."""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.utils import timezone

from agora.catalog.models import Variant
from agora.catalog.services import products_refresh_summary
from agora.core.tasks_util import enqueue_on_commit
from agora.orders.errors import OrderNotCancellable, VendorOrderNotShippable
from agora.orders.models import IdempotencyKey, Order, OrderLine, OrderSideEffect, VendorOrder
from agora.orders.states import CANCELLABLE, order_transition, vendor_orders_transition
from agora.payments.gateways import GatewayError, GatewayResult, get_gateway
from agora.payments.models import Payment

logger = logging.getLogger("agora.orders")
S = Order.Status
P = Payment.Status


# --- stock ---------------------------------------------------------------------------------


def stock_take(quantities: dict[int, int]) -> None:
    """Decrements stock of already locked variants in one statement (F() arithmetic)."""
    whens = [When(pk=pk, then=F("stock") - qty) for pk, qty in quantities.items()]
    Variant.objects.filter(pk__in=list(quantities)).update(stock=Case(*whens, default=F("stock")))


def order_release_stock(*, order: Order) -> bool:
    """Puts the order's stock back, exactly once: the flag flips in a compare-and-set first, so a
    second call (a retried task, a concurrent cancel) finds nothing to do. Returns whether it did."""
    if Order.objects.filter(pk=order.pk, stock_released=False).update(stock_released=True) != 1:
        return False
    order.stock_released = True
    quantities: dict[int, int] = defaultdict(int)
    products = set()
    for variant_id, product_id, qty in OrderLine.objects.filter(order=order, variant__isnull=False).values_list(
        "variant_id", "variant__product_id", "quantity"
    ):
        quantities[variant_id] += qty
        products.add(product_id)
    if quantities:
        # Same lock order as checkout (primary key), so a cancel and a checkout cannot deadlock.
        list(Variant.objects.select_for_update().filter(pk__in=list(quantities)).order_by("pk").values_list("pk"))
        whens = [When(pk=pk, then=F("stock") + qty) for pk, qty in quantities.items()]
        Variant.objects.filter(pk__in=list(quantities)).update(stock=Case(*whens, default=F("stock")))
        products_refresh_summary(product_ids=products, stock_only=True)
    return True


# --- payments ------------------------------------------------------------------------------


def payment_apply_result(*, payment: Payment, result: GatewayResult) -> None:
    fields = {"status": result.status, "updated_at": timezone.now()}
    if result.reference:
        fields["reference"] = result.reference
    if result.client_secret:
        fields["client_secret"] = result.client_secret
    if result.failure_code or result.failure_message:
        fields["failure_code"], fields["failure_message"] = result.failure_code, result.failure_message[:500]
    Payment.objects.filter(pk=payment.pk).update(**fields)
    for name, value in fields.items():
        setattr(payment, name, value)


def order_mark_paid(*, order: Order) -> None:
    """pending_payment → paid, and schedule processing (emails, confirmation) on the worker."""
    order_transition(order, S.PAID)
    enqueue_on_commit(_process_task(), order.pk)


def _process_task():
    from agora.orders.tasks import order_process

    return order_process


def payment_release(*, payment_id: int) -> str:
    """Gives the money of a closed (cancelled/refunded) order back: void if not captured, refund
    if captured. Idempotent, and safe to retry (gateway calls carry idempotency keys)."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    if payment.order.status not in (S.CANCELLED, S.REFUNDED, S.PAYMENT_FAILED):
        return "order-open"
    gateway = get_gateway(payment.gateway)
    if payment.status in (P.PENDING, P.AUTHORIZED):
        result = gateway.void(payment=payment)
    elif payment.status == P.CAPTURED:
        result = gateway.refund(payment=payment)
    else:
        return "nothing-to-release"
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == payment.status:
            payment_apply_result(payment=locked, result=result)
    return result.status


def _release_payment_after_commit(payment: Payment | None) -> None:
    if payment is None or payment.status not in (P.PENDING, P.AUTHORIZED, P.CAPTURED):
        return

    def run():
        try:
            payment_release(payment_id=payment.pk)
        except GatewayError:
            logger.warning("could not release payment %s now; retrying on the worker", payment.pk)
            from agora.orders.tasks import payment_release as task

            enqueue_on_commit(task, payment.pk)  # outside a transaction: sent at once, never raises

    transaction.on_commit(run)


# --- cancel / refund -----------------------------------------------------------------------


def order_cancel(*, order: Order, reason: str = "cancelled by the customer") -> Order:
    """Cancels an order that has not shipped: stock back exactly once, payment voided or refunded."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        shipped = VendorOrder.objects.filter(order=order, status=VendorOrder.Status.SHIPPED).exists()
        if order.status not in CANCELLABLE or shipped:
            raise OrderNotCancellable(details={"status": order.status})
        order_transition(order, S.CANCELLED, cancel_reason=reason[:200])
        vendor_orders_transition(order, VendorOrder.Status.CANCELLED)
        order_release_stock(order=order)
        _release_payment_after_commit(order.payments.first())
    return order


def order_refund(*, order: Order, reason: str = "refunded by staff") -> Order:
    """Refunds a paid order (staff). Stock goes back only if nothing shipped."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        order_transition(order, S.REFUNDED, cancel_reason=reason[:200])
        if not VendorOrder.objects.filter(order=order, status=VendorOrder.Status.SHIPPED).exists():
            vendor_orders_transition(order, VendorOrder.Status.CANCELLED)
            order_release_stock(order=order)
        _release_payment_after_commit(order.payments.first())
    return order


def orders_expire_unpaid(*, now=None) -> int:
    """Cancels pending_payment orders older than ORDER_PAYMENT_TIMEOUT_MINUTES, releasing their
    stock and voiding their payment. Idempotent; returns how many it expired."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)
    expired = 0
    for order in Order.objects.filter(status=S.PENDING_PAYMENT, created_at__lt=cutoff).order_by("pk")[:500]:
        try:
            order_cancel(order=order, reason="payment not completed in time")
            expired += 1
        except OrderNotCancellable:  # paid or cancelled meanwhile
            continue
    return expired


# --- processing ----------------------------------------------------------------------------


def _once(*, order: Order, kind: str, recipient: str, action) -> bool:
    """Runs ``action`` unless this (order, kind, recipient) side effect is recorded as done. The
    record commits with the action: a failure leaves no record (the retry does it), and a
    concurrent duplicate waits on the unique row and then skips."""
    try:
        with transaction.atomic():
            OrderSideEffect.objects.create(order=order, kind=kind, recipient=recipient)
            action()
    except IntegrityError:
        return False
    return True


def _customer_email(order: Order) -> tuple[str, str]:
    lines = "\n".join(f"  {line.quantity} x {line.product_name} ({line.variant_name})" for line in order.lines.all())
    body = (
        f"Thank you for your order {order.number}.\n\n{lines}\n\n"
        f"Subtotal: {order.subtotal} {order.currency}\nShipping: {order.shipping_total} {order.currency}\n"
        f"Total: {order.total} {order.currency}\n\nWe will let you know when it ships."
    )
    return f"Your Agora order {order.number} is confirmed", body


def _vendor_email(order: Order, vo: VendorOrder) -> tuple[str, str]:
    lines = "\n".join(f"  {line.quantity} x {line.sku} {line.product_name}" for line in vo.lines.all())
    body = (
        f"You have a new order {order.number}.\n\n{lines}\n\nSubtotal: {vo.subtotal} {vo.currency} "
        f"(commission {vo.commission_rate}%: {vo.commission} {vo.currency}).\n"
        "Please ship it and mark it shipped in the vendor portal."
    )
    return f"New order {order.number}", body


def order_process(*, order_id: int) -> str:
    """After payment: email the customer and each vendor (once each), then paid → processing and
    the sub-orders → processing. Running it again after a crash sends nothing twice."""
    order = (
        Order.objects.filter(pk=order_id)
        .prefetch_related("lines", "vendor_orders__vendor", "vendor_orders__lines")
        .first()
    )
    if order is None or order.status not in (S.PAID, S.PROCESSING):
        return "skipped"
    subject, body = _customer_email(order)
    _once(
        order=order,
        kind="confirmation_email",
        recipient=order.email,
        action=lambda: send_mail(subject, body, None, [order.email]),
    )
    for vo in order.vendor_orders.all():
        v_subject, v_body = _vendor_email(order, vo)
        to = vo.vendor.contact_email
        _once(
            order=order,
            kind="vendor_order_email",
            recipient=f"{vo.vendor_id}:{to}",
            action=lambda s=v_subject, b=v_body, to=to: send_mail(s, b, None, [to]),
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status == S.PAID:
            order_transition(order, S.PROCESSING, processed_at=timezone.now())
            vendor_orders_transition(order, VendorOrder.Status.PROCESSING, only_from={VendorOrder.Status.PENDING})
        elif order.processed_at is None:
            Order.objects.filter(pk=order.pk).update(processed_at=timezone.now())
    return "processed"


def orders_redrive(*, now=None) -> int:
    """Re-enqueues processing of paid orders it has not reached (a broker outage at checkout, a
    lost message). The task is idempotent, so a double enqueue is harmless."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.ORDER_REDRIVE_AFTER_SECONDS)
    ids = list(
        Order.objects.filter(status=S.PAID, processed_at__isnull=True, paid_at__lte=cutoff)
        .order_by("paid_at")
        .values_list("pk", flat=True)[:500]
    )
    task = _process_task()
    for pk in ids:
        enqueue_on_commit(task, pk)  # outside a transaction: sent at once, never raises
    # Closed orders whose money has not gone back yet (a gateway outage during cancel).
    from agora.orders.tasks import payment_release as release_task

    stuck = Payment.objects.filter(
        order__status__in=[S.CANCELLED, S.REFUNDED],
        status__in=[P.PENDING, P.AUTHORIZED, P.CAPTURED],
        updated_at__lte=cutoff,
    ).values_list("pk", flat=True)[:500]
    for pk in stuck:
        enqueue_on_commit(release_task, pk)
    return len(ids)


# --- vendors ---------------------------------------------------------------------------------


def vendor_order_ship(*, vendor_order: VendorOrder, tracking_number: str = "") -> VendorOrder:
    """Marks a confirmed sub-order shipped; the order is fulfilled once all its sub-orders are."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=vendor_order.order_id)
        vo = VendorOrder.objects.select_for_update().get(pk=vendor_order.pk)
        if vo.status != VendorOrder.Status.PROCESSING or order.status != S.PROCESSING:
            raise VendorOrderNotShippable(details={"status": vo.status, "order_status": order.status})
        now = timezone.now()
        VendorOrder.objects.filter(pk=vo.pk).update(
            status=VendorOrder.Status.SHIPPED, tracking_number=tracking_number, shipped_at=now, updated_at=now
        )
        open_left = VendorOrder.objects.filter(order=order).exclude(
            status__in=[VendorOrder.Status.SHIPPED, VendorOrder.Status.CANCELLED]
        )
        if not open_left.exists():
            order_transition(order, S.FULFILLED)
    vendor_order.refresh_from_db()
    return vendor_order


# --- housekeeping ----------------------------------------------------------------------------


def idempotency_keys_cleanup(*, now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- personal data ---------------------------------------------------------------------------

# Kept on an anonymised order: the country (tax and accounting); the rest of the address is erased.
KEPT_ADDRESS_FIELDS = ("country",)


def orders_anonymise_customer(*, user_id: int, email: str) -> int:
    """Erases the personal fields of a deleted account's orders: the contact email becomes
    ``email`` (a placeholder), the shipping address keeps only its country, the guest cart token
    is dropped. Totals, lines, sub-orders and payments stay: they are accounting records.
    Returns how many orders it changed."""
    changed = 0
    for order in Order.objects.select_for_update().filter(user_id=user_id).order_by("pk"):
        address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
        erased = {field: (address.get(field, "") if field in KEPT_ADDRESS_FIELDS else "") for field in address}
        Order.objects.filter(pk=order.pk).update(email=email, shipping_address=erased, cart_token="")
        changed += 1
    return changed
