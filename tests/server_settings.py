"""Settings for the application servers started by tests/test_two_servers.py.

The test settings (static files from the finders, fixed secret) with the page cache on, the way
production runs; REDIS_URL and CACHE_KEY_PREFIX come from the environment the test sets.
"""

from cms.test_settings import *  # noqa: F403

PAGE_CACHE_SECONDS = 300
