"""The production server cuts off a request that takes too long, and its worker is replaced."""

import http.client
import importlib.util
import os
import time

import pytest

from tests import servers

PORT = int(os.environ.get("VETTED_TIMEOUT_TEST_PORT", "8119"))

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed")


def get(path, timeout):
    status, _headers, body = servers.get(PORT, path, timeout=timeout)
    return status, body


@pytest.fixture
def server(tmp_path):
    with servers.gunicorn(
        PORT, tmp_path / "gunicorn.log", env={"DJANGO_SETTINGS_MODULE": "tests.slow_settings"},
        args=["--timeout", "2", "--graceful-timeout", "1"],
    ) as process:
        yield process


def test_a_slow_request_is_cut_off_and_the_worker_recovers(server):
    assert get("/slow/?seconds=0", timeout=30) == (200, "slept 0.0")
    # A request that would take a minute is cut off by the 2-second worker timeout: the worker is
    # aborted and gunicorn answers its own plain error page (or just closes the connection).
    try:
        outcome = get("/slow/?seconds=60", timeout=45)
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine) as error:
        outcome = error
    if isinstance(outcome, tuple):
        status, body = outcome
        assert status >= 500 and "slept" not in body, outcome
        assert "Traceback" not in body
    # The master replaces the killed worker, and the site answers again.
    for _ in range(100):
        try:
            status, body = get("/robots.txt", timeout=10)
            break
        except OSError:
            time.sleep(0.2)
    assert status == 200 and "User-agent" in body
    assert get("/slow/?seconds=0", timeout=30)[0] == 200
    server.log.flush()
    server.log.seek(0)
    assert "WORKER TIMEOUT" in server.log.read()
