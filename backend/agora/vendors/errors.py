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


class NameTakenMeanwhile(Conflict):
    code = "conflict"
    message = "Other shops applied under this name at the same moment. Apply again."


class VendorTransitionNotAllowed(Conflict):
    code = "invalid_transition"
    message = "The vendor cannot move to that status from its current one."


class OwnerCannotBeErased(Conflict):
    code = "conflict"
    message = "You own a vendor. Ask us to close or transfer it before you delete your account."


class EmailNotVerified(PermissionDenied):
    code = "email_not_verified"
    message = "Verify your email address before you apply to sell: open the link we emailed you (or ask for a new one)."
