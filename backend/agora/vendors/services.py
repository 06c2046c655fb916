"""Vendor writes: apply, approve, suspend.

A vendor's status decides whether its products are public: every status change announces
``VendorStatusChanged`` inside its transaction, and the catalog (a higher app) renews the public
catalog and re-indexes the vendor's products in that same transaction.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from agora.core.events import publish
from agora.vendors.errors import AlreadyAVendor, VendorTransitionNotAllowed
from agora.vendors.events import VendorStatusChanged
from agora.vendors.models import Vendor, VendorMembership

# Allowed moves: pending → approved → suspended → approved (re-approval); pending may be refused
# by suspending it.
TRANSITIONS: dict[str, set[str]] = {
    Vendor.Status.PENDING: {Vendor.Status.APPROVED, Vendor.Status.SUSPENDED},
    Vendor.Status.APPROVED: {Vendor.Status.SUSPENDED},
    Vendor.Status.SUSPENDED: {Vendor.Status.APPROVED},
}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "vendor"
    slug, n = base, 1
    while Vendor.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def vendor_apply(*, user, name: str, description: str = "", contact_email: str) -> Vendor:
    """The caller applies to sell: a pending vendor owned by them (one vendor per user)."""
    with transaction.atomic():
        if VendorMembership.objects.select_for_update().filter(user=user).exists():
            raise AlreadyAVendor()
        vendor = Vendor.objects.create(
            name=name.strip(), slug=_unique_slug(name), description=description, contact_email=contact_email
        )
        try:
            with transaction.atomic():
                VendorMembership.objects.create(user=user, vendor=vendor, role=VendorMembership.Role.OWNER)
        except IntegrityError:  # a concurrent application by the same user won the race
            raise AlreadyAVendor() from None
    return vendor


def vendor_set_status(*, vendor: Vendor, status: str) -> Vendor:
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        if status not in TRANSITIONS.get(vendor.status, set()):
            raise VendorTransitionNotAllowed(
                f"A {vendor.status} vendor cannot become {status}.",
                details={"status": vendor.status, "requested": status},
            )
        vendor.status = status
        fields = ["status", "updated_at"]
        if status == Vendor.Status.APPROVED and vendor.approved_at is None:
            vendor.approved_at = timezone.now()
            fields.append("approved_at")
        vendor.save(update_fields=fields)
        publish(VendorStatusChanged(vendor_id=vendor.pk, status=vendor.status))
    return vendor


def vendor_approve(*, vendor: Vendor) -> Vendor:
    """pending/suspended → approved: its approved products (re)appear in the storefront and search."""
    return vendor_set_status(vendor=vendor, status=Vendor.Status.APPROVED)


def vendor_suspend(*, vendor: Vendor) -> Vendor:
    """→ suspended: its products leave the storefront, the product API and search at once."""
    return vendor_set_status(vendor=vendor, status=Vendor.Status.SUSPENDED)
