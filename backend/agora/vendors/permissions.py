from rest_framework.permissions import BasePermission

from agora.vendors.selectors import vendor_for_user


class IsApprovedVendor(BasePermission):
    """Vendor-portal endpoints: the caller must belong to an approved vendor.

    Sets ``request.vendor`` so views scope every query to it.
    """

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        request.vendor = vendor_for_user(request.user)
        return True


class IsVendorMember(BasePermission):
    """Like IsApprovedVendor but also lets pending/suspended vendors read their own data."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        request.vendor = vendor_for_user(request.user, require_approved=False)
        return True
