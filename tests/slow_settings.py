"""Test settings plus a deliberately slow view, for the server-timeout test only (never deployed)."""

from cms.test_settings import *  # noqa: F403

ROOT_URLCONF = "tests.slow_urls"
