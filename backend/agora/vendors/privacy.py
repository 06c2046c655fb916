"""What the vendors app holds about a person (their membership), for exports and deletion."""

from agora.core.privacy import register
from agora.vendors.errors import OwnerCannotBeErased
from agora.vendors.models import VendorMembership


def membership_personal_data(user) -> dict | None:
    membership = VendorMembership.objects.filter(user=user).select_related("vendor").first()
    if membership is None:
        return None
    return {
        "vendor": membership.vendor.name,
        "slug": membership.vendor.slug,
        "role": membership.role,
        "since": membership.created_at.isoformat(),
    }


def _erase(user, replacement_email: str) -> None:
    membership = VendorMembership.objects.filter(user=user).first()
    if membership is None:
        return
    if membership.role == VendorMembership.Role.OWNER:
        raise OwnerCannotBeErased()
    membership.delete()


register("vendor", export=membership_personal_data, erase=_erase)
