"""Order writes after checkout: payment outcomes, processing, cancel/refund, shipping, expiry."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from agora.catalog.models import Variant
from agora.catalog.services import products_set_units_sold, variants_add_stock, variants_give_back
from agora.core.prepared import PreparedSQL, PreparedValues, loaded
from agora.core.tasks_util import enqueue_on_commit
from agora.notifications.services import notifications_forget_recipient
from agora.orders import notifications
from agora.orders.errors import OrderNotCancellable
from agora.orders.fulfilment import sub_orders_set_ship_by
from agora.orders.idempotency import user_scope
from agora.orders.models import IdempotencyKey, Order, OrderLine, VendorOrder, new_access_token
from agora.orders.selectors import sub_orders_for_mail
from agora.orders.states import (
    CLOSED,
    OPEN_PAID,
    can_cancel,
    can_transition,
    order_transition,
    vendor_orders_transition,
)
from agora.payments import services as payments
from agora.payments.gateways import GatewayError, get_gateway
from agora.payments.models import Payment, Refund

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("agora.orders")


# --- stock ---------------------------------------------------------------------------------


def stock_take(quantities: dict[int, int]) -> None:
    """Decrements stock of already locked variants in one statement (the catalog's stock arithmetic)."""
    variants_add_stock({pk: -qty for pk, qty in quantities.items()})


def order_release_stock(*, order: Order) -> bool:
    """Puts the order's open units back in stock, exactly once: the flag flips in a compare-and-set
    first, so a second call (a retried task, a concurrent cancel) finds nothing to do. Units that
    shipped are with the customer, and cancelled ones went back when their lines were cancelled
    (``lines_cancel``): only the rest goes back. Returns whether it ran."""
    if Order.objects.filter(pk=order.pk, stock_released=False).update(stock_released=True) != 1:
        return False
    order.stock_released = True
    quantities: dict[int, int] = defaultdict(int)
    for variant_id, qty, cancelled, shipped in OrderLine.objects.filter(order=order, variant__isnull=False).values_list(
        "variant_id", "quantity", "quantity_cancelled", "quantity_shipped"
    ):
        if qty - cancelled - shipped > 0:
            quantities[variant_id] += qty - cancelled - shipped
    variants_give_back(quantities)
    return True


# --- payments ------------------------------------------------------------------------------


def order_mark_paid(*, order: Order) -> None:
    """pending_payment → paid, and schedule processing on the worker (emails, confirmation, and
    the popularity of its products for search ranking)."""
    order_transition(order, Order.Status.PAID)
    enqueue_on_commit(_process_task(), order.pk)  # which also recounts its products' units sold


def _popularity_changed(order: Order) -> None:
    """After commit, the worker recounts the units sold of this order's products."""
    from agora.orders.tasks import order_popularity_update

    enqueue_on_commit(order_popularity_update, order.pk)


def _process_task() -> "Task[[int], str]":
    from agora.orders.tasks import order_process

    return order_process


def order_release_payment(*, payment_id: int) -> str:
    """Gives the money of a closed (cancelled/refunded/failed) order back (void or refund what is
    left). Idempotent and safe to retry; an open order's payment is left alone."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    if payment.order.status not in CLOSED:
        return "order-open"
    return payments.payment_release(payment_id=payment_id, reason=f"order {payment.order.status}")


def _release_payment_after_commit(payment: Payment | None) -> None:
    if payment is None or payment.status not in (
        Payment.Status.PENDING,
        Payment.Status.AUTHORIZED,
        Payment.Status.CAPTURED,
        Payment.Status.PARTIALLY_REFUNDED,
    ):
        return
    payment_id = payment.pk

    def run() -> None:
        try:
            order_release_payment(payment_id=payment_id)
        except GatewayError:
            logger.warning("could not release payment %s now; retrying on the worker", payment_id)
            from agora.orders.tasks import payment_release as task

            enqueue_on_commit(task, payment_id)  # outside a transaction: sent at once, never raises

    transaction.on_commit(run)


# --- what the payments app announces (subscribed in OrdersConfig.ready) ----------------------


def order_payment_captured(*, order_id: int) -> str:
    """The money arrived: an unpaid order becomes paid; one that closed meanwhile (expired,
    cancelled) gives it back."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == Order.Status.PENDING_PAYMENT:
        order_mark_paid(order=order)
        return "paid"
    if order.status in CLOSED:
        _release_payment_after_commit(order.payments.first())
        return "refunding_late_payment"
    return "already_paid"


def order_payment_canceled(*, order_id: int) -> str:
    """The provider cancelled the payment: an unpaid order is cancelled (stock back)."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == Order.Status.PENDING_PAYMENT:
        order_transition(order, Order.Status.CANCELLED, cancel_reason="payment cancelled at the provider")
        vendor_orders_transition(order, VendorOrder.Status.CANCELLED)
        order_release_stock(order=order)
        return "cancelled"
    return "voided"


def order_refunds_changed(*, order_id: int, amount: Decimal, amount_refunded: Decimal) -> str:
    """Money went back. The whole captured amount refunds the order (its sub-orders that have not
    shipped are cancelled, and what has not shipped goes back to stock); part of it leaves the
    order ``partially_refunded``: the rest of the order stands."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if amount_refunded >= amount and amount_refunded > 0:
        if can_transition(order.status, Order.Status.REFUNDED):
            order_transition(order, Order.Status.REFUNDED, cancel_reason="refunded at the provider")
            _refund_effects(order)
            _popularity_changed(order)
            return "refunded"
        return "payment_refunded"
    if amount_refunded > 0 and can_transition(order.status, Order.Status.PARTIALLY_REFUNDED):
        order_transition(order, Order.Status.PARTIALLY_REFUNDED)
        return "partially_refunded"
    return "refund_recorded"


def _refund_effects(order: Order) -> None:
    """A refunded order ships nothing more (a refunded order cannot ship): its sub-orders that have
    not shipped are cancelled — one that shipped a first parcel too, the refund covered it all —
    and the units neither shipped nor cancelled go back to stock, once. Shipped sub-orders stay
    shipped."""
    vendor_orders_transition(
        order, VendorOrder.Status.CANCELLED, only_from={VendorOrder.Status.PENDING, VendorOrder.Status.PROCESSING}
    )
    order_release_stock(order=order)


# --- cancel / refund -----------------------------------------------------------------------


def order_cancel(*, order: Order, reason: str = "cancelled by the customer") -> Order:
    """Cancels an order that has not shipped: stock back exactly once, payment voided or refunded."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        sub_orders = VendorOrder.objects.filter(order=order).values_list("status", flat=True)
        shipped = OrderLine.objects.filter(order=order).values_list("quantity_shipped", flat=True)
        if not can_cancel(order.status, sub_orders, shipped):
            raise OrderNotCancellable(details={"status": order.status})
        order_transition(order, Order.Status.CANCELLED, cancel_reason=reason[:200])
        vendor_orders_transition(order, VendorOrder.Status.CANCELLED)
        order_release_stock(order=order)
        _release_payment_after_commit(order.payments.first())
        _popularity_changed(order)
    return order


def order_refund(*, order: Order, reason: str = "refunded by staff") -> Order:
    """Refunds a paid order in full (staff): what is left of the payment goes back, the sub-orders
    that have not shipped are cancelled, and what has not shipped goes back to stock."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        order_transition(order, Order.Status.REFUNDED, cancel_reason=reason[:200])
        _refund_effects(order)
        _release_payment_after_commit(order.payments.first())
        _popularity_changed(order)
    return order


def orders_expire_unpaid(*, now: datetime | None = None) -> int:
    """Cancels pending_payment orders older than ORDER_PAYMENT_TIMEOUT_MINUTES, releasing their
    stock and voiding their payment. A payment at a remote provider is asked about first: a paid
    one makes its order paid instead (a webhook outage must not cancel paid orders), one still
    settling waits, and one the provider cannot tell about now waits for the next run.
    Idempotent; returns how many it expired."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)
    expired = 0
    candidates = Order.objects.filter(status=Order.Status.PENDING_PAYMENT, created_at__lt=cutoff).order_by("pk")[:500]
    for order in candidates.prefetch_related("payments"):
        payment = next(iter(order.payments.all()), None)
        if payment is not None and payment.reference and not get_gateway(payment.gateway).settles_at_checkout:
            try:
                state = payments.payment_check(payment_id=payment.pk)
            except GatewayError as exc:
                logger.warning(
                    "order %s not expired: the provider could not say whether it was paid (%s)", order.number, exc
                )
                continue
            if state != "unpaid":
                continue
        try:
            order_cancel(order=order, reason="payment not completed in time")
            expired += 1
        except OrderNotCancellable:  # paid or cancelled meanwhile
            continue
    return expired


# --- processing ----------------------------------------------------------------------------


def _locked_order_query(order_id: int) -> QuerySet[Order, dict[str, Any]]:
    rows: QuerySet[Order, dict[str, Any]] = (
        Order.objects.select_for_update().filter(pk=order_id).values(*(f.attname for f in Order._meta.concrete_fields))
    )
    return rows


# The processing task locks every paid order: compiled once per process (docs/adr/0011); building
# the queryset was a tenth of the Celery worker's CPU in make bench's mix (bench/README.md).
_LOCKED_ORDER = PreparedValues(_locked_order_query, order_id=int)


def order_process(*, order_id: int) -> str:
    """After payment, in one transaction: paid → processing, the sub-orders → processing with
    their ship-by dates, and the confirmation to the customer and the new-order notice to each
    vendor written to the notification outbox (each keyed once: a redelivered task, or a run
    after a crash, writes nothing twice; the worker sends each email once). Then the units sold
    of its products are recounted (search ranking)."""
    with transaction.atomic():
        row = _LOCKED_ORDER.first(order_id=order_id)
        if row is None or row["status"] not in OPEN_PAID:
            return "skipped"
        order = loaded(Order, row)
        if order.status == Order.Status.PAID:
            order_transition(order, Order.Status.PROCESSING, processed_at=timezone.now())
            vendor_orders_transition(order, VendorOrder.Status.PROCESSING, only_from={VendorOrder.Status.PENDING})
            sub_orders_set_ship_by(order=order)
        elif order.processed_at is None:
            # Partly refunded before it was processed: the rest of the order still goes to the vendors.
            Order.objects.filter(pk=order.pk).update(processed_at=timezone.now())
            vendor_orders_transition(order, VendorOrder.Status.PROCESSING, only_from={VendorOrder.Status.PENDING})
            sub_orders_set_ship_by(order=order)
        # The emails' sub-orders and lines, read after the updates above (ship-by dates); the
        # order's own fields are the locked row's.
        notifications.order_processed(order=order, sub_orders=sub_orders_for_mail(order_id=order.pk))
    # The sale reaches search ranking now rather than at the hourly refresh: here, not in a task
    # of its own sent at payment (a task costs the worker more than the recount, bench/README.md).
    order_popularity_update(order_id=order_id)
    return "processed"


def orders_redrive(*, now: datetime | None = None) -> int:
    """Re-drives what a lost message or an outage left behind; every task it sends is idempotent,
    so a double enqueue is harmless:

    * processing of paid orders it has not reached (a broker outage at checkout);
    * the payment of closed orders whose money has not gone back (a provider outage at cancel);
    * refunds written but never confirmed sent (the provider was down): sent again, same key.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.ORDER_REDRIVE_AFTER_SECONDS)
    ids = list(
        Order.objects.filter(status__in=OPEN_PAID, processed_at__isnull=True, paid_at__lte=cutoff)
        .order_by("paid_at")
        .values_list("pk", flat=True)[:500]
    )
    task = _process_task()
    for pk in ids:
        enqueue_on_commit(task, pk)  # outside a transaction: sent at once, never raises
    from agora.orders.tasks import payment_release as release_task
    from agora.payments.tasks import refund_send

    pending_refund = Refund.objects.filter(payment=OuterRef("pk"), status=Refund.Status.PENDING)
    stuck = (
        Payment.objects.filter(
            order__status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED],
            status__in=[
                Payment.Status.PENDING,
                Payment.Status.AUTHORIZED,
                Payment.Status.CAPTURED,
                Payment.Status.PARTIALLY_REFUNDED,
            ],
            updated_at__lte=cutoff,
        )
        .exclude(Exists(pending_refund))
        .values_list("pk", flat=True)[:500]
    )
    for pk in stuck:
        enqueue_on_commit(release_task, pk)
    unsent = Refund.objects.filter(status=Refund.Status.PENDING, reference="", created_at__lte=cutoff)
    for pk in unsent.values_list("pk", flat=True)[:500]:
        enqueue_on_commit(refund_send, pk)
    return len(ids)


