import io
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction

from articles import edge as article_edge
from cms.pagecache import generation, serve_edge
from cms.pagecache import http as pagecache_http
from cms.pagecache.edge import RecordingPurge
from tests import factories


@pytest.fixture
def make():
    """The factories, as a fixture: ``make.article(...)``."""
    return factories


# The editorial roles, as the workflow's data migration makes them: ``writer``, ``reviewer`` and
# ``editor`` are accounts in the real Writer, Medical reviewer and Editor groups, in every test file.
@pytest.fixture
def writer(db):
    return factories.staff_in("Writer", username="wendy", first_name="Wendy", last_name="Writer")


@pytest.fixture
def reviewer(db):
    """A Medical reviewer's account; its reviewer profile (``reviewer.reviewer_profile``) is "Dr. Rita"."""
    return factories.staff_in("Medical reviewer", username="rita")


@pytest.fixture
def editor(db):
    return factories.staff_in("Editor", username="eddie", first_name="Eddie", last_name="Editor", email="eddie@example.org")


@pytest.fixture
def fresh_content_type_cache():
    """For tests that flush and restore inside their transaction: content types may get new ids,
    the rollback takes them back, but ContentType's in-process cache would keep them and mislead
    later tests (tags look up by content type)."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


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



@pytest.fixture
def purges():
    """The recording purge backend, empty: ``purges.purged`` lists each purge's key set."""
    RecordingPurge.reset()
    yield RecordingPurge
    RecordingPurge.reset()


@pytest.fixture
def committed(django_capture_on_commit_callbacks, purges):
    """Run a function in a transaction that commits (its on-commit hooks run: invalidation, purges).

    (tests/test_caching.py has its own, older one.)"""

    def run(function):
        # The test's own transaction never commits: drop what building the data queued, so only
        # the function's own changes are purged.
        connection = transaction.get_connection()
        article_edge._local.changes = None
        connection.run_on_commit = [
            entry for entry in connection.run_on_commit
            if entry[1] is not generation._bump and getattr(entry[1], "__func__", None) is not article_edge._Changes.send
        ]
        purges.reset()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            result = function()
        return result

    return run


@pytest.fixture
def varnish_edge(live_server, settings):
    """A real Varnish (the repository's VCL, a free port, its own -n directory) in front of the live
    server, purged by the app. Skips with the reason when varnishd or its xkey module is missing."""
    reason = serve_edge.missing_reason()
    if reason:
        pytest.skip(f"Varnish: {reason}")
    port = int(live_server.url.rsplit(":", 1)[1])
    varnish = serve_edge.Varnish([port], memory="32m").start()
    settings.EDGE_PURGE_BACKEND = "cms.pagecache.edge.VarnishPurge"
    settings.EDGE_PURGE_OPTIONS = {"urls": [varnish.url]}
    deadline = time.monotonic() + 15
    while True:  # until the health probe has seen the app server
        try:
            urllib.request.urlopen(varnish.url + "/healthz", timeout=5).close()
            break
        except (urllib.error.URLError, OSError):
            assert time.monotonic() < deadline, "Varnish never found the app server healthy"
            time.sleep(0.2)
    yield varnish
    varnish.stop()
