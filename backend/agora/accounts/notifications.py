"""The account emails (sent through the notification outbox)."""

from agora.notifications.registry import register

register(
    "email_verification",
    sample={
        "first_name": "Ada",
        "email": "ada@example.com",
        "verify_url": "https://shop.example.com/verify-email#token=sample",
    },
    description="Sign-up (and on request): a link that confirms the address belongs to the account.",
    secret=("verify_url",),
)
register(
    "password_reset",
    sample={
        "first_name": "Ada",
        "reset_url": "https://shop.example.com/reset-password#uid=MQ&token=sample",
        "valid_hours": 24,
    },
    description="A single-use link to choose a new password (asked for on the sign-in page).",
    secret=("reset_url",),
)
register(
    "password_changed",
    sample={"first_name": "Ada", "reset_url": "https://shop.example.com/forgot-password", "how": "changed"},
    description="The password was changed or reset; every other session was signed out.",
)
register(
    "data_export_ready",
    sample={"first_name": "Ada", "download_url": "https://shop.example.com/account/privacy", "valid_days": 7},
    description="The copy of the account's personal data is ready to download.",
)
register(
    "account_deleted",
    sample={"first_name": "Ada"},
    description="The account was deleted and its personal data erased (sent to the old address).",
)
register(
    "staff_two_factor_enabled",
    sample={"first_name": "Ada", "admin_url": "https://shop.example.com/admin/"},
    description="A staff account set up two-factor authentication for the admin.",
)