# --- popularity (search ranking) -------------------------------------------------------------

POPULARITY_DAYS = 30
# Orders whose units count as sold: paid and not cancelled or wholly refunded.
SOLD = (Order.Status.PAID, Order.Status.PROCESSING, Order.Status.FULFILLED, Order.Status.PARTIALLY_REFUNDED)


# Units sold by product since a moment, in fixed statements (they run after every paid order,
# and the ORM building them cost the worker more than PostgreSQL running them). The rule lives here
# alone, in _SOLD: an order's units count when it was paid since then and its status is SOLD
# (units a vendor cancelled are taken off each line); created_at (indexed) narrows the scan, since
# an order is paid within minutes of being placed. Its values, in order: recent (a day before
# the moment), the moment, the SOLD statuses.
_SOLD = "o.created_at >= %s AND o.paid_at >= %s AND o.status = ANY(%s::text[])"

# One order's products (other orders' sales of them included), each present (0 when none counts:
# the order was cancelled), so its own lines are read whatever their order's status. Each step is
# read through an index into a table of its own, the next step taking the rows of the one before
# as an array (``= ANY(ARRAY(…))``, run once, before the rest): the order's variants, their
# products, the products' variants (``v``), those variants' order lines (``l``), and the orders of
# those lines. The plan cannot turn a step into a join of whole tables (bench/README.md, issue #18):
# - planned with the statistics of an empty catalog (after a bulk import, before autovacuum's
#   analyze), a join of the variants read every variant once per variant;
# - planned with live statistics, joining the lines to the products' variants read every order
#   line of the shop (a hash join was costed cheaper than fetching the lines by their index):
#   4 ms per paid order at 16k lines, growing with every order.
_UNITS_SOLD_OF_ORDER = PreparedSQL(
    f"""
WITH v AS MATERIALIZED (
       SELECT id, product_id FROM {Variant._meta.db_table}
        WHERE product_id = ANY(ARRAY(
                SELECT v2.product_id FROM {Variant._meta.db_table} v2
                 WHERE v2.id = ANY(ARRAY(
                         SELECT l2.variant_id FROM {OrderLine._meta.db_table} l2 WHERE l2.order_id = %s))))),
     l AS MATERIALIZED (
       SELECT order_id, variant_id, quantity - quantity_cancelled AS units FROM {OrderLine._meta.db_table}
        WHERE variant_id = ANY(ARRAY(SELECT id FROM v)))
SELECT v.product_id, COALESCE(SUM(l.units) FILTER (WHERE {_SOLD}), 0)
  FROM l
  JOIN v ON v.id = l.variant_id
  JOIN {Order._meta.db_table} o ON o.id = l.order_id
 WHERE o.id = ANY(ARRAY(SELECT order_id FROM l))
   AND (o.created_at >= %s OR l.order_id = %s)
 GROUP BY v.product_id
""",  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
    label="units_sold_of_order",
)

