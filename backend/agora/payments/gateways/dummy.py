"""A gateway for development and tests: ``tok_decline`` declines, any other token pays.

It settles in-process, so it is never offered in production (the settings refuse to start).
"""

import uuid

from agora.payments.gateways.base import GatewayRefund, GatewayResult, PaymentGateway, WebhookRejected
from agora.payments.models import Payment, Refund

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

    def refund(self, *, payment, refund):
        # Deterministic per refund row, as a provider's idempotency key makes a retry return the same refund.
        return GatewayRefund(
            reference=f"dummy_re_{refund.pk}",
            amount=refund.amount,
            currency=refund.currency,
            status=Refund.Status.SUCCEEDED,
            refund_id=refund.pk,
        )

    def refunds(self, *, payment):
        return [
            GatewayRefund(r.reference, r.amount, r.currency, r.status, r.pk)
            for r in payment.refunds.exclude(reference="")
        ]

    def retrieve(self, *, payment):
        return GatewayResult(payment.status, reference=payment.reference)

    def parse_webhook(self, *, payload, headers):
        raise WebhookRejected("The dummy gateway sends no webhooks.")
