"""Real production servers for tests: gunicorn with ``cms/gunicorn.conf.py``, started and stopped by a test.

Used where the test client is not enough: the WSGI entry point (``cms/wsgi.py``, the page
cache's fast path), worker timeouts, a database that never answers.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "cms" / "gunicorn.conf.py"


def free_port():
    """A TCP port nobody listens on now (other test runs share this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path, timeout=10, headers=None):
    """``(status, headers, body text)`` of a GET to the server on ``port``; ``path`` is sent as is."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def wait_until_listening(process, port, deadline=60):
    """Return once ``port`` accepts connections; fail with gunicorn's log if it exits first."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            process.log.seek(0)
            raise AssertionError(f"gunicorn exited: {process.log.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening")


@contextlib.contextmanager
def gunicorn(port, log_path, env=None, args=()):
    """A gunicorn server on ``port`` with the production config, one worker; ``env`` added to this one's
    (a value of None removes the variable).

    Yields the process; its combined output is in ``process.log`` (an open file).
    """
    full_env = {"PYTHONPATH": str(ROOT), **os.environ, **(env or {})}
    full_env = {name: value for name, value in full_env.items() if value is not None}
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--no-control-socket", "--error-logfile", "-", *args, "cms.wsgi:application"]
    log = open(log_path, "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, text=True)
    process.log = log
    try:
        wait_until_listening(process, port)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def manage(*args, env=None, timeout=120):
    """Run ``manage.py`` with ``args`` (and ``env`` added), failing with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **(env or {})},
        capture_output=True, text=True, timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result
