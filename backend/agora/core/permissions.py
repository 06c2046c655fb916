"""Who may use the staff endpoints of the API."""

from django.conf import settings
from rest_framework.permissions import BasePermission

# Set on the tokens of a sign-in that gave the staff account's authenticator code (and kept by
# every refresh of them): the second factor the admin asks for too.
SECOND_FACTOR_CLAIM = "2fa"


def has_second_factor(token: object) -> bool:
    getter = getattr(token, "get", None)
    return bool(getter is not None and getter(SECOND_FACTOR_CLAIM) is True)


class IsStaff(BasePermission):
    """Staff powers over the API (moderation): a staff account, and where ADMIN_REQUIRE_2FA is on
    (production's default) a sign-in that gave its authenticator code (``otp_token``), as the
    admin requires: a staff password alone opens nothing there either."""

    message = "Staff actions need a staff account signed in with its authenticator code (otp_token)."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return not settings.ADMIN_REQUIRE_2FA or has_second_factor(request.auth)
