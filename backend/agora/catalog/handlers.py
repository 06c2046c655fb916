"""The catalog's answers to what lower apps announce (registered in CatalogConfig.ready())."""

from agora.catalog.changes import products_changed
from agora.catalog.models import Product
from agora.core.events import subscribe
from agora.vendors.events import VendorRenamed, VendorStatusChanged


@subscribe(VendorStatusChanged)
def on_vendor_status_changed(event: VendorStatusChanged) -> None:
    """Its products appear or vanish: renew the public catalog and re-index them, in the same
    transaction as the status change."""
    products_changed(Product.objects.filter(vendor_id=event.vendor_id).values_list("pk", flat=True))


@subscribe(VendorRenamed)
def on_vendor_renamed(event: VendorRenamed) -> None:
    """Its products' summaries, pages and search documents carry its name and slug: renew the public
    catalog and re-index them, in the same transaction as the rename."""
    products_changed(Product.objects.filter(vendor_id=event.vendor_id).values_list("pk", flat=True))
