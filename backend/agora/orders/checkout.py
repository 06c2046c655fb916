"""Checkout: cart → order with its vendor sub-orders, stock taken without overselling, payment.

One transaction places the order, in named steps:

1. **lock the cart** (``SELECT … FOR UPDATE``): two tabs checking out one cart queue here, and the
   second finds it emptied by the first;
2. **read its lines**, and refuse a customer who already has too many unpaid orders waiting;
3. **lock the stock**: the lines' products, then their variants, each in primary-key order (the
   one lock order of every path that locks catalog rows, so nothing deadlocks with checkout);
4. **check** availability under the lock (what another checkout took before we got the rows is
   gone);
5. **price** the lines from the locked prices (agora.orders.pricing);
6. **take the stock** with ``F()`` arithmetic;
7. **write the order**, then **its sub-orders** (one per vendor) and **its lines**;
8. empty the cart.

Payment, without ever holding a row lock across a network call:

- an in-process gateway (dummy) authorises inside that transaction: paid and processing
  scheduled on commit, or declined and everything rolled back (no order, cart kept);
- a remote provider (Stripe) is called after the commit (a PaymentIntent is created), and a
  second transaction records the outcome: pending at the provider (the signed webhook decides),
  or refused/unreachable (stock back, cart lines back, order ``payment_failed``).

A checkout interrupted by a dead process is resumed from its order: the order records the
Idempotency-Key row that placed it (``attempt_id``, written with the order), and a takeover of
that key calls ``checkout_resume``.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from agora.accounts.models import User
from agora.carts.errors import CartNotFound, InsufficientStock
from agora.carts.models import Cart, CartItem
from agora.carts.selectors import variant_is_purchasable
from agora.carts.services import cart_clear, cart_restore_lines
from agora.catalog.locks import lock_variants
from agora.catalog.models import Variant
from agora.catalog.services import products_refresh_summary
from agora.core.money import ZERO, line_total, money, money_text
from agora.core.prepared import PreparedValues
from agora.orders import pricing
from agora.orders.errors import (
    EmailRequired,
    EmptyCart,
    MixedCurrencies,
    OrderTooLarge,
    PaymentDeclined,
    PaymentMethodUnavailable,
    ShippingMethodRequired,
    TooManyUnpaidOrders,
    UnknownShippingMethod,
)
from agora.orders.models import ORDER_AMOUNT_MAX, Order, OrderLine, Parcel, VendorOrder
from agora.orders.services import order_mark_paid, order_release_stock, stock_take
from agora.orders.states import order_transition
from agora.payments.errors import PaymentProviderUnavailable
from agora.payments.gateways import GatewayError, GatewayResult, PaymentGateway, get_gateway
from agora.payments.models import Payment
from agora.payments.services import payment_apply_result
from agora.shipping import selectors as shipping
from agora.shipping.models import ShippingMethod
from agora.shipping.selectors import VendorShipping
from agora.vendors.models import Vendor

# --- what passes between the steps ------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutRequest:
    """What the customer asked for, checked by the API."""

    user: User | None  # None for guests
    cart_token: str | None
    email: str
    shipping_address: dict[str, Any]
    payment_method: str
    # v1: one platform method for every vendor; or a method per vendor (vendor slug → code).
    shipping_method: str | None = None
    shipping_methods: dict[str, str] | None = None
    # The price the customer was shown for each vendor's method (vendor slug → price), if sent.
    shipping_prices: dict[str, Decimal] | None = None
    payment_token: str | None = None
    attempt_id: int | None = None  # the Idempotency-Key row of this attempt


@dataclass(frozen=True)
class CartLineInfo:
    variant_id: int
    quantity: int
    price_when_added: Decimal


@dataclass(frozen=True)
class CheckoutInfo:
    """The locked cart and what it holds, before the stock is locked."""

    cart_id: int
    lines: tuple[CartLineInfo, ...]
    platform_method: ShippingMethod | None  # v1's single method, else each vendor's choice

    @property
    def wanted(self) -> dict[int, int]:
        return {line.variant_id: line.quantity for line in self.lines}


@dataclass(frozen=True)
class LockedStock:
    """The lines' variants, locked (with product and vendor), checked available."""

    variants: dict[int, Variant]
    currency: str
    product_slugs: list[str]

    @property
    def vendors(self) -> dict[int, Vendor]:
        return {v.vendor_id: v.vendor for v in self.variants.values()}

    def lines_of(self, vendor_id: int) -> list[int]:
        return [v.pk for v in self.variants.values() if v.vendor_id == vendor_id]


