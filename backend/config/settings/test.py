"""Test settings: the same stack (real PostgreSQL and Redis), faster hashing, no throttles in the way."""

import os

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Crash tests give their worker a slow file backend (testing/slow_email.py).
EMAIL_BACKEND = os.environ.get("AGORA_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "agora.core.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests that break a dependency read the probe's answer at once (test_health checks the cache).
HEALTH_READY_CACHE_SECONDS = 0
# The payout crash test widens the moment between "the dummy provider made the transfer" and
# "the worker heard about it" (agora/payouts/providers/dummy.py).
PAYOUT_DUMMY_TRANSFER_DELAY = float(os.environ.get("AGORA_TEST_PAYOUT_DELAY", "0"))
