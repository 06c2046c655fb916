"""JWT authentication that honours revocation: a token issued under an older session version
(before a password change or reset, or the account's deletion) is refused at once, not just its
refresh token."""

from django.contrib.auth import get_user_model
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from agora.core.prepared import PreparedValues, loaded

SESSION_VERSION_CLAIM = "sv"


def token_session_version(token) -> int:
    """The session version a token was issued under (tokens from before versions existed: 0)."""
    value = token.get(SESSION_VERSION_CLAIM, 0)
    return value if isinstance(value, int) else -1


def _user_by_id(user_id):
    model = get_user_model()
    return model.objects.filter(**{api_settings.USER_ID_FIELD: user_id}).values(
        *(field.attname for field in model._meta.concrete_fields)
    )


# The account behind a token, on every signed-in request: the statement is compiled once
# (agora.core.prepared) instead of a queryset built and compiled per request — 6 % of the web
# workers' Python time in the storefront mix (bench/README.md, issue #18).
_USER = PreparedValues(_user_by_id, user_id=int)
_MAX_ID = 2**63 - 1


class RevocableJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token):
        """simplejwt's get_user (same errors: no id claim, unknown or inactive account), with the
        account read through a prepared statement, and the session version checked."""
        try:
            raw_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken("Token contained no recognizable user identification") from exc
        try:
            user_id = int(raw_id)
        except (TypeError, ValueError):
            user_id = 0
        row = _USER.first(user_id=user_id) if 0 < user_id <= _MAX_ID else None
        if row is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        user = loaded(self.user_model, row)
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed("The user's password has been changed.", code="password_changed")
        if token_session_version(validated_token) != getattr(user, "session_version", None):
            raise AuthenticationFailed("This session was signed out.", code="token_revoked")
        return user


# The OpenAPI schema describes it as the bearer JWT scheme it is (drf-spectacular matches exact classes).
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme  # noqa: E402


class RevocableJWTScheme(SimpleJWTScheme):
    target_class = "agora.accounts.authentication.RevocableJWTAuthentication"