@dataclass
class SubOrderAnswer:
    """A sub-order as the checkout answer shows it: the row written, with its lines."""

    vendor_order: VendorOrder
    lines: list[OrderLine]
    parcels: list[Parcel] = field(default_factory=list)  # none yet: nothing has shipped

    def __getattr__(self, name: str) -> Any:
        return getattr(self.vendor_order, name)


@dataclass
class OrderAnswer:
    """The order as the checkout answer shows it, built from the rows checkout wrote (no re-read):
    the serializer reads ``lines``, ``vendor_orders`` and ``payments`` from here, the rest from the order."""

    order: Order
    lines: list[OrderLine]
    vendor_orders: list[SubOrderAnswer]
    payments: list[Payment] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.order, name)


@dataclass
class CheckoutResult:
    order: Order
    answer: OrderAnswer | Order
    payment: Payment | None = None
    price_changes: list[dict[str, Any]] = field(default_factory=list)
    cart_id: int | None = None  # the cart the order was placed from (its lines come back if payment fails)
    # The cart's lines as they were (variant, quantity, price when added): what comes back.
    cart_lines: tuple[CartLineInfo, ...] = ()


# --- the entry points ---------------------------------------------------------------------------


def checkout(
    *,
    user: Any,
    cart_token: str | None,
    shipping_address: dict[str, Any],
    payment_method: str,
    shipping_method: str | None = None,
    shipping_methods: dict[str, str] | None = None,
    shipping_prices: dict[str, Decimal] | None = None,
    payment_token: str | None = None,
    email: str | None = None,
    attempt_id: int | None = None,
) -> CheckoutResult:
    """Places the order for the caller's cart (a signed-in user's own cart, or a guest cart by token)."""
    request = CheckoutRequest(
        user=user if user is not None and user.is_authenticated else None,
        cart_token=cart_token,
        email=email or "",
        shipping_address=shipping_address,
        shipping_method=shipping_method,
        shipping_methods=shipping_methods,
        shipping_prices=shipping_prices,
        payment_method=payment_method,
        payment_token=payment_token,
        attempt_id=attempt_id,
    )
    if request.payment_method not in settings.PAYMENT_METHODS:
        raise PaymentMethodUnavailable()
    signed_in = request.user is not None
    if not signed_in and not request.cart_token:
        raise CartNotFound()
    email = (request.email or (request.user.email if request.user is not None else "")).strip().lower()
    if not email:
        raise EmailRequired()
    method = None
    if request.shipping_method is not None:
        method = shipping.platform_method_get(request.shipping_method)
        if method is None:
            raise UnknownShippingMethod()
    elif not request.shipping_methods:
        raise ShippingMethodRequired()
    gateway = get_gateway(request.payment_method)
    if gateway.settles_at_checkout:
        return _checkout_settled(gateway, request, email, method)
    return _checkout_remote(gateway, request, email, method)


def checkout_resume(*, order_id: int, payment_token: str | None = None) -> CheckoutResult:
    """Finishes a checkout whose process died after the order was placed (the Idempotency-Key
    takeover calls it): a remote payment never started is started now (its idempotency key is
    the order's, so a PaymentIntent created before the crash is returned, not duplicated)."""
    from agora.orders.selectors import order_for_answer

    order = order_for_answer(pk=order_id)
    payment = next(iter(order.payments.all()), None)
    if order.status == Order.Status.PENDING_PAYMENT and payment is None:
        gateway = get_gateway(order.payment_method)
        if not gateway.settles_at_checkout:
            _pay_remote(gateway, order, order.email, payment_token, cart_id=None, lines=())
            order = order_for_answer(pk=order_id)
    return CheckoutResult(order=order, answer=order, payment=next(iter(order.payments.all()), None))


def _checkout_settled(
    gateway: PaymentGateway, request: CheckoutRequest, email: str, method: ShippingMethod | None
) -> CheckoutResult:
    """An in-process gateway (dummy): no network call, so it runs inside the stock transaction and
    a decline simply rolls everything back (no stock taken, cart kept, no order)."""
    with transaction.atomic():
        # Settled at once: it never leaves an unpaid order holding stock.
        result = _place_order(request, email, method, holds_stock=False)
        payment = _new_payment(result, gateway.name)
        outcome = gateway.authorize(payment=payment, token=request.payment_token, email=email)
        if outcome.status == Payment.Status.AUTHORIZED:
            outcome = gateway.capture(payment=payment)
        if outcome.status == Payment.Status.FAILED:
            raise PaymentDeclined(details={"reason": outcome.failure_code})
        _payment_record(payment, outcome)
        order_mark_paid(order=result.order)
    return result


