"""Faults survived: database down or locked -> plain 503; cache down -> pages served uncached, logged once."""

import logging
import socket
import sqlite3

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.test import Client, RequestFactory

from cms import cache as resilient
from cms.middleware import is_database_outage
from cms.views import server_error

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens, connections are refused at once


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when the server is gone or the file is locked."""

    def fail(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(CursorWrapper, "execute", fail)
    monkeypatch.setattr(CursorWrapper, "executemany", fail)


@pytest.fixture
def cache_down(settings):
    """Django's cache pointed at a Redis that refuses connections, through the project's resilient backend."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def cache_log(caplog):
    """Records logged by the cache backend's module (whatever its logger is called)."""
    return [r for r in caplog.records if r.pathname.replace("\\", "/").endswith("cms/cache.py")]


@pytest.fixture
def public_urls(make):
    article = make.article(tags=["sleep"])
    reviewer = make.reviewer()
    make.review(article, reviewer_=reviewer)
    series = make.series()
    make.series_entry(series, article, 1)
    return ["/", article.get_absolute_url(), series.get_absolute_url(), reviewer.get_absolute_url(), "/tags/sleep/"]


def test_public_pages_answer_a_plain_503_with_retry_after_when_the_database_is_down(client, public_urls, database_down, caplog):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert response["Cache-Control"] == "no-store"
        html = response.content.decode()
        assert "Temporarily unavailable" in html
        assert "Traceback" not in html and "OperationalError" not in html and "locked" not in html
        csp = response["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in csp and "script-src 'self'" in csp  # its own <style>, still no script
    assert any("Database unavailable" in r.getMessage() for r in caplog.records)


def test_a_lost_connection_is_a_503_too(client, make, monkeypatch):
    url = make.article().get_absolute_url()

    def gone(self, *args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(CursorWrapper, "execute", gone)
    assert client.get(url).status_code == 503


def test_an_outage_raised_outside_a_view_reaches_the_same_503_page():
    """The 500 handler recognises a database outage (e.g. from the session middleware) and answers 503."""
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503
    assert response["Retry-After"]


def test_other_errors_are_still_a_plain_500():
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "a bug" not in response.content.decode()
    assert response._csp_config["style-src"] == ["'unsafe-inline'"]


def test_a_bug_in_a_query_is_not_mistaken_for_an_outage(make, monkeypatch):
    """A ProgrammingError is a bug, so it stays a 500 (and is reported as one)."""
    from django.db import ProgrammingError

    url = make.article().get_absolute_url()

    def broken(self, *args, **kwargs):
        raise ProgrammingError("no such column")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    assert Client(raise_request_exception=False).get(url).status_code == 500


def test_healthz_reports_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down", "cache": "ok"}


def test_healthz_reports_a_cache_outage_without_failing(client, cache_down):
    """Pages are still served without the cache, so the load balancer keeps the instance (200, degraded)."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}


def test_pages_are_served_uncached_and_the_outage_logged_once_when_redis_is_down(client, settings, public_urls, cache_down, caplog):
    """Even with Django's whole-page cache in front, every page answers 200, and one log line says why."""
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    caplog.set_level(logging.INFO)
    for _ in range(3):
        for url in public_urls:
            assert client.get(url).status_code == 200, url
    outage_lines = cache_log(caplog)
    assert len(outage_lines) == 1
    assert outage_lines[0].levelno >= logging.WARNING


def test_cache_calls_degrade_to_misses_when_redis_is_down(cache_down):
    from django.core.cache import cache

    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("k", 5) == 5


def test_after_the_retry_pause_redis_is_tried_again_and_each_failure_is_not_relogged(cache_down, monkeypatch, caplog):
    """With no pause, every call tries Redis again; the outage is still logged only once."""
    from django.core.cache import cache

    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)
    attempts = []
    real_get = resilient.RedisCache.get
    monkeypatch.setattr(resilient.RedisCache, "get", lambda self, *a, **k: attempts.append(1) or real_get(self, *a, **k))
    caplog.set_level(logging.INFO)
    for _ in range(4):
        assert cache.get("k") is None
    assert len(attempts) == 4
    assert len(cache_log(caplog)) == 1


def test_the_cache_is_not_hammered_while_it_is_known_to_be_down(cache_down, monkeypatch):
    """Within the retry pause, calls return at once instead of each waiting for a connection."""
    from django.core.cache import cache

    attempts = []
    real_get = resilient.RedisCache.get
    monkeypatch.setattr(resilient.RedisCache, "get", lambda self, *a, **k: attempts.append(1) or real_get(self, *a, **k))
    for _ in range(5):
        cache.get("k")
    assert len(attempts) == 1


def _redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.3).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_healthz_sees_a_working_redis(client, settings):
    settings.CACHES = {"default": {"BACKEND": "cms.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:6379/9", "KEY_PREFIX": "issue9-test"}}
    assert client.get("/healthz").json()["cache"] == "ok"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_really_unreachable_postgresql_gives_503_pages_and_a_failing_healthz(client, make):
    """Not simulated: the connection goes to a port where no server listens."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (a server that can be taken away; SQLite is a local file)")
    url = make.article().get_absolute_url()
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="9", OPTIONS={**original.get("OPTIONS", {}), "connect_timeout": 2})
    try:
        assert client.get("/healthz").status_code == 503
        response = client.get(url)
        assert response.status_code == 503
        assert response["Retry-After"]
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert client.get(url).status_code == 200


# A real OperationalError that is the query's fault, per database: SQLite's "no such table";
# PostgreSQL's "string is too long for tsvector" (SQLSTATE 54000), met by a huge article body.
QUERY_FAULTS = {
    "sqlite": "SELECT * FROM no_such_table_here",
    "postgresql": "SELECT to_tsvector('simple', string_agg(md5(i::text), ' ')) FROM generate_series(1, 40000) i",
}


def real_query_fault():
    """The OperationalError this database raises for QUERY_FAULTS, as Django wraps it."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(QUERY_FAULTS[connection.vendor])
    except OperationalError as error:
        return error
    raise AssertionError("the query did not fail")


def test_an_operational_error_caused_by_the_query_is_a_500_not_an_outage(make, monkeypatch, caplog):
    """Only real outages are reported as 503 "database unavailable"; a query the database refuses is a bug (500)."""

    fault = real_query_fault()
    assert not is_database_outage(fault)
    url = make.article().get_absolute_url()

    def refuse(self, *args, **kwargs):
        raise fault

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    with caplog.at_level(logging.ERROR):
        assert Client(raise_request_exception=False).get(url).status_code == 500
    assert not any("Database unavailable" in record.getMessage() for record in caplog.records)


def test_a_locked_or_unreachable_database_is_an_outage():
    """The errors of a locked SQLite file and of a PostgreSQL that cannot be reached, as the drivers raise them."""
    def wrapped(cause):
        error = OperationalError(str(cause))
        error.__cause__ = cause
        return error

    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = sqlite3.SQLITE_BUSY
    assert is_database_outage(wrapped(locked))
    assert is_database_outage(wrapped(psycopg.errors.ConnectionTimeout("connection timeout expired")))
    assert is_database_outage(wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")))
    assert is_database_outage(wrapped(psycopg.errors.AdminShutdown("terminating connection")))
    assert not is_database_outage(wrapped(psycopg.errors.ProgramLimitExceeded("string is too long for tsvector")))
    assert is_database_outage(InterfaceError("connection already closed"))