# Every product that has a line in the window (the hourly refresh).
_UNITS_SOLD_IN_WINDOW = f"""
SELECT v.product_id, COALESCE(SUM(l.quantity - l.quantity_cancelled) FILTER (WHERE {_SOLD}), 0)
  FROM {Order._meta.db_table} o
  JOIN {OrderLine._meta.db_table} l ON l.order_id = o.id
  JOIN {Variant._meta.db_table} v ON v.id = l.variant_id
 WHERE o.created_at >= %s
 GROUP BY v.product_id
"""  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound


def _units_sold(since: datetime, *, order_id: int | None = None) -> dict[int, int]:
    """Units sold since ``since`` by product: of every product with a line in the window, or of
    each product of one order (``order_id``; other orders' sales included)."""
    recent = since - timedelta(days=1)
    sold = (recent, since, [str(s) for s in SOLD])
    if order_id is not None:
        rows = _UNITS_SOLD_OF_ORDER.rows(order_id, *sold, recent, order_id)
    else:
        with connection.cursor() as cursor:
            cursor.execute(_UNITS_SOLD_IN_WINDOW, [*sold, recent])
            rows = cursor.fetchall()
    return {pk: int(units) for pk, units in rows}


def order_popularity_update(*, order_id: int, now: datetime | None = None) -> int:
    """Recounts the units sold of one order's products, right after it was paid, cancelled or
    refunded (the task its transaction sends on commit), so search ranks a sale within seconds
    rather than at the next hourly refresh. Returns how many figures changed."""
    since = (now or timezone.now()) - timedelta(days=POPULARITY_DAYS)
    units = _units_sold(since, order_id=order_id)
    if not units:
        return 0
    return len(products_set_units_sold(units=units, only=units.keys()))


