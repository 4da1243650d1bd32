"""Gunicorn settings for `make serve` (production). Every value can be changed from the environment.

    gunicorn -c cms/gunicorn.conf.py cms.wsgi

WEB_CONCURRENCY     worker processes (default: 2 x CPU cores + 1, at most 8)
GUNICORN_BIND       address to listen on (default 127.0.0.1:$PORT, PORT default 8000); put a
                    reverse proxy or load balancer in front for TLS and slow clients
GUNICORN_TIMEOUT    seconds a request may run before its worker is killed and replaced (default 30)
GUNICORN_MAX_REQUESTS  requests before a worker is replaced, to bound memory (default 2000,
                    with up to 10% jitter so workers do not restart together; 0 turns it off)
GUNICORN_ACCESS_LOG "-" for an access log on stdout (default: none; the proxy logs requests)
GUNICORN_CONTROL_SOCKET  path of gunicorn's control socket (default: none)
"""

import multiprocessing
import os


def _int(name, default):
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"Vetted cannot start: {name} must be a whole number (got {raw!r})") from None


wsgi_app = "cms.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "").strip() or f"127.0.0.1:{_int('PORT', 8000)}"
# Sync workers: requests are short and CPU-bound, the database is close. Two per core plus one
# keeps the CPUs busy while a worker waits on the database; more only adds memory.
workers = max(1, _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = min(timeout, 30)
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Load the application once in the master: a bad setting stops start-up with one clear line
# instead of a crash loop in the workers, and workers share the loaded code's memory.
preload_app = True
# Heartbeat files in memory, not on a disk that may be slow.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proxy_protocol = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's runtime control socket defaults to one path per user, which two servers on one
# machine (a blue/green deploy, the tests) would fight over: off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip() or None
control_socket_disable = control_socket is None
# Bounded request lines and headers: gunicorn's defaults, stated.
limit_request_line = 4094
limit_request_fields = 100
