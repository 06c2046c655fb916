"""What the vendors app announces (agora.core.events): the catalog subscribes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class VendorStatusChanged:
    """A vendor was approved or suspended: whether its products are public changed. Published
    inside the transaction that changed it."""

    vendor_id: int
    status: str


@dataclass(frozen=True)
class VendorRenamed:
    """Staff gave a vendor a new name or slug, which every product summary, product page and search
    result of its products shows. Published inside the transaction that changed it."""

    vendor_id: int