def products_popularity_refresh(*, now: datetime | None = None) -> int:
    """Hands the catalog each product's units sold in the last 30 days (search ranks by it).

    The catalog may not read orders (apps depend one way), so the order side computes the figure
    and calls the catalog's service; recomputing the figure (an order's products after each
    payment, cancellation or refund; every product hourly, on beat) rather than adding sale by
    sale means cancellations, refunds and the 30-day window all correct themselves. Returns how
    many products' figures changed (each is re-indexed).
    """
    since = (now or timezone.now()) - timedelta(days=POPULARITY_DAYS)
    return len(products_set_units_sold(units=_units_sold(since)))


# --- vendors ---------------------------------------------------------------------------------


def vendor_order_ship(*, vendor_order: VendorOrder, tracking_number: str = "") -> VendorOrder:
    """Ships all that is left of a confirmed sub-order in one parcel (v1's ship endpoint); the
    order is fulfilled once all its sub-orders have shipped."""
    from agora.orders.fulfilment import parcel_ship

    parcel_ship(vendor_order=vendor_order, tracking_number=tracking_number)
    vendor_order.refresh_from_db()
    return vendor_order


# --- housekeeping ----------------------------------------------------------------------------


def idempotency_keys_cleanup(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- personal data ---------------------------------------------------------------------------

# Kept on an anonymised order: the country (tax and accounting); the rest of the address is erased.
KEPT_ADDRESS_FIELDS = ("country",)


def orders_anonymise_customer(*, user_id: int, email: str) -> int:
    """Erases the personal fields of a deleted account's orders: the contact email becomes
    ``email`` (a placeholder), the shipping address keeps only its country, the guest cart token
    is dropped and the access token (X-Order-Token) replaced by one nobody holds; the checkout
    answers kept for Idempotency-Key replays (name, address) go, the emails about these orders
    sent to their contact address (which may differ from the account's) are forgotten, and so
    are the payer's details in their payments' webhook events.
    Totals, lines, sub-orders and payments stay: they are accounting records.
    Returns how many orders it changed."""
    changed = 0
    contacts: dict[str, list[str]] = defaultdict(list)  # an order's own address: its emails go too
    for order in Order.objects.select_for_update().filter(user_id=user_id).order_by("pk"):
        contacts[order.email.lower()].append(order.number)
        address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
        erased = {field: (address.get(field, "") if field in KEPT_ADDRESS_FIELDS else "") for field in address}
        # A fresh token nobody holds: the one handed out at checkout no longer reads, cancels or returns it.
        Order.objects.filter(pk=order.pk).update(
            email=email, shipping_address=erased, cart_token="", access_token=new_access_token()
        )
        changed += 1
    IdempotencyKey.objects.filter(Q(scope=user_scope(user_id)) | Q(order__user_id=user_id)).delete()
    payments.webhook_events_erase_payer(
        payment_ids=list(Payment.objects.filter(order__user_id=user_id).values_list("pk", flat=True))
    )
    for contact, numbers in contacts.items():
        notifications_forget_recipient(email=contact, replacement=email, order_numbers=numbers)
    return changed
