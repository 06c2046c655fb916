"""Settings, assembled from one module per concern.

Every value comes from an environment variable with a safe local default
(documented in .env.example). Production (DJANGO_ENV=production) differs only by
those variables, and refuses to start with DEBUG on, the default secret key, no SITE_URL, or
the test payment gateway.
"""

import re

from django.core.exceptions import ImproperlyConfigured

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .env import DEFAULT_SECRET_KEY, DJANGO_ENV, IS_PRODUCTION, NOT_TWO_DECIMAL_CURRENCIES  # noqa: F401
from .integrations import *  # noqa: F403
from .logging import *  # noqa: F403

# Amounts are kept with two decimal places and sent to payment providers in hundredths
# (agora.core.money): a currency with other minor units would be charged 100 or 10 times off.
if not re.fullmatch(r"[A-Z]{3}", AGORA_CURRENCY) or AGORA_CURRENCY in NOT_TWO_DECIMAL_CURRENCIES:  # noqa: F405
    raise ImproperlyConfigured(
        f"AGORA_CURRENCY={AGORA_CURRENCY!r}: Agora sells in an ISO 4217 currency with two decimal places "  # noqa: F405
        "(EUR, USD, GBP…), written in capitals."
    )

if IS_PRODUCTION:
    if not SITE_URL_SET:  # noqa: F405
        raise ImproperlyConfigured(
            "Set SITE_URL to the storefront's public address (https://shop.example.com): the links in "
            "emails, canonical URLs and sitemaps are built from it."
        )
    if DEBUG:  # noqa: F405
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:  # noqa: F405
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random value of at least 50 characters in production.")
    # The dummy gateway pays any token: offered in production, every order would be free.
    if "dummy" in {PAYMENT_GATEWAY, *PAYMENT_METHODS} and not PAYMENT_ALLOW_DUMMY_IN_PRODUCTION:  # noqa: F405
        raise ImproperlyConfigured(
            "The dummy payment gateway must not be offered in production: set PAYMENT_GATEWAY=stripe and "
            "PAYMENT_METHODS=stripe."
        )
    if "stripe" in PAYMENT_METHODS and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET and STRIPE_PUBLISHABLE_KEY):  # noqa: F405
        raise ImproperlyConfigured(
            "Stripe is offered but not configured: set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and "
            "STRIPE_WEBHOOK_SECRET."
        )
    # The dummy payout provider "transfers" nothing: vendors would never be paid.
    if PAYOUT_PROVIDER == "dummy" and not PAYMENT_ALLOW_DUMMY_IN_PRODUCTION:  # noqa: F405
        raise ImproperlyConfigured(
            "The dummy payout provider must not be used in production: set PAYOUT_PROVIDER=stripe."
        )
    if PAYOUT_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_CONNECT_WEBHOOK_SECRET):  # noqa: F405
        raise ImproperlyConfigured(
            "Stripe Connect payouts are not configured: set STRIPE_SECRET_KEY and STRIPE_CONNECT_WEBHOOK_SECRET."
        )

# After the settings are complete: errors go to Sentry when SENTRY_DSN is set (every process that
# loads the settings: web, worker, beat, management commands).
from agora.core.observability import init_sentry

init_sentry(dsn=SENTRY_DSN, environment=AGORA_ENVIRONMENT, release=APP_VERSION)  # noqa: F405
