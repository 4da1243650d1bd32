"""Settings for the test suite: cms.settings with a test secret and fast hashing.

Tests must not depend on a developer's environment, so DEBUG and the secret are
fixed here; DATABASE_URL is still read, so the same suite runs on PostgreSQL.
"""

import hashlib
import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789-abcdef")
os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain http; every other production
# security setting (HSTS, secure cookies, CSP) stays on so tests see it.
os.environ["SECURE_SSL_REDIRECT"] = "0"
# One page-cache generation file per checkout: two suites running at once (two worktrees, an
# in-memory SQLite database of the same name) must not bump each other's generation.
_checkout = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.environ.get("DATABASE_URL", "")
_generation_directory = os.path.join(tempfile.gettempdir(), f"vetted-{os.getuid()}")
os.makedirs(_generation_directory, mode=0o700, exist_ok=True)
os.environ.setdefault(
    "PAGE_CACHE_GENERATION_FILE",
    os.path.join(_generation_directory, f"test-generation-{hashlib.md5(_checkout.encode(), usedforsecurity=False).hexdigest()[:12]}"),
)
if os.environ.get("VETTED_TEST_REDIS") != "1":
    os.environ.pop("REDIS_URL", None)  # a developer's Redis must not leak into tests

from cms.settings import *  # noqa: E402, F403

# SQLite: the test database is a file, one per checkout, not Django's shared in-memory database.
# The browser tests' live server answers each request in its own thread; with the in-memory
# database every thread shares the test's one connection, and two requests at once (a heartbeat
# beside a save) fail with "bad parameter or other API misuse". With a file each thread has its
# own connection and SQLite's locks (WAL, a 20 s busy timeout) order them, as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        **DATABASES["default"].get("TEST", {}),  # noqa: F405
        "NAME": os.path.join(_generation_directory, f"test-db-{hashlib.md5(_checkout.encode(), usedforsecurity=False).hexdigest()[:12]}.sqlite3"),
    }

# Uploads go to a temporary folder, never the checkout's media/ (tests/media_files.py gives each test its own).
MEDIA_ROOT = tempfile.mkdtemp(prefix="vetted-test-media-")
SERVE_MEDIA = True  # the browser tests' live server shows the pictures
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Public pages uncached unless a test turns the cache on (tests/test_caching.py): transactions
# in tests never commit, so invalidation would never run and pages could leak between tests.
PAGE_CACHE_SECONDS = 0
# Serve static files from the finders: tests run without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tasks run at once, inside the test, instead of waiting for a worker (the on-commit hooks that
# enqueue them run in tests marked transaction=True or under captureOnCommitCallbacks(execute=True)).
# "database" is the production backend, for the tests that show a task waits for the worker.
TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# Purges are recorded, never sent (tests/test_edge_*.py read them).
EDGE_PURGE_BACKEND = "cms.pagecache.edge.RecordingPurge"
EDGE_PURGE_OPTIONS = {}
