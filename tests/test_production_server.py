"""The production stack (gunicorn, ``cms.wsgi``, DEBUG off, the page cache on) answers what the test client cannot show.

Each server runs on its own SQLite file, migrated and filled by ``manage.py`` as a deployment would,
so these run the same on a laptop and in CI.
"""

import importlib.util
import socket
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import servers
from tests.urlfuzz import ROUTES, request_target

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed")

CONTENT = """
from tests import factories
article = factories.article(title="Breast cancer", slug="breast-cancer", tags=["乳腺癌", "Ménière's disease", "Επίπεδο 3"])
series = factories.series(title="By stage", slug="by-stage")
factories.series_entry(series, article, 1)
"""


@pytest.fixture(scope="module")
def site_server(tmp_path_factory):
    """A production server on a fresh database with one article tagged in three scripts."""
    directory = tmp_path_factory.mktemp("site")
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": f"sqlite:///{directory / 'site.sqlite3'}",
        "PAGE_CACHE_GENERATION_FILE": str(directory / "generation"),
    }
    servers.manage("migrate", "--noinput", "-v0", env=env)
    servers.manage("shell", "-c", CONTENT, env=env)
    port = servers.free_port()
    with servers.gunicorn(port, directory / "gunicorn.log", env=env) as process:
        process.port = port
        yield process


@pytest.mark.parametrize("slug", ["乳腺癌", "ménières-disease", "επίπεδο-3"])
def test_tag_pages_beyond_ascii_are_served_twice_over(site_server, slug):
    """A tag's address with letters beyond ASCII is its page, rendered and then from the cache, never a 500 or 404."""
    path = f"/tags/{urllib.parse.quote(slug)}/"
    for expected in ("miss", "hit"):
        status, headers, body = servers.get(site_server.port, path)
        assert (status, headers.get("X-Vetted-Cache")) == (200, expected), body[:500]
        assert "Breast cancer" in body


@pytest.mark.parametrize(
    "path",
    ["/tags/%E4%B9%B3%E8%85%BA%E7%99%8C%E7%99%8C/", "/tags/%E2%80%AE/", "/articles/%E4%B9%B3/", "/series/m%C3%A9ni%C3%A8re/",
     "/reviewers/%E2%80%AE/", "/articles/breast-cancer%C3%A9/", "/%F0%9F%98%80/"],
)
def test_unknown_addresses_beyond_ascii_are_the_sites_404(site_server, path):
    """Missing pages with any letters in their address answer the site's own 404 page."""
    for _ in range(2):
        status, headers, body = servers.get(site_server.port, path)
        assert status == 404, body[:500]
        assert "Traceback" not in body


def test_the_article_and_series_pages_are_served(site_server):
    """The ASCII addresses next to them still work through the same path."""
    assert servers.get(site_server.port, "/articles/breast-cancer/")[0] == 200
    assert servers.get(site_server.port, "/series/by-stage/")[0] == 200


# The rows CONTENT made, so fuzzed addresses also reach real pages on this server.
SERVER_VALUES = {"slug": ["breast-cancer", "by-stage", "乳腺癌", "ménières-disease", "επίπεδο-3"], "pk": ["1"]}


def raw_status(port, target):
    """The status gunicorn answers to a GET of ``target`` sent byte for byte (no client-side checks)."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        reply = b""
        while b"\r\n" not in reply and (chunk := connection.recv(4096)):
            reply += chunk
    return int(reply.split(b" ", 2)[1]), reply[:300]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(target=st.sampled_from(ROUTES).flatmap(lambda route: request_target(route, SERVER_VALUES)))
def test_fuzzed_addresses_through_gunicorn_never_answer_5xx(site_server, target):
    """The URL fuzz of tests/test_url_fuzz.py, sent raw to a real gunicorn: its parser, the WSGI fast path and Django."""
    path, query = target
    line = (f"{path}?{query}" if query else path).encode("latin-1")
    status, reply = raw_status(site_server.port, line)
    assert status < 500, (line[:200], reply)
