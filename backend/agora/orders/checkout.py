"""Checkout: cart → order with its vendor sub-orders, stock taken without overselling, payment.

One transaction takes the stock: the cart's variants are locked ``SELECT … FOR UPDATE`` in
primary-key order (every checkout and cancel locks in that order, so they cannot deadlock),
availability is re-checked under the lock, stock is decremented with ``F()`` arithmetic, and the
order, its lines and one sub-order per vendor are written with totals from the locked prices.

Payment, without ever holding a row lock across a network call:

- an in-process gateway (dummy) authorises inside that transaction: paid, cart emptied and
  processing scheduled on commit, or declined and everything rolled back (cart kept);
- a remote provider (Stripe) is called after the commit (a PaymentIntent is created), and a
  second transaction records the outcome: pending at the provider (the signed webhook decides)
  or failed (stock back, cart kept, order ``payment_failed``).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from agora.carts.errors import CartNotFound, InsufficientStock
from agora.carts.models import Cart, CartItem
from agora.carts.selectors import variant_is_purchasable
from agora.carts.services import cart_clear
from agora.catalog.models import Variant
from agora.catalog.services import products_refresh_summary
from agora.orders import pricing
from agora.orders.errors import (
    EmailRequired,
    EmptyCart,
    MixedCurrencies,
    PaymentDeclined,
    PaymentMethodUnavailable,
    PaymentProviderUnavailable,
    UnknownShippingMethod,
)
from agora.orders.models import Order, OrderLine, ShippingMethod, VendorOrder
from agora.orders.services import order_mark_paid, order_release_stock, stock_take
from agora.orders.states import order_transition
from agora.payments.gateways import GatewayError, GatewayResult, get_gateway
from agora.payments.models import Payment

P = Payment.Status


@dataclass
class CheckoutResult:
    order: Order
    payment: Payment | None = None
    price_changes: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class _CartLine:
    cart_id: int
    variant_id: int
    quantity: int
    price_when_added: object


def _cart_lines(*, user, cart_token: str | None) -> list[_CartLine]:
    if user is not None and user.is_authenticated:
        items = CartItem.objects.filter(cart__user=user)
    elif cart_token:
        items = CartItem.objects.filter(cart__token=cart_token, cart__user__isnull=True)
    else:
        raise CartNotFound()
    lines = [
        _CartLine(*row)
        for row in items.order_by("variant_id").values_list("cart_id", "variant_id", "quantity", "unit_price")
    ]
    if not lines:
        if (
            not (user is not None and user.is_authenticated)
            and not Cart.objects.filter(token=cart_token, user__isnull=True).exists()
        ):
            raise CartNotFound()
        raise EmptyCart()
    return lines


def checkout(
    *,
    user,
    cart_token: str | None,
    shipping_address: dict,
    shipping_method: str,
    payment_method: str,
    payment_token: str | None = None,
    email: str | None = None,
) -> CheckoutResult:
    signed_in = user is not None and user.is_authenticated
    if payment_method not in settings.PAYMENT_METHODS:
        raise PaymentMethodUnavailable()
    email = (email or (user.email if signed_in else "")).strip().lower()
    if not email:
        raise EmailRequired()
    lines = _cart_lines(user=user, cart_token=cart_token)
    method = ShippingMethod.objects.filter(code=shipping_method, is_active=True).first()
    if method is None:
        raise UnknownShippingMethod()
    gateway = get_gateway(payment_method)

    place = {
        "user": user if signed_in else None,
        "cart_token": "" if signed_in else cart_token,
        "email": email,
        "shipping_address": shipping_address,
        "method": method,
        "payment_method": payment_method,
        "lines": lines,
    }
    if gateway.settles_at_checkout:
        return _checkout_settled(gateway, place, payment_token, email, lines[0].cart_id)
    return _checkout_remote(gateway, place, payment_token, email, lines[0].cart_id)


def _new_payment(result: CheckoutResult, gateway_name: str) -> Payment:
    order = result.order
    # Recorded with the gateway's answer (one statement); gateways key their calls by order number.
    payment = Payment(order=order, gateway=gateway_name, amount=order.total, currency=order.currency)
    result.payment = payment
    order._prefetched_objects_cache["payments"] = [payment]
    return payment


def _checkout_settled(gateway, place: dict, payment_token, email, cart_id) -> CheckoutResult:
    """An in-process gateway (dummy): no network call, so it runs inside the stock transaction and
    a decline simply rolls everything back (no stock taken, cart kept, no order)."""
    with transaction.atomic():
        result = _place_order(**place)
        payment = _new_payment(result, gateway.name)
        outcome = gateway.authorize(payment=payment, token=payment_token, email=email)
        if outcome.status == P.AUTHORIZED:
            outcome = gateway.capture(payment=payment)
        if outcome.status == P.FAILED:
            raise PaymentDeclined(details={"reason": outcome.failure_code})
        _payment_record(payment, outcome)
        order_mark_paid(order=result.order)
        cart_clear(cart_id=cart_id)
    return result


def _checkout_remote(gateway, place: dict, payment_token, email, cart_id) -> CheckoutResult:
    """A remote provider (Stripe): the stock transaction commits before the network call, so no
    row lock is held while the provider answers; the outcome is applied in a second transaction."""
    with transaction.atomic():
        result = _place_order(**place)
    order = result.order
    payment = _new_payment(result, gateway.name)
    try:
        outcome = gateway.authorize(payment=payment, token=payment_token, email=email)
    except GatewayError as exc:
        failed = GatewayResult(P.FAILED, failure_code="provider_unavailable", failure_message=str(exc))
        _payment_failed(order, payment, failed)
        raise PaymentProviderUnavailable(details={"order_number": order.number}) from exc
    if outcome.status == P.FAILED:
        _payment_failed(order, payment, outcome)
        raise PaymentDeclined(details={"order_number": order.number, "reason": outcome.failure_code})
    with transaction.atomic():
        _payment_record(payment, outcome)
        if outcome.status == P.CAPTURED:
            order_mark_paid(order=order)
        cart_clear(cart_id=cart_id)
    return result


def _payment_failed(order: Order, payment: Payment, outcome: GatewayResult) -> None:
    """Declined by a remote provider: the stock goes back, the cart is kept, the order stays as payment_failed."""
    with transaction.atomic():
        _payment_record(payment, outcome)
        order_transition(order, Order.Status.PAYMENT_FAILED)
        order_release_stock(order=order)


def _payment_record(payment: Payment, outcome: GatewayResult) -> None:
    payment.status = outcome.status
    payment.reference = outcome.reference
    payment.client_secret = outcome.client_secret
    payment.failure_code = outcome.failure_code[:100]
    payment.failure_message = outcome.failure_message[:500]
    payment.save()


def _place_order(*, user, cart_token, email, shipping_address, method, payment_method, lines) -> CheckoutResult:
    wanted = {line.variant_id: line.quantity for line in lines}
    variants = list(
        Variant.objects.select_for_update(of=("self",))
        .select_related("product", "vendor")
        .filter(pk__in=sorted(wanted))
        .order_by("pk")
    )
    by_id = {v.pk: v for v in variants}
    # Re-checked under the lock: what another checkout took before we got the rows is gone.
    for variant_id in sorted(wanted):
        variant = by_id.get(variant_id)
        if variant is None or not variant_is_purchasable(variant):
            raise InsufficientStock(variant_id=variant_id, available=0)
        if variant.stock < wanted[variant_id]:
            raise InsufficientStock(variant_id=variant_id, available=variant.stock)
    currencies = {v.currency for v in variants} | {method.currency}
    if len(currencies) != 1:
        raise MixedCurrencies()
    currency = currencies.pop()

    priced = [pricing.PricedLine(v.pk, v.vendor_id, v.price, wanted[v.pk]) for v in variants]
    totals = pricing.order_totals(
        lines=priced,
        shipping=method.price,
        currency=currency,
        commission_rates={v.vendor_id: v.vendor.commission_rate for v in variants},
    )
    stock_take(wanted)

    order = Order.objects.create(
        user=user,
        email=email,
        currency=currency,
        subtotal=totals.subtotal,
        shipping_total=totals.shipping,
        total=totals.total,
        shipping_method=method,
        shipping_method_name=method.name,
        shipping_address=shipping_address,
        payment_method=payment_method,
        cart_token=cart_token or "",
    )
    vendors = {v.vendor_id: v.vendor for v in variants}
    vendor_orders = VendorOrder.objects.bulk_create(
        [
            VendorOrder(
                order=order,
                vendor=vendors[vendor_id],
                currency=currency,
                subtotal=vt.subtotal,
                commission_rate=vt.commission_rate,
                commission=vt.commission,
            )
            for vendor_id, vt in totals.vendors.items()
        ]
    )
    vo_by_vendor = {vo.vendor_id: vo for vo in vendor_orders}
    order_lines = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                vendor_order=vo_by_vendor[line.vendor_id],
                variant=by_id[line.variant_id],
                product_slug=by_id[line.variant_id].product.slug,
                product_name=by_id[line.variant_id].product.name,
                variant_name=by_id[line.variant_id].name,
                sku=by_id[line.variant_id].sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.total,
                currency=currency,
            )
            for line in priced
        ]
    )
    products_refresh_summary(product_ids={v.product_id for v in variants}, stock_only=True)

    # The answer is built from these objects: no re-read of what was just written.
    for vo in vendor_orders:
        vo._prefetched_objects_cache = {"lines": [ol for ol in order_lines if ol.vendor_order_id == vo.pk]}
    order._prefetched_objects_cache = {"lines": order_lines, "vendor_orders": vendor_orders}
    price_changes = [
        {
            "variant_id": line.variant_id,
            "sku": by_id[line.variant_id].sku,
            "price_in_cart": pricing.money(line.price_when_added),
            "price_charged": by_id[line.variant_id].price,
        }
        for line in lines
        if pricing.money(line.price_when_added) != by_id[line.variant_id].price
    ]
    return CheckoutResult(order=order, price_changes=price_changes)
