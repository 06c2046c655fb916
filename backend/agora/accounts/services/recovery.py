"""Account recovery: password reset by email, password change, email verification.

Links in emails carry their tokens in the URL fragment (``/reset-password#uid=…&token=…``):
browsers never send a fragment to a server, so tokens stay out of access logs and Referer headers.
"""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from agora.accounts.errors import (
    EmailAlreadyVerified,
    InvalidResetLink,
    InvalidVerificationLink,
    WrongCurrentPassword,
)
from agora.accounts.models import User
from agora.accounts.services.sessions import tokens_for, user_sessions_revoke
from agora.core.errors import ValidationFailed
from agora.core.site import site_url
from agora.core.tasks_util import enqueue_or_run
from agora.notifications.services import notification_enqueue

if TYPE_CHECKING:
    from celery import Task

VERIFICATION_SALT = "agora.accounts.email-verification"


def _validate_new_password(password: str, user: User, field: str) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={field: list(exc.messages)}) from None


# --- password reset ------------------------------------------------------------------------


def _reset_task() -> "Task[[str, str], bool]":
    from agora.accounts.tasks import password_reset_send

    return password_reset_send


def password_reset_request(*, email: str) -> None:
    """Queues the reset email for the worker and returns. The caller answers the same for every
    address, so the API never tells whether one has an account; and the request does the same work
    for each (no lookup here), so its timing does not tell either."""
    # Sent at once, not on commit: it records nothing, so if the broker is down it is done here
    # (its timing then tells, while the broker is down; the email is not lost).
    enqueue_or_run(_reset_task(), email.strip(), uuid.uuid4().hex)


def password_reset_email(*, email: str, request_id: str) -> bool:
    """The worker's half of a reset request: emails a reset link if an active account uses
    ``email``, once per request (a redelivered task finds its email queued). Returns whether one was
    queued."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with transaction.atomic():
        queued = notification_enqueue(
            template="password_reset",
            to=user.email,
            context={
                "first_name": user.first_name,
                "reset_url": site_url(f"/reset-password#uid={uid}&token={token}"),
                "valid_hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1),
            },
            key=f"password_reset:{user.pk}:{request_id}",
        )
    return queued is not None


def _user_from_uid(uid: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def password_reset_confirm(*, uid: str, token: str, password: str) -> User:
    """Sets the password if the link is valid. The token is bound to the old password hash and
    last login, so it works once; it expires after PASSWORD_RESET_TIMEOUT. Every session of the
    account is revoked, and clicking the link proved the address."""
    user = _user_from_uid(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetLink()
    _validate_new_password(password, user, "password")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not default_token_generator.check_token(user, token):  # a concurrent use of the same link
            raise InvalidResetLink()
        user.set_password(password)
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
        user.save(update_fields=["password", "email_verified_at"])
        user_sessions_revoke(user=user)
        _password_changed_enqueue(user=user, how="reset")
    return user


# --- password change -----------------------------------------------------------------------


def password_change(*, user: User, current_password: str, new_password: str) -> dict[str, str]:
    """Changes the password of a signed-in user who knows the current one. Every session is
    revoked; the answer carries a new token pair so the caller's own session goes on."""
    if not user.check_password(current_password):
        raise WrongCurrentPassword()
    _validate_new_password(new_password, user, "new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_sessions_revoke(user=user)
        _password_changed_enqueue(user=user, how="changed")
        return tokens_for(user)


def _password_changed_enqueue(*, user: User, how: str) -> None:
    notification_enqueue(
        template="password_changed",
        to=user.email,
        context={"first_name": user.first_name, "how": how, "reset_url": site_url("/forgot-password")},
        key=f"password_changed:{user.pk}:{uuid.uuid4().hex}",
    )


# --- email verification --------------------------------------------------------------------


def email_verification_enqueue(*, user: User) -> None:
    """Queues a verification link to the user's current address (inside the caller's transaction)."""
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFICATION_SALT)
    notification_enqueue(
        template="email_verification",
        to=user.email,
        context={
            "first_name": user.first_name,
            "email": user.email,
            "verify_url": site_url(f"/verify-email#token={token}"),
        },
        key=f"email_verification:{user.pk}:{uuid.uuid4().hex}",
    )


def email_verification_send(*, user: User) -> None:
    if user.email_verified_at is not None:
        raise EmailAlreadyVerified()
    with transaction.atomic():
        email_verification_enqueue(user=user)


def email_verify(*, token: str) -> User:
    """Marks the address verified if the token is valid, unexpired and still about the account's
    current address. Clicking the link again changes nothing."""
    try:
        data = signing.loads(token, salt=VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidVerificationLink() from None
    if not isinstance(data, dict):
        raise InvalidVerificationLink()
    user_id = data.get("u")
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, (int, str)) else None
    if user is None or user.email.lower() != str(data.get("e", "")).lower():
        raise InvalidVerificationLink()
    if user.email_verified_at is None:
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
        user.refresh_from_db(fields=["email_verified_at"])
    return user
