import io

import pytest
from django.core.cache import cache

from cms.pagecache import generation
from cms.pagecache import http as pagecache_http
from tests import factories


@pytest.fixture
def make():
    """The factories, as a fixture: ``make.article(...)``."""
    return factories


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "correct horse battery")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def page_cache(settings):
    """The page cache on, empty before and after the test."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.HTTP_CACHE_SECONDS = 60
    cache.clear()
    generation.forget_local_generation()
    pagecache_http.recent_pages.clear()
    yield
    cache.clear()
    generation.forget_local_generation()
    pagecache_http.recent_pages.clear()


@pytest.fixture
def wsgi(page_cache):
    """Call the production WSGI application; returns (status, headers, body, whether Django handled it)."""
    from django.core import signals
    from django.db import close_old_connections

    from cms.wsgi import application

    handled = []

    def started(**kwargs):
        handled.append(True)

    # As Django's test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    signals.request_started.connect(started)

    def call(path, method="GET", query="", **extra):
        handled.clear()
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(), **extra,
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer.update(status=int(status.split()[0]), headers=dict(headers))

        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], body, bool(handled)

    yield call
    signals.request_started.disconnect(started)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
