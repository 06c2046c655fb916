"""Cached public vendor profiles: one version counter, bumped after commit by every write that
changes what a profile shows (status, policies, rating, the admin's edits), so a profile served
from the cache is never older than the last committed change. A dead cache is a miss."""

from django.db import transaction

from agora.core.cache_versions import bump, current

VERSION_KEY = "vendors:version"


def vendor_profiles_version() -> int:
    return current(VERSION_KEY)


def _bump() -> None:
    bump(VERSION_KEY)


def invalidate_vendor_profiles() -> None:
    """Renews every cached profile after the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(_bump)
