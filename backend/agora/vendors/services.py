"""Vendor writes: apply, approve, suspend, the back office's edits, policies and the denormalised rating.

A vendor's status decides whether its products are public: every status change announces
``VendorStatusChanged`` inside its transaction, and the catalog (a higher app) renews the public
catalog and re-indexes the vendor's products in that same transaction. The vendor is emailed
(``vendor_approved`` / ``vendor_suspended``) through the outbox in that transaction too. A new
name or slug given in the back office is announced the same way (``VendorRenamed``).
"""

from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from agora.accounts.models import User
from agora.core.events import publish
from agora.core.slugs import counter_slugs, unique_slug
from agora.core.states import StateMachine
from agora.core.updates import apply_changes
from agora.vendors.cache import invalidate_vendor_profiles
from agora.vendors.errors import AlreadyAVendor, EmailNotVerified, NameTakenMeanwhile, VendorTransitionNotAllowed
from agora.vendors.events import VendorRenamed, VendorStatusChanged
from agora.vendors.models import Vendor, VendorMembership
from agora.vendors.notifications import vendor_status_email

# Allowed moves: pending → approved → suspended → approved (re-approval); pending may be refused
# by suspending it.
VENDORS = StateMachine(
    Vendor,
    {
        Vendor.Status.PENDING: {Vendor.Status.APPROVED, Vendor.Status.SUSPENDED},
        Vendor.Status.APPROVED: {Vendor.Status.SUSPENDED},
        Vendor.Status.SUSPENDED: {Vendor.Status.APPROVED},
    },
    error=lambda current, to: VendorTransitionNotAllowed(
        f"A {current} vendor cannot become {to}.", details={"status": current, "requested": to}
    ),
)


SLUG_FALLBACK, SLUG_MAX_LENGTH = "vendor", 140
# How many slugs one application tries when others under the same name take them first.
SLUG_ATTEMPTS = 5


def _slug_taken(slug: str) -> bool:
    return Vendor.objects.filter(slug=slug).exists()


def _vendor_create(*, name: str, description: str, contact_email: str) -> Vendor:
    """The vendor under the first free slug of its name (``kiln-co``, ``kiln-co-2``…). Another
    application under the same name may take that slug between the check and the insert: the
    unique index then refuses the insert (inside a savepoint, so the transaction goes on) and the
    next free slug is tried. Call inside a transaction."""
    slug = unique_slug(name, fallback=SLUG_FALLBACK, max_length=SLUG_MAX_LENGTH, suffix="counter", taken=_slug_taken)
    for _ in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                return Vendor.objects.create(
                    name=name.strip(), slug=slug, description=description, contact_email=contact_email
                )
        except IntegrityError:
            if not _slug_taken(slug):  # not the slug: nothing a retry would change
                raise
            slug = next(
                s for s in counter_slugs(name, fallback=SLUG_FALLBACK, max_length=SLUG_MAX_LENGTH) if not _slug_taken(s)
            )
    raise NameTakenMeanwhile()


def vendor_apply(*, user: User, name: str, description: str = "", contact_email: str) -> Vendor:
    """The caller applies to sell: a pending vendor owned by them (one vendor per user). Where
    VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL is on, the caller's address must be verified."""
    if settings.VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL and user.email_verified_at is None:
        raise EmailNotVerified()
    with transaction.atomic():
        if VendorMembership.objects.select_for_update().filter(user=user).exists():
            raise AlreadyAVendor()
        vendor = _vendor_create(name=name, description=description, contact_email=contact_email)
        try:
            with transaction.atomic():
                VendorMembership.objects.create(user=user, vendor=vendor, role=VendorMembership.Role.OWNER)
        except IntegrityError:  # a concurrent application by the same user won the race
            raise AlreadyAVendor() from None
    return vendor


def vendor_set_status(*, vendor: Vendor, status: str) -> Vendor:
    with transaction.atomic():
        # FOR NO KEY UPDATE: a status is no key, and this lock must not wait for (nor block) the
        # share lock a checkout's new sub-order takes on the vendor row at commit.
        vendor = Vendor.objects.select_for_update(no_key=True).get(pk=vendor.pk)
        previous = vendor.status
        first_approval = status == Vendor.Status.APPROVED and vendor.approved_at is None
        if first_approval:
            VENDORS.move(vendor, status, approved_at=timezone.now())
        else:
            VENDORS.move(vendor, status)
        publish(VendorStatusChanged(vendor_id=vendor.pk, status=vendor.status))
        vendor_status_email(vendor=vendor, previous=previous)
        invalidate_vendor_profiles()
    return vendor


def vendor_approve(*, vendor: Vendor) -> Vendor:
    """pending/suspended → approved: its approved products (re)appear in the storefront and search."""
    return vendor_set_status(vendor=vendor, status=Vendor.Status.APPROVED)


def vendor_suspend(*, vendor: Vendor) -> Vendor:
    """→ suspended: its products leave the storefront, the product API and search at once."""
    return vendor_set_status(vendor=vendor, status=Vendor.Status.SUSPENDED)


def vendor_admin_save(*, vendor: Vendor) -> Vendor:
    """Staff's edit of a vendor in the back office (its status changes only through approve and
    suspend). A new name or slug is announced (``VendorRenamed``), so the catalog renews the public
    lists and pages and re-indexes the vendor's products in the same transaction."""
    with transaction.atomic():
        before = Vendor.objects.filter(pk=vendor.pk).values_list("name", "slug").first() if vendor.pk else None
        vendor.save()
        if before is not None and before != (vendor.name, vendor.slug):
            publish(VendorRenamed(vendor_id=vendor.pk))
        invalidate_vendor_profiles()
    return vendor


POLICY_FIELDS = ("handling_days", "return_window_days")


def vendor_update_policies(*, vendor: Vendor, data: dict[str, int]) -> Vendor:
    """The vendor's handling time and return window (its own portal; any status may set them)."""
    changed = apply_changes(vendor, data, POLICY_FIELDS)
    if changed:
        vendor.save(update_fields=[*changed, "updated_at"])
        invalidate_vendor_profiles()
    return vendor


def vendor_lock_for_rating(*, vendor_id: int) -> Vendor | None:
    """Locks the vendor row so that review changes of its products recompute its rating one
    after the other (taken after the product's lock). Call inside a transaction."""
    return Vendor.objects.select_for_update(no_key=True).filter(pk=vendor_id).first()


def vendor_rating_set(*, vendor_id: int, average: Decimal | None, count: int) -> bool:
    """Stores the vendor's rating over the published reviews of all its products (computed by the
    reviews services under ``vendor_lock_for_rating``). Returns whether it changed; a change
    renews the cached public profile after commit."""
    current = Vendor.objects.filter(pk=vendor_id).values_list("rating_average", "rating_count").first()
    if current is None or current == (average, count):
        return False
    Vendor.objects.filter(pk=vendor_id).update(rating_average=average, rating_count=count)
    invalidate_vendor_profiles()
    return True