def _checkout_remote(
    gateway: PaymentGateway, request: CheckoutRequest, email: str, method: ShippingMethod | None
) -> CheckoutResult:
    """A remote provider (Stripe): the stock transaction commits before the network call, so no
    row lock is held while the provider answers; the outcome is applied in a second transaction."""
    with transaction.atomic():
        result = _place_order(request, email, method, holds_stock=True)
    info = result.answer
    assert isinstance(info, OrderAnswer)
    # The cart gets back its lines as they were, each with the price it was added at: a retry
    # reports a price that changed since, as the first try did.
    lines = tuple((line.variant_id, line.quantity, line.price_when_added) for line in result.cart_lines)
    result.payment = _pay_remote(
        gateway, result.order, email, request.payment_token, cart_id=result.cart_id, lines=lines
    )
    info.payments = [result.payment]
    return result


def _pay_remote(gateway, order: Order, email: str, token, *, cart_id: int | None, lines) -> Payment:
    payment = Payment(order=order, gateway=gateway.name, amount=order.total, currency=order.currency)
    try:
        outcome = gateway.authorize(payment=payment, token=token, email=email)
    except GatewayError as exc:
        failed = GatewayResult(Payment.Status.FAILED, failure_code="provider_unavailable", failure_message=str(exc))
        _payment_failed(order, payment, failed, cart_id, lines)
        raise PaymentProviderUnavailable(details={"order_number": order.number}) from exc
    if outcome.status == Payment.Status.FAILED:
        _payment_failed(order, payment, outcome, cart_id, lines)
        raise PaymentDeclined(details={"order_number": order.number, "reason": outcome.failure_code})
    with transaction.atomic():
        _payment_record(payment, outcome)
        if outcome.status == Payment.Status.CAPTURED:
            order_mark_paid(order=order)
    return payment


def _payment_failed(order: Order, payment: Payment, outcome: GatewayResult, cart_id: int | None, lines) -> None:
    """Refused or unreachable provider: the stock goes back, the cart gets its lines back, the
    order stays as payment_failed."""
    with transaction.atomic():
        _payment_record(payment, outcome)
        order_transition(order, Order.Status.PAYMENT_FAILED)
        order_release_stock(order=order)
        if cart_id is not None:
            cart_restore_lines(cart_id=cart_id, lines=lines)


def _new_payment(result: CheckoutResult, gateway_name: str) -> Payment:
    order = result.order
    # Recorded with the gateway's answer (one statement); gateways key their calls by order number.
    payment = Payment(order=order, gateway=gateway_name, amount=order.total, currency=order.currency)
    result.payment = payment
    if isinstance(result.answer, OrderAnswer):
        result.answer.payments = [payment]
    return payment


def _payment_record(payment: Payment, outcome: GatewayResult) -> None:
    if payment.pk is None:
        payment.status = outcome.status
        payment.reference = outcome.reference
        payment.client_secret = outcome.client_secret
        payment.failure_code = outcome.failure_code[:100]
        payment.failure_message = outcome.failure_message[:500]
        payment.save()
    else:
        payment_apply_result(payment=payment, result=outcome)


# --- the steps ----------------------------------------------------------------------------------


def _place_order(
    request: CheckoutRequest, email: str, method: ShippingMethod | None, *, holds_stock: bool
) -> CheckoutResult:
    info = _lock_cart(request, method)
    if holds_stock:
        _check_unpaid_orders(request)
    stock = _lock_stock(info)
    priced = _price(info, stock, _ship(request, info, stock))
    _check_size(priced)
    stock_take(info.wanted)
    order = _write_order(request, email, info, stock.currency, priced)
    vendor_orders = _write_vendor_orders(order, stock, priced)
    lines = _write_lines(order, vendor_orders, stock, priced)
    products_refresh_summary(
        product_ids={v.product_id for v in stock.variants.values()}, stock_only=True, locked_slugs=stock.product_slugs
    )
    cart_clear(cart_id=info.cart_id)
    answer = OrderAnswer(
        order=order,
        lines=lines,
        vendor_orders=[SubOrderAnswer(vo, [ln for ln in lines if ln.vendor_order_id == vo.pk]) for vo in vendor_orders],
    )
    return CheckoutResult(
        order=order,
        answer=answer,
        price_changes=_price_changes(info, stock),
        cart_id=info.cart_id,
        cart_lines=info.lines,
    )


