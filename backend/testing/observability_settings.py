"""Test settings plus two endpoints that fail the way a bug in a view does (observability tests)."""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "testing.observability_urls"
