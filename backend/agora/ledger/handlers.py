"""What the ledger books from what lower apps announce (agora.core.events), registered in
LedgerConfig.ready(). Both run inside the announcing transaction, so the entries commit (or roll
back) with the shipment or the refund they come from."""

from agora.core.events import subscribe
from agora.ledger import services
from agora.orders.events import VendorOrderShipped
from agora.payments.events import RefundSettled


@subscribe(VendorOrderShipped)
def on_vendor_order_shipped(event: VendorOrderShipped) -> None:
    services.sale_book(vendor_order_id=event.vendor_order_id)


@subscribe(RefundSettled)
def on_refund_settled(event: RefundSettled) -> None:
    services.refund_book(refund_id=event.refund_id, order_id=event.order_id)