def _user_cart_lock_query(user_id: int) -> QuerySet[Cart, Any]:
    return Cart.objects.select_for_update().filter(user_id=user_id).order_by("pk").values("pk")[:1]


def _guest_cart_lock_query(token: str) -> QuerySet[Cart, Any]:
    return Cart.objects.select_for_update().filter(token=token, user__isnull=True).order_by("pk").values("pk")[:1]


def _cart_lines_query(cart_id: int) -> QuerySet[CartItem, Any]:
    return (
        CartItem.objects.filter(cart_id=cart_id).order_by("variant_id").values("variant_id", "quantity", "unit_price")
    )


# Compiled once per thread and prepared on the server (docs/adr/0011): building these three
# querysets was a fifth of placing an order's CPU in make bench's mix (bench/README.md).
_LOCK_USER_CART = PreparedValues(_user_cart_lock_query, user_id=int)
_LOCK_GUEST_CART = PreparedValues(_guest_cart_lock_query, "token")
_CART_LINES = PreparedValues(_cart_lines_query, cart_id=int)


def _lock_cart(request: CheckoutRequest, method: ShippingMethod | None) -> CheckoutInfo:
    """Locks the caller's cart row, then reads its lines in a statement of its own: a second
    checkout of the same cart (another tab) waits here, then reads the lines the first one left
    (none) instead of the ones it saw before waiting."""
    if request.user is not None:
        cart = _LOCK_USER_CART.first(user_id=request.user.pk)
        if cart is None:
            raise EmptyCart()
    else:
        cart = _LOCK_GUEST_CART.first(token=request.cart_token or "")
        if cart is None:
            raise CartNotFound()
    cart_id: int = cart["pk"]
    lines = tuple(
        CartLineInfo(row["variant_id"], row["quantity"], row["unit_price"]) for row in _CART_LINES.rows(cart_id=cart_id)
    )
    if not lines:
        raise EmptyCart()
    return CheckoutInfo(cart_id=cart_id, lines=lines, platform_method=method)


def _check_unpaid_orders(request: CheckoutRequest) -> None:
    """Unpaid orders hold stock until they expire: a customer (account, or guest cart) may have
    only a few waiting at once, so nobody can keep a competitor's stock reserved."""
    limit = settings.ORDER_MAX_UNPAID_PER_CUSTOMER
    unpaid = Order.objects.filter(status=Order.Status.PENDING_PAYMENT)
    if request.user is not None:
        unpaid = unpaid.filter(user=request.user)
    else:
        unpaid = unpaid.filter(cart_token=request.cart_token, user__isnull=True)
    if unpaid.count() >= limit:
        raise TooManyUnpaidOrders(details={"limit": limit})


def _lock_stock(info: CheckoutInfo) -> LockedStock:
    variants, slugs = lock_variants(info.wanted)
    for line in info.lines:
        variant = variants.get(line.variant_id)
        if variant is None or not variant_is_purchasable(variant):
            raise InsufficientStock(variant_id=line.variant_id, available=0)
        if variant.stock < line.quantity:
            raise InsufficientStock(variant_id=line.variant_id, available=variant.stock)
    currencies = {v.currency for v in variants.values()}
    if len(currencies) != 1:
        raise MixedCurrencies()
    return LockedStock(variants=variants, currency=currencies.pop(), product_slugs=slugs)


def _ship(request: CheckoutRequest, info: CheckoutInfo, stock: LockedStock) -> dict[int, VendorShipping]:
    """Each vendor's parcel: the method chosen (one for all, v1; or one per vendor), checked to
    ship to the address, priced for that vendor's part (free above its threshold)."""
    subtotals: dict[int, Decimal] = {}
    for v in stock.variants.values():
        subtotals[v.vendor_id] = money(subtotals.get(v.vendor_id, ZERO) + line_total(v.price, info.wanted[v.pk]))
    quotes = shipping.quote(
        vendors=stock.vendors,
        subtotals=subtotals,
        country=str(request.shipping_address.get("country", "")),
        lines={vendor_id: stock.lines_of(vendor_id) for vendor_id in stock.vendors},
        platform_method=info.platform_method,
        per_vendor=request.shipping_methods,
        shown=request.shipping_prices,
    )
    if {q.method.currency for q in quotes.values()} - {stock.currency}:
        raise MixedCurrencies()
    return quotes


