from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agora.payments.models import Payment


class GatewayError(Exception):
    """The provider could not be reached or refused the call for a reason other than a decline."""


class WebhookRejected(Exception):
    """A webhook whose signature or body does not check out."""


@dataclass(frozen=True)
class GatewayResult:
    status: str  # a Payment.Status value
    reference: str = ""
    client_secret: str = ""
    failure_code: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    id: str
    type: str
    reference: str  # the payment's reference at the gateway (PaymentIntent id)
    created: int
    payload: dict[str, Any] = field(default_factory=dict)


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
    def void(self, *, payment: Payment) -> GatewayResult: ...

    @abstractmethod
    def refund(self, *, payment: Payment, amount: Decimal | None = None) -> GatewayResult: ...

    @abstractmethod
    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> GatewayEvent: ...
