"""Payment gateways behind one interface; ``get_gateway(name)`` returns the configured one."""

from agora.payments.gateways.base import (
    AlreadyCaptured,
    GatewayError,
    GatewayEvent,
    GatewayRefund,
    GatewayResult,
    PaymentGateway,
    ProviderUnavailable,
    WebhookRejected,
)


def get_gateway(name: str) -> PaymentGateway:
    if name == "dummy":
        from agora.payments.gateways.dummy import DummyGateway

        return DummyGateway()
    if name == "stripe":
        from agora.payments.gateways.stripe import StripeGateway

        return StripeGateway()
    raise KeyError(name)


__all__ = [
    "AlreadyCaptured",
    "GatewayError",
    "GatewayEvent",
    "GatewayRefund",
    "GatewayResult",
    "PaymentGateway",
    "ProviderUnavailable",
    "WebhookRejected",
    "get_gateway",
]
