"""Django in a process of its own, with only the environment a deployment would give it.

Settings are read once, at start-up: what production makes of its environment (refusals, defaults,
driver options) is seen from outside, in a fresh interpreter started in backend/.
"""

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent

# What a production deployment sets for payments (production refuses the dummy gateway).
STRIPE_ONLY = {
    "PAYMENT_GATEWAY": "stripe",
    "PAYMENT_METHODS": "stripe",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "PAYOUT_PROVIDER": "stripe",
    "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_connect_example",
}
PROD_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 30 + "-production-secret-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "SITE_URL": "https://shop.example.com",
    "DATABASE_URL": "postgres://u:p@db.example.com:5432/agora",
    "EMAIL_URL": "smtp+tls://agora:secret@smtp.example.com:587",
    "STAFF_NOTIFICATION_EMAILS": "support@shop.example.com",
    **STRIPE_ONLY,
}


def run_python(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python <args>`` in backend/ with ``env`` and nothing else of ours (PATH and the default
    settings module aside); never raises on a failing exit status."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BACKEND,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def run_manage(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_python("manage.py", *args, env=env)


def printed_settings(*names: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A process that sets Django up and prints the settings ``names``, space-separated."""
    values = ", ".join(f"settings.{name}" for name in names)
    return run_python(
        "-c", f"import django; django.setup(); from django.conf import settings; print({values})", env=env
    )
