"""Stripe PaymentIntents through the official library.

Checkout creates a PaymentIntent and returns its ``client_secret``; the storefront confirms it
with Stripe.js (card data goes to Stripe, never to us). The order stays ``pending_payment``
until the signed ``payment_intent.succeeded`` webhook arrives. Every call carries an
idempotency key derived from our rows (order number, payment id, refund id), so retries never
create a second charge or refund.

Calls are bounded: connect and read timeouts of a few seconds (``STRIPE_CONNECT_TIMEOUT`` /
``STRIPE_READ_TIMEOUT``), at most ``STRIPE_MAX_NETWORK_RETRIES`` (1) retry, and the per-process
bulkhead and breaker of agora.payments.bulkhead, so a slow Stripe cannot hold every web thread.
"""

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import stripe
from django.conf import settings
from stripe.params import PaymentIntentCreateParams, RefundCreateParams

from agora.core.money import from_minor_units, to_minor_units
from agora.payments.bulkhead import bulkhead
from agora.payments.gateways.base import (
    AlreadyCaptured,
    GatewayError,
    GatewayEvent,
    GatewayRefund,
    GatewayResult,
    PaymentGateway,
    WebhookRejected,
)
from agora.payments.models import Payment, Refund

# Tests replace Stripe's HTTP layer here (a stripe.HTTPClient subclass); None = requests with our timeouts.
HTTP_CLIENT = None
T = TypeVar("T")

# PaymentIntent status at Stripe → our payment status.
INTENT_STATUS = {
    "succeeded": Payment.Status.CAPTURED,
    "requires_capture": Payment.Status.AUTHORIZED,
    "canceled": Payment.Status.VOIDED,
}
REFUND_STATUS = {
    "succeeded": Refund.Status.SUCCEEDED,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.CANCELED,
}
# Provider-side failures the breaker counts; a decline or a bad request is an answer, not an outage.
_OUTAGES = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)


def client() -> stripe.StripeClient:
    """A client with our timeouts and retries; payments and Connect payouts (agora.payouts) both use it."""
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayError("STRIPE_SECRET_KEY is not configured.")
    http_client = HTTP_CLIENT or stripe.RequestsClient(
        timeout=(settings.STRIPE_CONNECT_TIMEOUT, settings.STRIPE_READ_TIMEOUT)
    )
    extra: dict[str, Any] = {}
    if settings.STRIPE_API_BASE:
        extra["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=http_client,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        **extra,
    )


def call(fn: Callable[[stripe.StripeClient], T], *, pool: str = "stripe") -> T:
    """One Stripe call inside the ``pool`` bulkhead; outages raise GatewayError (ProviderUnavailable
    when refused without calling), other Stripe errors propagate for the caller to interpret."""
    with bulkhead(pool).call() as outcome:
        try:
            return fn(client())
        except _OUTAGES as exc:
            outcome.failed = True
            raise GatewayError(str(exc)) from exc


def as_dict(obj: Any) -> dict[str, Any]:
    """A Stripe object from the library, or the same object from an event's JSON, as a dict."""
    return obj.to_dict() if isinstance(obj, stripe.StripeObject) else dict(obj)


