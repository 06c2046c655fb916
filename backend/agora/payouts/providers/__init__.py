"""Payout providers behind one interface (agora.payouts.providers.base); ``get_provider()``
returns the configured one."""

from django.conf import settings

from agora.payouts.providers.base import PayoutProvider


def get_provider(name: str | None = None) -> PayoutProvider:
    name = name or settings.PAYOUT_PROVIDER
    if name == "dummy":
        from agora.payouts.providers.dummy import DummyProvider

        return DummyProvider()
    if name == "stripe":
        from agora.payouts.providers.stripe import StripeConnectProvider

        return StripeConnectProvider()
    raise KeyError(name)
