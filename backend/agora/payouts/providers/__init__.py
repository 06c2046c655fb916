"""Payout providers behind one interface; ``get_provider()`` returns the configured one."""

from django.conf import settings

from agora.payouts.providers.base import (
    BalanceTransaction,
    ConnectEvent,
    ConnectWebhookRejected,
    PayoutProvider,
    ProviderAccount,
    ProviderError,
    ProviderTransfer,
    TransferRefused,
    payment_key,
)


def get_provider(name: str | None = None) -> PayoutProvider:
    name = name or settings.PAYOUT_PROVIDER
    if name == "dummy":
        from agora.payouts.providers.dummy import DummyProvider

        return DummyProvider()
    if name == "stripe":
        from agora.payouts.providers.stripe import StripeConnectProvider

        return StripeConnectProvider()
    raise KeyError(name)


__all__ = [
    "BalanceTransaction",
    "ConnectEvent",
    "ConnectWebhookRejected",
    "PayoutProvider",
    "ProviderAccount",
    "ProviderError",
    "ProviderTransfer",
    "TransferRefused",
    "get_provider",
    "payment_key",
]
