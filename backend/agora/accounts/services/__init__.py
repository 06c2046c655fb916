"""Account writes, by concern: profile and addresses, sessions (tokens), recovery (password reset
and change, email verification) and privacy (data export, account deletion)."""

from agora.accounts.services.privacy import (
    account_delete,
    account_erase,
    data_export_build,
    data_export_request,
    data_exports_cleanup,
)
from agora.accounts.services.profile import (
    address_create,
    address_delete,
    address_update,
    user_register,
    user_update,
)
from agora.accounts.services.recovery import (
    email_verification_send,
    email_verify,
    password_change,
    password_reset_confirm,
    password_reset_email,
    password_reset_request,
)
from agora.accounts.services.sessions import (
    token_refresh,
    token_revoke,
    tokens_flush_expired,
    tokens_for,
    user_login,
    user_sessions_revoke,
)

__all__ = [
    "account_delete",
    "account_erase",
    "address_create",
    "address_delete",
    "address_update",
    "data_export_build",
    "data_export_request",
    "data_exports_cleanup",
    "email_verification_send",
    "email_verify",
    "password_change",
    "password_reset_confirm",
    "password_reset_email",
    "password_reset_request",
    "token_refresh",
    "token_revoke",
    "tokens_flush_expired",
    "tokens_for",
    "user_login",
    "user_register",
    "user_sessions_revoke",
    "user_update",
]
