"""System checks of the outbox's mail settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from agora.notifications.backends import NOT_CONFIGURED

# Backends that deliver nothing to the recipient: fine for a laptop or a load test, not for a shop.
UNDELIVERED = {
    NOT_CONFIGURED: "EMAIL_URL is not set",
    "django.core.mail.backends.console.EmailBackend": "EMAIL_URL writes emails to the console",
    "django.core.mail.backends.filebased.EmailBackend": "EMAIL_URL writes emails to files",
    "django.core.mail.backends.locmem.EmailBackend": "emails are kept in memory",
    "django.core.mail.backends.dummy.EmailBackend": "emails are dropped",
}


@register(Tags.security, deploy=True)
def mail_is_delivered(app_configs, **kwargs):
    """`manage.py check --deploy`: a deployment whose emails reach nobody (no order
    confirmations, no password resets) says so."""
    reason = UNDELIVERED.get(settings.EMAIL_BACKEND)
    if reason is None:
        return []
    return [
        Warning(
            f"{reason}: customers and vendors receive no email (order confirmations, password resets).",
            hint="Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@smtp.example.com:587.",
            id="notifications.W001",
        )
    ]


@register(Tags.security, deploy=True)
def staff_are_told(app_configs, **kwargs):
    """`manage.py check --deploy`: a deployment that emails no staff about what needs them (a
    disputed return, a sub-order past its ship-by date) says so."""
    if settings.STAFF_NOTIFICATION_EMAILS:
        return []
    return [
        Warning(
            "STAFF_NOTIFICATION_EMAILS is empty: disputed returns and sub-orders past their ship-by date "
            "are emailed to no staff.",
            hint="Set STAFF_NOTIFICATION_EMAILS to the staff addresses, comma-separated "
            "(Terraform: staff_notification_emails).",
            id="notifications.W002",
        )
    ]
