"""manage.py check_references against a local HTTP server started by the test (loopback only)."""

import datetime
import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from references.models import Reference

# The command runs in a thread (so a hang fails the test), which needs committed data.
pytestmark = pytest.mark.django_db(transaction=True)


class Handler(BaseHTTPRequestHandler):
    """200, 301 to 200, 404, 410, and a page that refuses HEAD but serves GET."""

    routes = {"/ok": 200, "/missing": 404, "/gone": 410}

    def do_HEAD(self):
        if self.path == "/head-refused":
            self._answer(405)
        else:
            self._route()

    def do_GET(self):
        if self.path == "/head-refused":
            self._answer(200)
        else:
            self._route()

    def _route(self):
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._answer(self.routes.get(self.path, 404))

    def _answer(self, status):
        body = b"hello"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def silent_server():
    """A port that accepts connections (the kernel completes them) but never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(*args, out=None):
    """Run the command in a thread so that a hang fails the test instead of stalling the suite."""
    out = out or io.StringIO()
    errors = []

    def target():
        try:
            call_command("check_references", *args, stdout=out)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's connections, so the test database can be dropped

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "check_references did not return"
    if errors:
        raise errors[0]
    return out.getvalue()


def reference_at(url):
    reference = Reference.objects.create(title=url)
    # The admin would refuse some of these; the checker must cope with whatever is stored.
    Reference.objects.filter(pk=reference.pk).update(url=url)
    reference.url = url
    return reference


@pytest.fixture
def references(server, silent_server, closed_port):
    return {
        "ok": reference_at(f"{server}/ok"),
        "moved": reference_at(f"{server}/moved"),
        "missing": reference_at(f"{server}/missing"),
        "gone": reference_at(f"{server}/gone"),
        "head_refused": reference_at(f"{server}/head-refused"),
        "silent": reference_at(f"{silent_server}/never"),
        "refused": reference_at(f"{closed_port}/x"),
        "malformed": reference_at("http://127.0.0.1:99999999/bad port"),
        "bad_ipv6": reference_at("http://[::1/unclosed"),
        "not_http": reference_at("ftp://127.0.0.1/file"),
    }


def test_every_kind_of_answer_is_recorded(references, server):
    """Status, final URL, error and check time are stored for each case, and the run ends."""
    output = run("--timeout", "1", "--concurrency", "4")
    got = {name: Reference.objects.get(pk=ref.pk) for name, ref in references.items()}

    assert (got["ok"].http_status, got["ok"].final_url, got["ok"].check_error) == (200, "", "")
    assert (got["moved"].http_status, got["moved"].final_url) == (200, f"{server}/ok")
    assert got["missing"].http_status == 404
    assert got["gone"].http_status == 410
    assert got["head_refused"].http_status == 200
    assert got["silent"].http_status is None and got["silent"].check_error.startswith("timeout")
    assert got["refused"].http_status is None and got["refused"].check_error.startswith("connection failed")
    for name in ("malformed", "bad_ipv6", "not_http"):
        assert got[name].http_status is None and got[name].check_error.startswith("malformed URL"), name
    assert all(r.checked_at is not None for r in got.values())

    assert set(Reference.objects.broken()) == {
        got[k] for k in ("missing", "gone", "silent", "refused", "malformed", "bad_ipv6", "not_http")
    }
    assert list(Reference.objects.redirected()) == [got["moved"]]
    assert "Checked 10 references" in output and "2 OK, 1 redirected, 7 broken" in output
    assert f"redirected #{got['moved'].pk} {server}/moved -> {server}/ok" in output


def test_only_stale_skips_recently_checked_references(server):
    """--only-stale DAYS leaves references checked within DAYS days alone."""
    fresh = reference_at(f"{server}/missing")
    recent = timezone.now() - datetime.timedelta(days=2)
    Reference.objects.filter(pk=fresh.pk).update(checked_at=recent, http_status=200)
    old = reference_at(f"{server}/gone")
    Reference.objects.filter(pk=old.pk).update(checked_at=timezone.now() - datetime.timedelta(days=40))
    never = reference_at(f"{server}/ok")

    run("--only-stale", "30", "--timeout", "2")

    fresh.refresh_from_db(), old.refresh_from_db(), never.refresh_from_db()
    assert (fresh.http_status, fresh.checked_at) == (200, recent)
    assert old.http_status == 410
    assert never.http_status == 200


def test_total_time_limit_leaves_unreached_references_unchecked(silent_server):
    """With --max-time shorter than the work, the run stops and says how many it did not reach."""
    waiting = [reference_at(f"{silent_server}/{n}") for n in range(3)]
    output = run("--concurrency", "1", "--timeout", "30", "--max-time", "1")
    assert "3 not checked" in output
    assert all(Reference.objects.get(pk=r.pk).checked_at is None for r in waiting)


def test_references_without_url_are_not_checked(make):
    make.reference(url="")
    assert run() == "No reference URLs to check.\n"


@pytest.mark.parametrize("option", [["--concurrency", "0"], ["--timeout", "-1"], ["--only-stale", "many"]])
def test_bad_options_are_refused_with_a_message(option):
    with pytest.raises(CommandError):
        call_command("check_references", *option)


def test_progress_bar_only_on_a_terminal(server, capsys):
    """Cron mail stays clean: the bar is drawn (on stderr) only when stdout is a terminal."""
    reference_at(f"{server}/ok")
    run()
    assert capsys.readouterr().err == ""
    Reference.objects.update(checked_at=None)
    run(out=Terminal())
    assert "/1 [" in capsys.readouterr().err


def test_admin_action_checks_the_selected_references_now(admin_client, server):
    """Editors can re-check a fixed link from the reference list without waiting for the nightly run."""
    from django.urls import reverse

    gone, fine, other = reference_at(f"{server}/gone"), reference_at(f"{server}/ok"), reference_at(f"{server}/missing")
    response = admin_client.post(
        reverse("admin:references_reference_changelist"),
        {"action": "check_links_now", "_selected_action": [gone.pk, fine.pk]},
        follow=True,
    )
    assert "Checked 2 references" in response.text and "1 OK, 0 redirected, 1 broken (410: 1)" in response.text
    assert Reference.objects.get(pk=gone.pk).http_status == 410
    assert Reference.objects.get(pk=other.pk).checked_at is None
