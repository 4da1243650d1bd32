"""A database that accepts connections but never answers: 503 pages and a "down" health check within seconds.

Not simulated: a real gunicorn (production settings, the page cache on) whose DATABASE_URL names a
listener that accepts every connection and never says a word.
"""

import importlib.util
import socket
import threading
import time

import pytest

from tests import servers

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed")


@pytest.fixture(scope="module")
def silent_listener():
    """A TCP port that accepts connections, holds them open, and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture(scope="module")
def server(silent_listener, tmp_path_factory):
    """gunicorn whose PostgreSQL is the silent listener; everything else as in production."""
    port = servers.free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{silent_listener}/vetted",
        "PAGE_CACHE_GENERATION_FILE": str(tmp_path_factory.mktemp("silent") / "generation"),
        # The defaults: cms/wsgi.py chooses the web's timeouts.
        "VETTED_PROCESS": None, "DB_CONNECT_TIMEOUT": None, "DB_STATEMENT_TIMEOUT": None, "HEALTHZ_TIMEOUT": None,
    }
    with servers.gunicorn(port, tmp_path_factory.mktemp("log") / "gunicorn.log", env=env, args=["--timeout", "30"]) as process:
        process.port = port
        yield process


def timed_get(server, path, headers=None):
    start = time.monotonic()
    status, headers, body = servers.get(server.port, path, timeout=40, headers=headers)
    return status, headers, body, time.monotonic() - start


SESSION = {"Cookie": "sessionid=" + "a" * 32}


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/", None), ("/articles/anything/", None), ("/tags/sleep/", None), ("/search/?q=sleep", None),
     ("/", SESSION), ("/admin/", SESSION)],
)
def test_pages_answer_the_503_page_within_a_few_seconds(server, path, headers):
    """Not a 30-second hang ended by a bare 500: the plain "temporarily unavailable" page, with Retry-After."""
    status, headers, body, seconds = timed_get(server, path, headers)
    assert status == 503, body[:300]
    assert headers.get("Retry-After") and "Traceback" not in body
    assert seconds < 6, seconds


def test_healthz_says_down_within_its_own_deadline(server):
    """The load balancer hears "down" in about HEALTHZ_TIMEOUT (1.5 s), again and again."""
    for _ in range(3):
        status, headers, body, seconds = timed_get(server, "/healthz")
        assert status == 503 and '"database": "down"' in body
        assert seconds < 2.5, seconds
