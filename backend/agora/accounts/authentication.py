"""JWT authentication that honours revocation: a token issued under an older session version
(before a password change or reset, or the account's deletion) is refused at once, not just its
refresh token."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

SESSION_VERSION_CLAIM = "sv"


def token_session_version(token) -> int:
    """The session version a token was issued under (tokens from before versions existed: 0)."""
    value = token.get(SESSION_VERSION_CLAIM, 0)
    return value if isinstance(value, int) else -1


class RevocableJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if token_session_version(validated_token) != getattr(user, "session_version", None):
            raise AuthenticationFailed("This session was signed out.", code="token_revoked")
        return user


# The OpenAPI schema describes it as the bearer JWT scheme it is (drf-spectacular matches exact classes).
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme  # noqa: E402


class RevocableJWTScheme(SimpleJWTScheme):
    target_class = "agora.accounts.authentication.RevocableJWTAuthentication"
