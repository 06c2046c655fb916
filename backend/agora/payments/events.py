"""What the payments app announces (agora.core.events). Orders subscribe to move the order.

Every event is published inside the transaction that changed the payment, with the payment's
row locked, so a subscriber's change commits or rolls back with it.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PaymentCaptured:
    """The money arrived (a provider webhook, or the provider's answer when we asked)."""

    payment_id: int
    order_id: int


@dataclass(frozen=True)
class PaymentCanceled:
    """The provider cancelled the payment before it was captured (it will never be paid)."""

    payment_id: int
    order_id: int


@dataclass(frozen=True)
class PaymentRefundsChanged:
    """The payment's refunded total changed (a refund succeeded, or one failed after all)."""

    payment_id: int
    order_id: int
    amount: Decimal  # what was captured
    amount_refunded: Decimal  # the sum of its succeeded refunds now


@dataclass(frozen=True)
class RefundSettled:
    """One refund's outcome at the provider changed: it succeeded (``succeeded=True``: the money
    went back), or a refund that had succeeded failed after all (``succeeded=False``: the money
    stays). Published once per change of the refund row, with its sub-order when it was for one."""

    refund_id: int
    payment_id: int
    order_id: int
    vendor_order_id: int | None
    amount: Decimal
    currency: str
    succeeded: bool
