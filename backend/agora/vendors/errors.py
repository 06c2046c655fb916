from agora.core.errors import Conflict, PermissionDenied


class NotAVendor(PermissionDenied):
    code = "not_a_vendor"
    message = "You are not a member of a vendor. Apply to become one first."


class VendorNotApproved(PermissionDenied):
    code = "vendor_not_approved"
    message = "Your vendor is not approved, so it cannot do this yet."


class AlreadyAVendor(Conflict):
    code = "conflict"
    message = "You already belong to a vendor (one vendor per user)."


class VendorTransitionNotAllowed(Conflict):
    code = "invalid_transition"
    message = "The vendor cannot move to that status from its current one."
