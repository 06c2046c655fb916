"""Sessions: issuing, rotating and revoking JWTs.

Refresh tokens are rows (SimpleJWT's OutstandingToken) so they can be revoked one by one
(logout) or all at once (password change or reset, account deletion). Every token also carries
the account's session version (claim "sv"); revoking all bumps it, and the authentication class
refuses older tokens, so access tokens stop working at once instead of living out 15 minutes.

A sign-in starts a chain of refresh tokens (claim "fam", the first token's id, kept through every
rotation). A rotated token is used up: presented again, some party holds a copy (a thief who
refreshed first, or one refreshing after its owner), so every live token of its chain is revoked
and that session ends, on every party; the account's other sessions stay. A token presented again
within JWT_REFRESH_REUSE_GRACE_SECONDS of its rotation is a client retrying a refresh whose
answer it lost: it answers 401 without ending the session.
"""

from datetime import datetime, timedelta
from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.request import Request
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from agora.accounts.authentication import SESSION_VERSION_CLAIM, token_session_version
from agora.accounts.errors import InvalidCredentials, InvalidRefreshToken
from agora.accounts.models import User
from agora.core.errors import ValidationFailed
from agora.core.permissions import SECOND_FACTOR_CLAIM, has_second_factor

FAMILY_CLAIM = "fam"


def tokens_for(user: User, *, second_factor: bool = False, family: str | None = None) -> dict[str, str]:
    """A token pair for ``user``: a new session's (``family`` None), or the next of a session's chain."""
    refresh = RefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = family or refresh["jti"]
    refresh[SESSION_VERSION_CLAIM] = user.session_version  # copied into the access token
    if second_factor:
        refresh[SECOND_FACTOR_CLAIM] = True  # likewise: staff powers where 2FA is required
    # SimpleJWT stored the token's row before these claims were added: the row holds what is issued
    # (its chain is read from it when a used token comes back).
    OutstandingToken.objects.filter(jti=refresh["jti"]).update(token=str(refresh))
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _second_factor(user: User, otp_token: str) -> bool:
    """Whether ``otp_token`` is the current code of the staff account's confirmed authenticator
    (django-otp's TOTP device, the one the admin uses; it throttles wrong codes itself)."""
    if not user.is_staff:
        return False
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device is not None and device.verify_token(otp_token.strip())


def user_login(
    *, request: HttpRequest | Request | None, email: str, password: str, otp_token: str | None = None
) -> dict[str, str]:
    """Tokens for an email and password. A staff account may add its authenticator code
    (``otp_token``): its tokens then carry the second factor staff endpoints need where
    ADMIN_REQUIRE_2FA is on. A code that does not verify fails the sign-in like a wrong password."""
    user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None or not user.is_active:
        raise InvalidCredentials()
    second_factor = bool(otp_token) and _second_factor(user, otp_token or "")
    if otp_token and not second_factor:
        raise InvalidCredentials()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return tokens_for(user, second_factor=second_factor)


def token_refresh(*, refresh: str) -> dict[str, str]:
    """A new access token and a new refresh token; the presented one is revoked (rotation). Under
    the token's row lock, so two concurrent refreshes with one token cannot both succeed. A used
    token presented again ends its session (see the module's docstring)."""
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]  # simplejwt 5.5.1 types the encoded string as a Token
    except TokenError:
        _reuse_check(refresh)
        raise InvalidRefreshToken() from None
    with transaction.atomic():
        outstanding = (
            OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=token["jti"]).order_by().first()
        )
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise InvalidRefreshToken()  # revoked since it was read, by a concurrent refresh
        user_id = token.payload.get(jwt_settings.USER_ID_CLAIM)
        user = User.objects.filter(pk=user_id, is_active=True).first() if user_id is not None else None
        if user is None or token_session_version(token) != user.session_version:
            raise InvalidRefreshToken()
        BlacklistedToken.objects.create(token=outstanding)
        # A sign-in's second factor lasts as long as its session (the refresh tokens' lifetime).
        return tokens_for(
            user,
            second_factor=has_second_factor(token) and user.is_staff,
            family=token.payload.get(FAMILY_CLAIM) or token["jti"],
        )


def _reuse_check(raw: str) -> None:
    """A genuine, unexpired refresh token refused as revoked: if it was used (revoked) longer than
    the grace ago, some party holds a copy, and its session's chain ends."""
    try:
        claims = UntypedToken(raw).payload  # type: ignore[arg-type]  # signature and expiry checked; no revocation check
    except TokenError:
        return  # forged, malformed or expired: nothing to end
    family = claims.get(FAMILY_CLAIM)
    if claims.get("token_type") != RefreshToken.token_type or not family:
        return
    grace = timedelta(seconds=settings.JWT_REFRESH_REUSE_GRACE_SECONDS)
    used = (
        BlacklistedToken.objects.filter(token__jti=claims.get("jti"), blacklisted_at__lt=timezone.now() - grace)
        .values_list("token__user_id", flat=True)
        .first()
    )
    if used is not None:
        _family_revoke(user_id=used, family=str(family))


def _family_revoke(*, user_id: int, family: str) -> None:
    """Revokes every live refresh token of one session's chain (the account's other sessions stay)."""
    live = OutstandingToken.objects.filter(
        user_id=user_id, blacklistedtoken__isnull=True, expires_at__gt=timezone.now()
    )
    chain = [t for t in live if _claims(t.token).get(FAMILY_CLAIM) == family]
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in chain], ignore_conflicts=True)


def _claims(encoded: str) -> dict[str, Any]:
    """The claims of a refresh token the project issued (read from its own table: not verified)."""
    try:
        return jwt.decode(encoded, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}


def token_revoke(*, refresh: str) -> None:
    """Logout: the presented refresh token stops working (other sessions stay)."""
    try:
        RefreshToken(refresh).blacklist()  # type: ignore[arg-type]  # simplejwt 5.5.1: the encoded string
    except TokenError:
        raise ValidationFailed(details={"refresh": ["Token is invalid or expired."]}) from None


def user_sessions_revoke(*, user: User) -> None:
    """Every refresh token of the account stops working, and every access token issued so far."""
    with transaction.atomic():
        live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True, expires_at__gt=timezone.now())
        BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in live], ignore_conflicts=True)
        User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
        user.refresh_from_db(fields=["session_version"])


def tokens_flush_expired(*, now: datetime | None = None) -> int:
    """Beat: deletes expired refresh tokens (and their revocations); returns how many."""
    cutoff = now or timezone.now()
    expired = OutstandingToken.objects.filter(expires_at__lte=cutoff)
    count = expired.count()
    expired.delete()
    return count


REFRESH_LIFETIME: timedelta = jwt_settings.REFRESH_TOKEN_LIFETIME