@dataclass(frozen=True)
class PricedCheckout:
    lines: list[pricing.PricedLine]
    totals: pricing.OrderTotals
    shipping: dict[int, VendorShipping]


def _price(info: CheckoutInfo, stock: LockedStock, quotes: dict[int, VendorShipping]) -> PricedCheckout:
    variants = stock.variants
    lines = [pricing.PricedLine(v.pk, v.vendor_id, v.price, info.wanted[v.pk]) for v in variants.values()]
    totals = pricing.order_totals(
        lines=lines,
        shipping={vendor_id: q.amount for vendor_id, q in quotes.items()},
        currency=stock.currency,
        commission_rates={v.vendor_id: v.vendor.commission_rate for v in variants.values()},
        commission_on_shipping=settings.COMMISSION_ON_SHIPPING,
    )
    return PricedCheckout(lines=lines, totals=totals, shipping=quotes)


def _check_size(priced: PricedCheckout) -> None:
    """Refuses, before anything is taken or written, an order with an amount larger than its
    columns hold (ORDER_AMOUNT_MAX): every amount is part of the total, so the total decides."""
    totals = priced.totals
    if totals.total > ORDER_AMOUNT_MAX:
        raise OrderTooLarge(
            details={
                "total": money_text(totals.total),
                "limit": money_text(ORDER_AMOUNT_MAX),
                "currency": totals.currency,
            }
        )


def _write_order(
    request: CheckoutRequest, email: str, info: CheckoutInfo, currency: str, priced: PricedCheckout
) -> Order:
    names = sorted({q.method.name for q in priced.shipping.values()})
    return Order.objects.create(
        user=request.user,
        email=email,
        currency=currency,
        subtotal=priced.totals.subtotal,
        shipping_total=priced.totals.shipping,
        total=priced.totals.total,
        shipping_method=info.platform_method,
        shipping_method_name=(info.platform_method.name if info.platform_method else ", ".join(names))[:100],
        shipping_address=request.shipping_address,
        payment_method=request.payment_method,
        cart_token="" if request.user is not None else (request.cart_token or ""),
        checkout_attempt_id=request.attempt_id,
    )


def _write_vendor_orders(order: Order, stock: LockedStock, priced: PricedCheckout) -> list[VendorOrder]:
    vendors = stock.vendors
    return VendorOrder.objects.bulk_create(
        [
            VendorOrder(
                order=order,
                vendor=vendors[vendor_id],
                currency=order.currency,
                subtotal=vt.subtotal,
                shipping_total=vt.shipping,
                shipping_method_code=priced.shipping[vendor_id].method.code,
                shipping_method_name=priced.shipping[vendor_id].method.name,
                delivery_days_min=priced.shipping[vendor_id].method.delivery_days_min,
                delivery_days_max=priced.shipping[vendor_id].method.delivery_days_max,
                return_window_days=vendors[vendor_id].return_window_days,
                commission_rate=vt.commission_rate,
                commission=vt.commission,
                commission_on_shipping=vt.commission_on_shipping,
            )
            for vendor_id, vt in priced.totals.vendors.items()
        ]
    )


def _write_lines(
    order: Order, vendor_orders: list[VendorOrder], stock: LockedStock, priced: PricedCheckout
) -> list[OrderLine]:
    by_vendor = {vo.vendor_id: vo for vo in vendor_orders}
    variants = stock.variants
    return OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                vendor_order=by_vendor[line.vendor_id],
                variant=variants[line.variant_id],
                product_slug=variants[line.variant_id].product.slug,
                product_name=variants[line.variant_id].product.name,
                variant_name=variants[line.variant_id].name,
                sku=variants[line.variant_id].sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.total,
                currency=order.currency,
            )
            for line in priced.lines
        ]
    )


def _price_changes(info: CheckoutInfo, stock: LockedStock) -> list[dict[str, Any]]:
    return [
        {
            "variant_id": line.variant_id,
            "sku": stock.variants[line.variant_id].sku,
            "price_in_cart": money(line.price_when_added),
            "price_charged": stock.variants[line.variant_id].price,
        }
        for line in info.lines
        if money(line.price_when_added) != stock.variants[line.variant_id].price
    ]
