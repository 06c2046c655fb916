"""The payout provider interface: connected accounts, transfers, and the provider's books for
the reconciler. ``agora.payouts.providers.get_provider()`` returns the configured one
(PAYOUT_PROVIDER)."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


def payment_key(reference: str, pk: int) -> str:
    """What a payment is known by at the provider: its reference (a PaymentIntent id); the dummy
    gateway, which settles in-process, may leave none, and then our id stands in on both sides."""
    return reference or f"agora-payment-{pk}"


class ProviderError(Exception):
    """The provider could not be reached or failed: try again later (same idempotency key)."""


class TransferRefused(Exception):
    """The provider refused the transfer for good (the account cannot receive transfers…)."""


class ConnectWebhookRejected(Exception):
    """A webhook whose signature or body does not check out."""


@dataclass(frozen=True)
class ProviderAccount:
    id: str
    details_submitted: bool
    charges_enabled: bool
    payouts_enabled: bool


@dataclass(frozen=True)
class TransferRequest:
    """Money to move to a connected account: sent once per idempotency key."""

    account_id: str
    amount: Decimal
    currency: str
    idempotency_key: str
    transfer_group: str
    metadata: Mapping[str, str]


@dataclass(frozen=True)
class ProviderTransfer:
    id: str
    amount: Decimal
    currency: str
    amount_reversed: Decimal
    destination: str
    transfer_group: str
    payout_id: int | None  # ours, from the transfer's metadata
    created: datetime


@dataclass(frozen=True)
class BalanceTransaction:
    """A movement on the platform's balance as the provider books it. ``source`` is what we know
    it by: the payment's reference (PaymentIntent) for a charge, the refund's id for a refund."""

    id: str
    type: str  # "charge" | "refund" | other provider types (kept, not compared)
    amount: Decimal  # signed, gross
    currency: str
    source: str
    created: datetime


@dataclass(frozen=True)
class ConnectEvent:
    id: str
    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    account: ProviderAccount | None = None
    transfer: ProviderTransfer | None = None


class PayoutProvider(ABC):
    name: str
    # The payment gateway whose charges and refunds sit on this provider's balance (reconciled).
    payment_gateway: str

    @abstractmethod
    def account_create(self, *, vendor_id: int, email: str) -> ProviderAccount: ...

    @abstractmethod
    def account_retrieve(self, *, account_id: str) -> ProviderAccount: ...

    @abstractmethod
    def onboarding_link(self, *, account_id: str, return_url: str, refresh_url: str) -> str: ...

    @abstractmethod
    def transfer_create(self, request: TransferRequest) -> ProviderTransfer:
        """Moves the request's amount to its connected account, once per idempotency key."""

    @abstractmethod
    def transfer_find(self, *, transfer_group: str) -> ProviderTransfer | None:
        """The transfer made for a payout, if any (a retry after a crash looks before sending)."""

    @abstractmethod
    def transfer_reverse(self, *, transfer_id: str, amount: Decimal, idempotency_key: str) -> ProviderTransfer:
        """Takes (part of) a transfer back from the connected account."""

    @abstractmethod
    def transfers(self, *, start: datetime, end: datetime) -> list[ProviderTransfer]: ...

    @abstractmethod
    def balance_transactions(self, *, start: datetime, end: datetime) -> list[BalanceTransaction]: ...

    @abstractmethod
    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ConnectEvent: ...
