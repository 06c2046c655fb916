"""A gateway for development and tests: ``tok_decline`` declines, any other token pays."""

import uuid

from agora.payments.gateways.base import GatewayResult, PaymentGateway, WebhookRejected
from agora.payments.models import Payment

DECLINE_TOKEN = "tok_decline"  # noqa: S105 - a documented test token, not a secret


class DummyGateway(PaymentGateway):
    name = "dummy"
    settles_at_checkout = True

    def authorize(self, *, payment, token, email):
        if token == DECLINE_TOKEN:
            return GatewayResult(
                Payment.Status.FAILED, failure_code="card_declined", failure_message="The card was declined."
            )
        return GatewayResult(Payment.Status.AUTHORIZED, reference=f"dummy_{uuid.uuid4().hex}")

    def capture(self, *, payment):
        return GatewayResult(Payment.Status.CAPTURED, reference=payment.reference)

    def void(self, *, payment):
        return GatewayResult(Payment.Status.VOIDED, reference=payment.reference)

    def refund(self, *, payment, amount=None):
        return GatewayResult(Payment.Status.REFUNDED, reference=payment.reference)

    def parse_webhook(self, *, payload, headers):
        raise WebhookRejected("The dummy gateway sends no webhooks.")
