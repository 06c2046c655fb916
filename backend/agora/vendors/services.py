"""Vendor writes: apply, approve, suspend.

A vendor's status decides whether its products are public, so every status change re-indexes
all of the vendor's products for search and invalidates the cached public catalog, inside the
same transaction.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from agora.vendors.errors import AlreadyAVendor, EmailNotVerified, VendorTransitionNotAllowed
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
    """The caller applies to sell: a pending vendor owned by them (one vendor per user). Where
    VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL is on, the caller's address must be verified."""
    if settings.VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL and user.email_verified_at is None:
        raise EmailNotVerified()
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


def _catalog_changed(vendor: Vendor) -> None:
    from agora.catalog.cache import invalidate_public_catalog
    from agora.catalog.models import Product
    from agora.search.indexing import products_changed

    products_changed(Product.objects.filter(vendor=vendor).values_list("pk", flat=True))
    invalidate_public_catalog()


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
        _catalog_changed(vendor)
    return vendor


def vendor_approve(*, vendor: Vendor) -> Vendor:
    """pending/suspended → approved: its approved products (re)appear in the storefront and search."""
    return vendor_set_status(vendor=vendor, status=Vendor.Status.APPROVED)


def vendor_suspend(*, vendor: Vendor) -> Vendor:
    """→ suspended: its products leave the storefront, the product API and search at once."""
    return vendor_set_status(vendor=vendor, status=Vendor.Status.SUSPENDED)
