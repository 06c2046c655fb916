from agora.core.errors import ValidationFailed


class InvalidWebhook(ValidationFailed):
    message = "The webhook signature or payload is invalid."
