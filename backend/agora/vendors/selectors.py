from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404

from agora.accounts.models import User
from agora.vendors.errors import NotAVendor, VendorNotApproved
from agora.vendors.models import Vendor, VendorMembership


def membership_for_user(user: User | AnonymousUser) -> VendorMembership | None:
    if not user.is_authenticated:
        return None
    return VendorMembership.objects.select_related("vendor").filter(user=user).first()


def vendor_for_user(user: User | AnonymousUser, *, require_approved: bool = True) -> Vendor:
    """The caller's vendor, for the vendor portal. 403 with a clear code if there is none or it
    is not approved (pending/suspended vendors can read their own data with require_approved=False)."""
    membership = membership_for_user(user)
    if membership is None:
        raise NotAVendor()
    if require_approved and membership.vendor.status != Vendor.Status.APPROVED:
        raise VendorNotApproved()
    return membership.vendor


def vendor_public_get(*, slug: str) -> Vendor:
    """An approved vendor's public profile; pending and suspended vendors do not exist publicly."""
    return get_object_or_404(Vendor, slug=slug, status=Vendor.Status.APPROVED)


def vendor_get_for_staff(*, slug: str) -> Vendor:
    return get_object_or_404(Vendor, slug=slug)
