from agora.core.errors import Conflict, NotFound, PermissionDenied, ServiceUnavailable, ValidationFailed


class PayoutNotFound(NotFound):
    message = "No such payout."


class PayoutAccountNotFound(NotFound):
    message = "No such payout account."


class NotVendorOwner(PermissionDenied):
    code = "not_vendor_owner"
    message = "Only the vendor's owner can connect a payout account."


class PayoutProviderUnavailable(ServiceUnavailable):
    code = "payout_provider_unavailable"
    message = "The payout provider cannot be reached right now. Try again shortly."


class InvalidConnectWebhook(ValidationFailed):
    code = "invalid_webhook"
    message = "The webhook's signature or body is not valid."


class PayoutNotReversible(Conflict):
    code = "payout_not_reversible"
    message = "Only a paid payout can be reversed, by at most what is left of it."


class HoldReasonRequired(ValidationFailed):
    field = "reason"
    message = "Say why the payouts are held."


class AlreadyOnHold(Conflict):
    code = "already_on_hold"
    message = "This vendor's payouts are already on hold."
