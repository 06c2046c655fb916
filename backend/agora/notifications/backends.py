"""Production's mail backend while no mail server is configured."""

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from agora.notifications.errors import MailNotConfigured

NOT_CONFIGURED = "agora.notifications.backends.NotConfiguredEmailBackend"


class NotConfiguredEmailBackend(BaseEmailBackend):
    """What production sends email with until EMAIL_URL names a mail server (settings/base.py):
    nothing. Every send fails, so the outbox keeps each email queued and retries it with backoff
    (then fails it, for staff to send again from the admin) until the server is set; nothing is
    lost, and no address or text is written to the logs, as the console backend would."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if email_messages and not self.fail_silently:
            raise MailNotConfigured("EMAIL_URL is not set: no mail server to send through.")
        return 0
