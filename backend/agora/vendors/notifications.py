"""The vendor's emails: its application was approved, or it was suspended (sent once through
the notification outbox, recorded in the transaction of the status change)."""

from agora.core.site import site_url
from agora.notifications.registry import register
from agora.notifications.services import notification_enqueue
from agora.vendors.models import Vendor

register(
    "vendor_approved",
    sample={
        "vendor_name": "Lumen Works",
        "reapproved": False,
        "portal_url": "https://agora.example/vendor",
        "storefront_url": "https://agora.example/vendors/lumen-works",
    },
    description="To the vendor: its application was approved (or a suspension lifted); it can list products.",
)
register(
    "vendor_suspended",
    sample={"vendor_name": "Lumen Works", "contact_url": "https://agora.example/"},
    description="To the vendor: it was suspended; its products left the storefront and search.",
)


def vendor_status_email(*, vendor: Vendor, previous: str) -> None:
    """The email a status change promises, keyed by the vendor and the moment of the change (a
    vendor approved, suspended and approved again gets one email per change)."""
    stamp = f"{vendor.pk}:{vendor.updated_at.isoformat()}"
    if vendor.status == Vendor.Status.APPROVED:
        notification_enqueue(
            template="vendor_approved",
            to=vendor.contact_email,
            context={
                "vendor_name": vendor.name,
                "reapproved": previous == Vendor.Status.SUSPENDED,
                "portal_url": site_url("/vendor"),
                "storefront_url": site_url(f"/vendors/{vendor.slug}"),
            },
            key=f"vendor_approved:{stamp}",
        )
    elif vendor.status == Vendor.Status.SUSPENDED:
        notification_enqueue(
            template="vendor_suspended",
            to=vendor.contact_email,
            context={"vendor_name": vendor.name, "contact_url": site_url("/")},
            key=f"vendor_suspended:{stamp}",
        )
