from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agora.payments.models import Payment, Refund


class GatewayError(Exception):
    """The provider could not be reached or refused the call for a reason other than a decline."""


class ProviderUnavailable(GatewayError):
    """Refused without calling the provider: every slot for provider calls in this process is taken
    (the provider is slow), or the provider failed repeatedly and calls are paused for a moment."""


class AlreadyCaptured(GatewayError):
    """A void found the payment already captured (the customer paid as the order closed)."""


class WebhookRejected(Exception):
    """A webhook whose signature or body does not check out."""


@dataclass(frozen=True)
class GatewayResult:
    status: str  # a Payment.Status value
    reference: str = ""
    client_secret: str = ""
    failure_code: str = ""
    failure_message: str = ""
    # Retrieve only: the customer has confirmed and the provider is still settling (e.g. a bank
    # debit): the payment is neither paid nor abandoned yet.
    processing: bool = False


@dataclass(frozen=True)
class GatewayRefund:
    """A refund as the provider reports it."""

    reference: str  # the provider's refund id
    amount: Decimal
    currency: str
    status: str  # a Refund.Status value
    refund_id: int | None = None  # our Refund row, when we asked for it (sent as metadata)
    failure_reason: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    id: str
    type: str
    reference: str  # the payment's reference at the gateway (PaymentIntent id)
    created: int
    payload: dict[str, Any] = field(default_factory=dict)
    # Refunds the event reports (refund events, or a charge that lists its refunds).
    refunds: tuple[GatewayRefund, ...] = ()
    # Charge events: the total refunded so far according to the provider, in major units.
    amount_refunded: Decimal | None = None


class PaymentGateway(ABC):
    name: str
    # True when authorize() settles at once (so checkout captures right away); False when the
    # customer completes payment elsewhere and a webhook reports the outcome.
    settles_at_checkout: bool

    @abstractmethod
    def authorize(self, *, payment: Payment, token: str | None, email: str) -> GatewayResult: ...

    @abstractmethod
    def capture(self, *, payment: Payment) -> GatewayResult: ...

    @abstractmethod
    def void(self, *, payment: Payment) -> GatewayResult:
        """Cancels an uncaptured payment; raises AlreadyCaptured when the money already moved."""

    @abstractmethod
    def refund(self, *, payment: Payment, refund: Refund) -> GatewayRefund:
        """Sends one refund row (its amount, keyed by its id so a retry never refunds twice)."""

    @abstractmethod
    def refunds(self, *, payment: Payment) -> list[GatewayRefund]:
        """Every refund the provider holds for this payment."""

    @abstractmethod
    def retrieve(self, *, payment: Payment) -> GatewayResult:
        """The payment's status at the provider now."""

    @abstractmethod
    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> GatewayEvent: ...
