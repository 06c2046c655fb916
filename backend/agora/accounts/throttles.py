"""Account throttles: failed sign-ins per account and per client address, sign-ups, password
resets and verification emails. Every one keys on the client address behind the trusted proxies
(agora.core.client_ip), never on the load balancer's."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from agora.core.client_ip import client_ip

# DRF's parser of "N/period" rates, which reads nothing of the throttle it is called on.
_RATES = SimpleRateThrottle.__new__(SimpleRateThrottle)


def _rate(scope: str) -> tuple[int, int]:
    """The (requests, seconds) of a scope's rate in the settings, read at request time."""
    num, duration = _RATES.parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope])
    if num is None or duration is None:
        raise ImproperlyConfigured(
            f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][{scope!r}] must be a rate such as '5/min'"
        )
    return num, duration


class ClientIpThrottleMixin:
    def get_ident(self, request) -> str:
        return client_ip(request)


class ScopedRateThrottle(ClientIpThrottleMixin, SimpleRateThrottle):
    """A fixed-scope rate per client address; the rate is read from the settings at request time."""

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def email_key(email: str) -> str:
    """An address as the throttles count it: folded at least as far as the account lookup folds it
    (``email__iexact`` is PostgreSQL's UPPER, which makes a long s (U+017F) and an "s" one account, where
    Python's lower() keeps them apart), so no spelling of an account gets a budget of its own."""
    return email.strip().upper()


class FailedLoginThrottle(ClientIpThrottleMixin, BaseThrottle):
    """Refuses sign-in attempts once an account or an address has too many recent failures.

    Only failures count, so a shopper who signs in correctly is never locked out by their own
    successful logins. Counters are fixed one-window keys in the cache.
    """

    def _keys(self, request) -> dict[str, str]:
        if request.user is not None and getattr(request.user, "is_authenticated", False):
            email = email_key(request.user.email)  # a signed-in caller re-entering their password
        else:
            email = email_key(str(request.data.get("email", "") if hasattr(request.data, "get") else ""))
        keys = {"login_ip": f"throttle:login:ip:{self.get_ident(request)}"}
        if email:
            keys["login_account"] = f"throttle:login:acct:{email}"
        return keys

    def allow_request(self, request, view) -> bool:
        keys = self._keys(request)
        counts = cache.get_many(list(keys.values()))
        for scope, key in keys.items():
            limit, duration = _rate(scope)
            if counts.get(key, 0) >= limit:
                self._wait = duration
                return False
        return True

    def wait(self):
        return getattr(self, "_wait", None)

    def record_failure(self, request) -> None:
        for scope, key in self._keys(request).items():
            _, duration = _rate(scope)
            if cache.add(key, 1, timeout=duration):
                continue
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=duration)


class RegisterThrottle(ScopedRateThrottle):
    scope = "register"


class PasswordResetIpThrottle(ScopedRateThrottle):
    scope = "password_reset_ip"


class PasswordResetEmailThrottle(ScopedRateThrottle):
    """Per target address, known or unknown alike: the answer never tells them apart."""

    scope = "password_reset_email"

    def get_cache_key(self, request, view):
        email = request.data.get("email", "") if hasattr(request.data, "get") else ""
        if not isinstance(email, str) or not email.strip():
            return None
        ident = hashlib.sha256(email_key(email).encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RecoveryConfirmThrottle(ScopedRateThrottle):
    scope = "recovery_confirm"


class PerUserThrottle(ScopedRateThrottle):
    """A rate per signed-in account."""

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"user:{request.user.pk}"}


class EmailVerificationThrottle(PerUserThrottle):
    scope = "email_verification"


class DataExportThrottle(PerUserThrottle):
    scope = "data_export"