def verify_signature(
    payload: bytes, headers: Mapping[str, str], *, signed_with: str, rejected: type[Exception] = WebhookRejected
) -> None:
    """Raises ``rejected`` unless Stripe signed ``payload`` with the secret in ``settings.<signed_with>``."""
    secret = getattr(settings, signed_with)
    if not secret:
        raise rejected(f"{signed_with} is not configured.")
    try:
        stripe.Webhook.construct_event(payload, headers.get("Stripe-Signature") or "", secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise rejected(str(exc)) from exc


def _refund_result(obj: Any) -> GatewayRefund:
    """A refund from the library's object or an event's JSON."""
    obj = as_dict(obj)
    metadata = obj.get("metadata") or {}
    raw_id = str(metadata.get("agora_refund_id") or "")
    return GatewayRefund(
        reference=str(obj["id"]),
        amount=from_minor_units(int(obj["amount"])),
        currency=str(obj.get("currency") or "").upper(),
        status=REFUND_STATUS.get(obj.get("status"), Refund.Status.PENDING),
        refund_id=int(raw_id) if raw_id.isdigit() else None,
        failure_reason=str(obj.get("failure_reason") or "")[:200],
    )


class StripeGateway(PaymentGateway):
    name = "stripe"
    settles_at_checkout = False

    def authorize(self, *, payment, token, email):
        params: PaymentIntentCreateParams = {
            "amount": to_minor_units(payment.amount),
            "currency": payment.currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"order_number": payment.order.number},
            "receipt_email": email,
            # Separate charges and transfers (vendor payouts, agora.payouts): the order number groups
            # this charge with the transfers it funds in Stripe's reports.
            "transfer_group": payment.order.number,
        }
        try:
            intent = call(
                lambda c: c.v1.payment_intents.create(
                    params=params, options={"idempotency_key": f"agora-order-{payment.order.number}-create"}
                )
            )
        except stripe.CardError as exc:
            return GatewayResult(Payment.Status.FAILED, failure_code=exc.code or "card_error", failure_message=str(exc))
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return GatewayResult(Payment.Status.PENDING, reference=intent.id, client_secret=intent.client_secret or "")

    def capture(self, *, payment):
        # PaymentIntents capture automatically on confirmation; this captures a manual-capture one.
        try:
            intent = call(
                lambda c: c.v1.payment_intents.capture(
                    payment.reference, options={"idempotency_key": f"agora-payment-{payment.pk}-capture"}
                )
            )
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        status = Payment.Status.CAPTURED if intent.status == "succeeded" else Payment.Status.AUTHORIZED
        return GatewayResult(status, reference=intent.id)

    def void(self, *, payment):
        if not payment.reference:
            return GatewayResult(Payment.Status.VOIDED)
        try:
            call(
                lambda c: c.v1.payment_intents.cancel(
                    payment.reference, options={"idempotency_key": f"agora-payment-{payment.pk}-cancel"}
                )
            )
        except stripe.InvalidRequestError as exc:
            if exc.code == "payment_intent_unexpected_state":
                # It succeeded meanwhile (the customer paid as the order expired): the caller refunds.
                raise AlreadyCaptured(str(exc)) from exc
            raise GatewayError(str(exc)) from exc
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return GatewayResult(Payment.Status.VOIDED, reference=payment.reference)

    def refund(self, *, payment, refund):
        params: RefundCreateParams = {
            "payment_intent": payment.reference,
            "amount": to_minor_units(refund.amount),
            "metadata": {"agora_refund_id": str(refund.pk), "order_number": payment.order.number},
        }
        try:
            obj = call(
                lambda c: c.v1.refunds.create(params=params, options={"idempotency_key": refund.idempotency_key})
            )
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return _refund_result(obj)

    def refunds(self, *, payment):
        try:
            page = call(lambda c: c.v1.refunds.list(params={"payment_intent": payment.reference, "limit": 100}))
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return [_refund_result(obj) for obj in page.data]

    def retrieve(self, *, payment):
        if not payment.reference:
            return GatewayResult(payment.status)
        try:
            intent = call(lambda c: c.v1.payment_intents.retrieve(payment.reference))
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        status = INTENT_STATUS.get(intent.status, Payment.Status.PENDING)
        return GatewayResult(status, reference=intent.id, processing=intent.status == "processing")

    def parse_webhook(self, *, payload, headers):
        verify_signature(payload, headers, signed_with="STRIPE_WEBHOOK_SECRET")
        # Verified: read the fields we use from the JSON itself (the library's objects are not dicts).
        try:
            event = json.loads(payload)
            obj = event["data"]["object"]
            kind = obj.get("object")
            refunds: tuple[GatewayRefund, ...] = ()
            amount_refunded = None
            if kind == "refund":
                reference = obj.get("payment_intent")
                refunds = (_refund_result(obj),)
            elif kind == "charge":
                reference = obj.get("payment_intent")
                listed = (obj.get("refunds") or {}).get("data") or []
                refunds = tuple(_refund_result(r) for r in listed)
                amount_refunded = from_minor_units(int(obj.get("amount_refunded") or 0))
            else:
                reference = obj.get("id")
            return GatewayEvent(
                id=str(event["id"]),
                type=str(event["type"]),
                reference=str(reference or ""),
                created=int(event.get("created") or 0),
                payload=event,
                refunds=refunds,
                amount_refunded=amount_refunded,
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise WebhookRejected(f"unexpected event shape: {exc!r}") from exc
