"""Varnish in front of the app, on one machine: ``make serve-edge``, the edge tests and the bench.

``python -m cms.pagecache.serve_edge`` starts the production shape (docs/edge-cache.md): PostgreSQL
and Redis (started when they are down, as CI does), two gunicorn app servers, a task worker and
Varnish on the public port (``EDGE_PORT``, 8080) with ``cms/pagecache/vetted.vcl``. Ctrl-C stops
everything it started. :class:`Varnish` is the one way this repository starts varnishd.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VCL = Path(__file__).with_name("vetted.vcl")
ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = "apt-get install -y varnish varnish-modules   (Debian/Ubuntu: Varnish 7 and its xkey module)"


def varnishd():
    """The varnishd executable, or None (it lives in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("varnishd") or next((p for p in ("/usr/sbin/varnishd", "/usr/local/sbin/varnishd") if os.access(p, os.X_OK)), None)


def missing_reason():
    """Why Varnish cannot run here (None when it can): varnishd or the xkey module is missing."""
    if varnishd() is None:
        return f"varnishd is not installed ({INSTALL_HINT})"
    if not any(Path(d).glob("varnish*/vmods/libvmod_xkey.so") for d in ("/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/local/lib")):
        return f"the xkey module is not installed ({INSTALL_HINT})"
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=20.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def vcl_for(backends, *, probe_interval="1s"):
    """The repository's VCL with its backends replaced by ``backends`` (a list of ports on 127.0.0.1)."""
    text = VCL.read_text()
    block = [
        "probe healthz {",
        '    .url = "/healthz";',
        f"    .interval = {probe_interval};",
        "    .timeout = 2s;",
        "    .window = 3;",
        "    .threshold = 2;",
        "}",
    ]
    for n, port in enumerate(backends, start=1):
        block.append(
            f'backend app{n} {{ .host = "127.0.0.1"; .port = "{port}"; .probe = healthz; '
            ".connect_timeout = 1s; .first_byte_timeout = 35s; }"
        )
    block += ["", "sub vcl_init {", "    new app = directors.round_robin();"]
    block += [f"    app.add_backend(app{n});" for n in range(1, len(backends) + 1)]
    block += ["}"]
    replaced, count = re.subn(
        r"# BEGIN backends\n.*?# END backends", lambda m: "# BEGIN backends\n" + "\n".join(block) + "\n# END backends",
        text, flags=re.S,
    )
    if count != 1:
        raise ValueError(f"{VCL} has no single BEGIN/END backends block")
    return replaced


class Varnish:
    """A varnishd of our own: its own working directory (-n), a port, our VCL, running as this user."""

    def __init__(self, backends, port=None, memory="256m", workdir=None):
        self.backends = list(backends)
        self.port = port or free_port()
        self.memory = memory
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="vetted-varnish-"))
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        reason = missing_reason()
        if reason:
            raise RuntimeError(reason)
        self.workdir.mkdir(parents=True, exist_ok=True)
        vcl = self.workdir / "vetted.vcl"
        vcl.write_text(vcl_for(self.backends))
        self.process = subprocess.Popen(
            [
                varnishd(), "-F", "-j", "none", "-n", str(self.workdir / "n"), "-a", f"127.0.0.1:{self.port}",
                "-f", str(vcl), "-s", f"malloc,{self.memory}", "-T", "none",
                "-p", "default_grace=0", "-p", "thread_pool_min=20",
            ],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            wait_for_port(self.port, process=self.process)
        except Exception as error:
            output = self.stop()
            raise RuntimeError(f"varnishd did not start: {error}\n{output}") from None
        return self

    def stop(self):
        output = ""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                output, _ = self.process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                output, _ = self.process.communicate()
        shutil.rmtree(self.workdir, ignore_errors=True)
        return output or ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- make serve-edge -----------------------------------------------------------------------------


def _say(text):
    print(f"serve-edge: {text}", flush=True)


def _ensure_varnish():
    if missing_reason() is None:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        _say("installing Varnish: " + INSTALL_HINT)
        subprocess.run(["apt-get", "install", "-y", "-qq", "varnish", "varnish-modules"], check=False,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    reason = missing_reason()
    if reason:
        sys.exit(f"serve-edge: {reason}. Install it with:\n    sudo {INSTALL_HINT}")


def _ensure_services(env):
    """PostgreSQL and Redis on this machine, started if they are down (as .ci/run does)."""
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False).returncode != 0:
        clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        if not clusters:
            sys.exit("serve-edge: PostgreSQL is not running on 127.0.0.1:5432 and none is installed "
                     "(apt-get install postgresql, or set DATABASE_URL)")
        _say("starting PostgreSQL")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"], check=False)
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, check=False).returncode != 0:
        _say("starting Redis")
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
                        "--save", "", "--appendonly", "no"], check=False)
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'create database "{database}"'],
                   capture_output=True, check=False)  # already there: fine


def production_env(edge_port, app_ports):
    """The environment of the app servers and the worker: production settings, purges to our Varnish."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vetted_edge")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    if "SECRET_KEY" not in env:
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
        _say("SECRET_KEY not set: using a random one for this run (sessions end when it stops)")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("SECURE_SSL_REDIRECT", "0")  # plain http on this machine; TLS ends in front of Varnish in production
    env.setdefault("SECURE_COOKIES", "0")
    env.setdefault("EDGE_PURGE_URLS", f"http://127.0.0.1:{edge_port}")
    env.setdefault("TRUSTED_PROXY_COUNT", "1")  # Varnish appends the reader's address to X-Forwarded-For
    env.setdefault("WEB_CONCURRENCY", "2")
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings"
    env.pop("DEBUG", None)
    return env


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    # Ctrl-C or a plain kill stops everything started here (a background job may have SIGINT ignored).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    python = sys.executable
    edge_port = int(os.environ.get("EDGE_PORT", "8080"))
    app_ports = [int(p) for p in os.environ.get("EDGE_APP_PORTS", "8001,8002").split(",")]
    _ensure_varnish()
    env = production_env(edge_port, app_ports)
    _ensure_services(env)
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True)
    if os.environ.get("EDGE_DEMO", "1") == "1":
        subprocess.run([*manage, "load_demo"], env=env, check=True)
    processes = []
    varnish = None
    try:
        for port in app_ports:
            app_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            processes.append(subprocess.Popen([python, "-m", "gunicorn", "-c", str(ROOT / "cms/gunicorn.conf.py")],
                                              env=app_env, cwd=ROOT))
        processes.append(subprocess.Popen([*manage, "db_worker", "--interval", "0.2"], env=env, cwd=ROOT))
        for port, process in zip(app_ports, processes, strict=False):
            wait_for_port(port, timeout=60, process=process)
        varnish = Varnish(app_ports, port=edge_port, workdir=ROOT / ".edge").start()
        _say(f"Varnish on http://127.0.0.1:{edge_port}/ in front of app servers on {', '.join(map(str, app_ports))}, "
             "a task worker, PostgreSQL and Redis. Ctrl-C stops them.")
        while all(p.poll() is None for p in processes) and varnish.process.poll() is None:
            time.sleep(1)
        _say("a process stopped; stopping the rest")
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if varnish is not None:
            varnish.stop()


if __name__ == "__main__":
    main()
