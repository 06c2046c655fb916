"""Stripe PaymentIntents through the official library.

Checkout creates a PaymentIntent and returns its ``client_secret``; the storefront confirms it
with Stripe.js (card data goes to Stripe, never to us). The order stays ``pending_payment``
until the signed ``payment_intent.succeeded`` webhook arrives. Every call carries an
idempotency key derived from our payment id, so retries never create a second charge.
"""

import json
from decimal import Decimal

import stripe
from django.conf import settings

from agora.orders.pricing import to_minor_units
from agora.payments.gateways.base import GatewayError, GatewayEvent, GatewayResult, PaymentGateway, WebhookRejected
from agora.payments.models import Payment

# Tests replace Stripe's HTTP layer here (a stripe.HTTPClient subclass); None = the library default.
HTTP_CLIENT = None


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayError("STRIPE_SECRET_KEY is not configured.")
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, http_client=HTTP_CLIENT, max_network_retries=2)


class StripeGateway(PaymentGateway):
    name = "stripe"
    settles_at_checkout = False

    def authorize(self, *, payment, token, email):
        params = {
            "amount": to_minor_units(payment.amount),
            "currency": payment.currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"order_number": payment.order.number},
            "receipt_email": email,
        }
        try:
            intent = _client().v1.payment_intents.create(
                params=params, options={"idempotency_key": f"agora-order-{payment.order.number}-create"}
            )
        except stripe.CardError as exc:
            return GatewayResult(Payment.Status.FAILED, failure_code=exc.code or "card_error", failure_message=str(exc))
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return GatewayResult(Payment.Status.PENDING, reference=intent.id, client_secret=intent.client_secret or "")

    def capture(self, *, payment):
        # PaymentIntents capture automatically on confirmation; this captures a manual-capture one.
        try:
            intent = _client().v1.payment_intents.capture(
                payment.reference, options={"idempotency_key": f"agora-payment-{payment.pk}-capture"}
            )
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        status = Payment.Status.CAPTURED if intent.status == "succeeded" else Payment.Status.AUTHORIZED
        return GatewayResult(status, reference=intent.id)

    def void(self, *, payment):
        if not payment.reference:
            return GatewayResult(Payment.Status.VOIDED)
        try:
            _client().v1.payment_intents.cancel(
                payment.reference, options={"idempotency_key": f"agora-payment-{payment.pk}-cancel"}
            )
        except stripe.InvalidRequestError as exc:
            if exc.code == "payment_intent_unexpected_state":
                # It succeeded meanwhile (the customer paid as the order expired): give the money back.
                return self.refund(payment=payment)
            raise GatewayError(str(exc)) from exc
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return GatewayResult(Payment.Status.VOIDED, reference=payment.reference)

    def refund(self, *, payment, amount: Decimal | None = None):
        params: dict = {"payment_intent": payment.reference}
        if amount is not None:
            params["amount"] = to_minor_units(amount)
        try:
            _client().v1.refunds.create(
                params=params, options={"idempotency_key": f"agora-payment-{payment.pk}-refund"}
            )
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return GatewayResult(Payment.Status.REFUNDED, reference=payment.reference)

    def parse_webhook(self, *, payload, headers):
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise WebhookRejected("STRIPE_WEBHOOK_SECRET is not configured.")
        try:
            stripe.Webhook.construct_event(payload, headers.get("Stripe-Signature"), secret)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise WebhookRejected(str(exc)) from exc
        # Verified: read the fields we use from the JSON itself (the library's objects are not dicts).
        try:
            event = json.loads(payload)
            obj = event["data"]["object"]
            reference = obj.get("payment_intent") if obj.get("object") == "charge" else obj.get("id")
            return GatewayEvent(
                id=str(event["id"]),
                type=str(event["type"]),
                reference=str(reference or ""),
                created=int(event.get("created") or 0),
                payload=event,
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise WebhookRejected(f"unexpected event shape: {exc!r}") from exc
