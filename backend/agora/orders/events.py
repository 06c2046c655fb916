"""What the orders app announces (agora.core.events): apps above orders (the vendor ledger)
subscribe. Published inside the transaction that made the change."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class VendorOrderShipped:
    """A vendor's sub-order shipped: what it sold is earned (the ledger books it, held for the
    payout hold period from this moment)."""

    vendor_order_id: int
    order_id: int
    vendor_id: int
    shipped_at: datetime
