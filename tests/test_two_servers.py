"""Two application servers on one PostgreSQL (and one Redis) serve an edit at once, like a scaled-out site.

Each server is its own gunicorn process with its own memory; the test edits through the models
(as any service or the admin does) and asks both servers for the page straight away.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article

ROOT = Path(__file__).resolve().parent.parent


def _free_ports(count):
    """Ports the kernel has just handed out, so two suites on one machine do not collide."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return tuple(sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


PORTS = _free_ports(2)
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _redis_answers(url):
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.3).ping())
    except Exception:
        return False


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def _get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.headers.get("X-Vetted-Cache"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, None, ""


RECHECK_SECONDS = 0.5  # for servers that stand for two machines


@pytest.fixture
def servers(request, transactional_db, settings, tmp_path):
    """Two gunicorn servers (one worker each) on the test database; the page cache on.

    "two machines": local memory, each server with its own generation file, as on two hosts.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_MAX_REQUESTS": "0",
        "CACHE_KEY_PREFIX": f"two-servers-{uuid.uuid4().hex}",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        if not _redis_answers(REDIS_URL):
            pytest.skip(f"needs Redis at {REDIS_URL}")
        env.update({"REDIS_URL": REDIS_URL, "VETTED_TEST_REDIS": "1"})
        # This process writes, so it shares the servers' cache, as every process of a site does.
        settings.CACHES = {
            "default": {"BACKEND": "cms.cache.ResilientRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": env["CACHE_KEY_PREFIX"]}
        }
    own = {port: {} for port in PORTS}
    if request.param == "local memory":  # one machine: the shared file alone must carry the edit
        env["PAGE_CACHE_RECHECK_SECONDS"] = "600"
    if request.param == "local memory, two machines":
        env["PAGE_CACHE_RECHECK_SECONDS"] = str(RECHECK_SECONDS)
        own = {port: {"PAGE_CACHE_GENERATION_FILE": str(tmp_path / f"machine-{port}")} for port in PORTS}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    processes = [
        subprocess.Popen(
            [gunicorn, "-c", "cms/gunicorn.conf.py"], cwd=ROOT,
            env={**env, **own[port], "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        for port in PORTS
    ]
    try:
        deadline = time.monotonic() + 30
        for port, process in zip(PORTS, processes, strict=True):
            while _get_or_none(port) is None:
                assert process.poll() is None, f"the server on port {port} exited at start-up"
                assert time.monotonic() < deadline, f"the server on port {port} did not answer within 30 s"
                time.sleep(0.2)
        yield PORTS
    finally:
        if request.param == "redis":
            from django.core.cache import cache

            cache.clear()
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _get_or_none(port):
    try:
        return _get(port, "/robots.txt")
    except OSError:
        return None


def _cache_on_both(servers, make):
    article = make.article(title="Before the edit", slug="shared")
    for port in servers:
        assert _get(port, "/articles/shared/")[:2] == (200, "miss")
        status, cache_status, body = _get(port, "/articles/shared/")
        assert (status, cache_status) == (200, "hit") and "Before the edit" in body
    return article


@pytest.mark.parametrize("servers", ["local memory", "redis"], indirect=True)
def test_an_edit_is_served_at_once_by_every_server(servers, make):
    """Both servers cache the page, an edit commits, both serve the edited page on the next request.

    With local memory both servers are on this machine, so they share its generation file."""
    article = _cache_on_both(servers, make)
    article.title = "After the edit"
    article.save()  # autocommit: the invalidation runs as the save commits

    for port in servers:
        status, cache_status, body = _get(port, "/articles/shared/")
        assert status == 200 and "After the edit" in body, port
        assert cache_status == "miss"

    Article.objects.filter(pk=article.pk).update(status=Article.Status.ARCHIVED)  # no signals...
    from cms.pagecache.generation import invalidate

    invalidate()  # ...so the service says so itself
    for port in servers:
        assert _get(port, "/articles/shared/")[0] == 404
        assert "After the edit" not in _get(port, "/")[2]


@pytest.mark.parametrize("servers", ["local memory, two machines"], indirect=True)
def test_without_redis_other_machines_serve_an_edit_within_the_recheck_time(servers, make):
    """Local memory on two machines: the edit reaches them through the database's generation,
    which each worker reads again every PAGE_CACHE_RECHECK_SECONDS (the sites that need every
    machine to agree at once use Redis)."""
    article = _cache_on_both(servers, make)
    article.title = "After the edit"
    article.save()
    time.sleep(RECHECK_SECONDS + 0.2)
    for port in servers:
        status, cache_status, body = _get(port, "/articles/shared/")
        assert (status, cache_status) == (200, "miss") and "After the edit" in body, port
