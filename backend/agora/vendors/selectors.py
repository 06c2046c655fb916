from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404

from agora.accounts.models import User
from agora.core.money import money_text
from agora.vendors.cache import vendor_profiles_version
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


class VendorProfile(TypedDict):
    """The public profile (VendorPublicSerializer's shape, money and ratings as text)."""

    slug: str
    name: str
    description: str
    handling_days: int
    return_window_days: int
    rating_average: str | None
    rating_count: int
    created_at: str
    approved_at: str | None


_MISSING = "missing"


# The public profile's fields, in its answer's order (VendorPublicSerializer, the schema, has the same).
PUBLIC_PROFILE_FIELDS = (
    "slug",
    "name",
    "description",
    "handling_days",
    "return_window_days",
    "rating_average",
    "rating_count",
    "created_at",
    "approved_at",
)


def _profile(slug: str) -> VendorProfile | None:
    row = Vendor.objects.filter(slug=slug, status=Vendor.Status.APPROVED).values(*PUBLIC_PROFILE_FIELDS).first()
    if row is None:
        return None
    return {
        "slug": row["slug"],
        "name": row["name"],
        "description": row["description"],
        "handling_days": row["handling_days"],
        "return_window_days": row["return_window_days"],
        "rating_average": money_text(row["rating_average"]),
        "rating_count": row["rating_count"],
        "created_at": row["created_at"].isoformat().replace("+00:00", "Z"),
        "approved_at": row["approved_at"].isoformat().replace("+00:00", "Z") if row["approved_at"] else None,
    }


def vendor_public_profile(*, slug: str) -> VendorProfile:
    """An approved vendor's public profile from the cache (no query on a hit, an unknown slug
    included); 404 for pending, suspended and unknown vendors."""
    key = f"vendors:{vendor_profiles_version()}:profile:{slug}"
    cached = cache.get(key)
    if cached is None:
        profile = _profile(slug)
        cached = profile if profile is not None else _MISSING
        cache.set(key, cached, timeout=settings.CATALOG_CACHE_TIMEOUT)
    if cached == _MISSING:
        raise Http404
    profile_out: VendorProfile = cached
    return profile_out


def vendor_get_for_staff(*, slug: str) -> Vendor:
    return get_object_or_404(Vendor, slug=slug)
