"""Gateway webhooks: verified, recorded once per event id, applied to the payment and its order.

Events may arrive late, twice or out of order; each handler moves state only forward:
``succeeded`` wins over an earlier or later ``payment_failed``; a success for an order that was
meanwhile cancelled (expired) is refunded; an unknown event type is recorded and ignored.
"""

import logging
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from agora.orders.models import Order
from agora.orders.services import order_cancel, order_mark_paid, order_refund, payment_apply_result
from agora.orders.states import can_transition
from agora.payments.errors import InvalidWebhook
from agora.payments.gateways import GatewayEvent, GatewayResult, WebhookRejected, get_gateway
from agora.payments.models import Payment, WebhookEvent

logger = logging.getLogger("agora.payments")
P = Payment.Status
S = Order.Status


def webhook_receive(*, gateway_name: str, payload: bytes, headers: Mapping[str, str]) -> str:
    """Verifies and applies one webhook delivery. Returns what it did ("duplicate" for an event id
    seen before). The record and the state change commit together, so a failure is retried by
    the provider as a fresh delivery."""
    try:
        event = get_gateway(gateway_name).parse_webhook(payload=payload, headers=headers)
    except WebhookRejected as exc:
        logger.warning("rejected %s webhook: %s", gateway_name, exc)
        raise InvalidWebhook() from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    gateway=gateway_name, event_id=event.id, type=event.type, payload=event.payload
                )
        except IntegrityError:
            return "duplicate"
        outcome = _apply(gateway_name, event)
        WebhookEvent.objects.filter(pk=record.pk).update(outcome=outcome)
    return outcome


def _apply(gateway_name: str, event: GatewayEvent) -> str:
    payment = Payment.objects.select_for_update().filter(gateway=gateway_name, reference=event.reference).first()
    if payment is None or not event.reference:
        return "unknown_payment"
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    handler = HANDLERS.get(event.type)
    return handler(payment, order, event) if handler else "ignored"


def _succeeded(payment: Payment, order: Order, event: GatewayEvent) -> str:
    if payment.status in (P.CAPTURED, P.REFUNDED):
        return "already_captured"
    payment_apply_result(payment=payment, result=GatewayResult(P.CAPTURED))
    if order.status == S.PENDING_PAYMENT:
        order_mark_paid(order=order)
        return "paid"
    # The order was closed (expired, cancelled) before the money arrived: give it back.
    from agora.orders.services import _release_payment_after_commit

    _release_payment_after_commit(payment)
    return "refunding_late_payment"


def _payment_failed(payment: Payment, order: Order, event: GatewayEvent) -> str:
    if payment.status != P.PENDING:
        return "stale"
    error = (event.payload.get("data", {}).get("object", {}) or {}).get("last_payment_error") or {}
    # The PaymentIntent stays usable: the customer may retry with another card until the order expires.
    Payment.objects.filter(pk=payment.pk).update(
        failure_code=(error.get("code") or error.get("decline_code") or "payment_failed")[:100],
        failure_message=(error.get("message") or "")[:500],
        updated_at=timezone.now(),
    )
    return "attempt_failed"


def _canceled(payment: Payment, order: Order, event: GatewayEvent) -> str:
    if payment.status not in (P.PENDING, P.AUTHORIZED):
        return "stale"
    payment_apply_result(payment=payment, result=GatewayResult(P.VOIDED))
    if order.status == S.PENDING_PAYMENT:
        order_cancel(order=order, reason="payment cancelled at the provider")
        return "cancelled"
    return "voided"


def _refunded(payment: Payment, order: Order, event: GatewayEvent) -> str:
    if payment.status != P.CAPTURED:
        return "stale"
    payment_apply_result(payment=payment, result=GatewayResult(P.REFUNDED))
    if can_transition(order.status, S.REFUNDED):
        order_refund(order=order, reason="refunded at the provider")
        return "refunded"
    return "payment_refunded"


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "payment_intent.canceled": _canceled,
    "charge.refunded": _refunded,
}
