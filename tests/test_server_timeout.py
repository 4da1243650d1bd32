"""The production server cuts off a request that takes too long, and its worker is replaced."""

import http.client
import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("VETTED_TIMEOUT_TEST_PORT", "8119"))
CONFIG = ROOT / "cms" / "gunicorn.conf.py"

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed")


def get(path, timeout):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def wait_until_listening(process, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {process.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening")


@pytest.fixture
def server(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.slow_settings", "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "gunicorn"]
    if CONFIG.exists():  # the production config (issue 8), with a short timeout for the test
        args += ["-c", str(CONFIG)]
    args += ["--bind", f"127.0.0.1:{PORT}", "--workers", "1", "--timeout", "2", "--graceful-timeout", "1",
             "--no-control-socket", "--error-logfile", "-", "cms.wsgi:application"]
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    process.log = log
    try:
        wait_until_listening(process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


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
