from agora.core.errors import Conflict, ServiceUnavailable, ValidationFailed


class InvalidWebhook(ValidationFailed):
    message = "The webhook signature or payload is invalid."


class PaymentNotRefundable(Conflict):
    message = "Only a captured payment can be refunded."


class NothingToRefund(Conflict):
    code = "refund_exceeds_captured"
    message = "That is more than is left to refund on this payment."


class PaymentProviderUnavailable(ServiceUnavailable):
    code = "payment_provider_unavailable"
    message = "The payment provider could not be reached. Nothing was charged; please try again in a moment."
