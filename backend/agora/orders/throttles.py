"""Checkout rate limits: per client address, per account and per guest cart.

Checkout reserves stock (a Stripe order holds it until it is paid or expires), so an unlimited
checkout would let a script keep a competitor's stock reserved. Rates come from settings at
request time (THROTTLE_CHECKOUT_IP / _USER / _CART); a throttled request answers 429 ``throttled``
with Retry-After. The client address is DRF's ``get_ident`` (trusted proxy hops: NUM_PROXIES).
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _CheckoutThrottle(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str:
        return getattr(settings, self.setting)

    def _key(self, ident: str | None) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": ident} if ident else None


class CheckoutIPThrottle(_CheckoutThrottle):
    scope = "checkout_ip"
    setting = "THROTTLE_CHECKOUT_IP"

    def get_cache_key(self, request, view):
        return self._key(self.get_ident(request))


class CheckoutUserThrottle(_CheckoutThrottle):
    scope = "checkout_user"
    setting = "THROTTLE_CHECKOUT_USER"

    def get_cache_key(self, request, view):
        return self._key(str(request.user.pk) if request.user.is_authenticated else None)


class CheckoutCartThrottle(_CheckoutThrottle):
    scope = "checkout_cart"
    setting = "THROTTLE_CHECKOUT_CART"

    def get_cache_key(self, request, view):
        token = "" if request.user.is_authenticated else (request.headers.get("X-Cart-Token") or "").strip()
        return self._key(hashlib.sha256(token.encode()).hexdigest()[:32] if token else None)


CHECKOUT_THROTTLES = [CheckoutIPThrottle, CheckoutUserThrottle, CheckoutCartThrottle]
