"""`make soak`: 60 seconds at 64 connections on the article page and search, through gunicorn.

Sets up a throwaway SQLite database with the demo content (or uses SOAK_DATABASE_URL), collects
static files into a temporary directory, starts the production server (gunicorn with
cms/gunicorn.conf.py when present) with production settings, and drives it with wrk (or a
bounded asyncio client when wrk is missing). Passes only with zero socket errors and zero
non-2xx/3xx answers; prints each worker's memory (RSS) before and after.

    SOAK_SECONDS=60 SOAK_CONNECTIONS=64 SOAK_PORT=8109 make soak
"""

import asyncio
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "64"))
PORT = int(os.environ.get("SOAK_PORT", "8109"))
BASE = f"http://127.0.0.1:{PORT}"
# A worker whose memory grows by more than this over the run is reported as not flat.
RSS_GROWTH_LIMIT_MB = float(os.environ.get("SOAK_RSS_GROWTH_MB", "30"))


def production_env(workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=os.environ.get("SOAK_DATABASE_URL") or f"sqlite:///{workdir}/soak.sqlite3",
        SECURE_SSL_REDIRECT="0",  # no TLS terminator in front of this local run
        GUNICORN_MAX_REQUESTS="0",  # keep the same workers for the whole run, so their memory can be compared
        PYTHONPATH=str(ROOT),
    )
    env.setdefault("WEB_CONCURRENCY", str(min(2 * (os.cpu_count() or 1) + 1, 8)))
    if os.environ.get("SOAK_REDIS_URL"):
        env["REDIS_URL"] = os.environ["SOAK_REDIS_URL"]
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def worker_pids(master):
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def fetch(path):
    with urllib.request.urlopen(BASE + path, timeout=10) as response:
        return response.status, response.read().decode()


def wait_for_server(process):
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("soak: gunicorn exited during start-up")
        try:
            if fetch("/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("soak: gunicorn did not answer /healthz")


def pick_paths():
    """The first article linked from the home page, and the search page if this build has one."""
    _, home = fetch("/")
    match = re.search(r'href="(/articles/[^"/]+/)"', home)
    if not match:
        raise SystemExit("soak: no article linked from the home page")
    paths = [match.group(1)]
    try:
        status, _ = fetch("/search/?q=fatigue")
    except urllib.error.HTTPError as error:
        status = error.code
    if status == 200:
        paths.append("/search/?q=fatigue")
    else:
        print(f"soak: /search/ answers {status} on this build; loading the article page and the home page instead")
        paths.append("/")
    return paths


def run_wrk(paths):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    lua_paths = ", ".join(f'"{p}"' for p in paths)
    script.write(f"local paths = {{{lua_paths}}}\nlocal i = 0\n"
                 "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
    script.close()
    threads = min(CONNECTIONS, max(2, os.cpu_count() or 2))
    result = subprocess.run(["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "--latency",
                             "-s", script.name, BASE], capture_output=True, text=True)
    os.unlink(script.name)
    out = result.stdout
    print(out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out.split("Socket errors:")[1])) if "Socket errors:" in out else 0
    bad = int(re.search(r"Non-2xx or 3xx responses: (\d+)", out).group(1)) if "Non-2xx" in out else 0
    return {"requests": requests, "socket_errors": errors, "non_2xx_3xx": bad,
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}


async def _async_load(paths):
    import httpx

    counts = {"requests": 0, "socket_errors": 0, "non_2xx_3xx": 0}
    end = time.monotonic() + SECONDS

    async def one_connection(n):
        async with httpx.AsyncClient(base_url=BASE, timeout=30) as client:
            i = n
            while time.monotonic() < end:
                i += 1
                try:
                    response = await client.get(paths[i % len(paths)])
                    counts["requests"] += 1
                    counts["non_2xx_3xx"] += not (200 <= response.status_code < 400)
                except httpx.HTTPError:
                    counts["socket_errors"] += 1

    await asyncio.gather(*(one_connection(n) for n in range(CONNECTIONS)))
    counts["rps"] = counts["requests"] / SECONDS
    return counts


def main():
    workdir = Path(tempfile.mkdtemp(prefix="vetted-soak-"))
    env = production_env(workdir)
    print(f"soak: preparing {env['DATABASE_URL']} with the demo content")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    args = [sys.executable, "-m", "gunicorn"]
    config = ROOT / "cms" / "gunicorn.conf.py"
    if config.exists():
        args += ["-c", str(config)]
    # No control socket: several servers may run on this machine at once.
    args += ["--bind", f"127.0.0.1:{PORT}", "--no-control-socket", "cms.wsgi:application"]
    server = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for_server(server)
        paths = pick_paths()
        for path in paths:  # warm every worker's imports and templates
            for _ in range(20):
                fetch(path)
        before = {pid: rss_mb(pid) for pid in worker_pids(server.pid)}
        print(f"soak: {SECONDS} s at {CONNECTIONS} connections on {', '.join(paths)} ({len(before)} workers)")
        result = run_wrk(paths) if shutil.which("wrk") else asyncio.run(_async_load(paths))
        after = {pid: rss_mb(pid) for pid in worker_pids(server.pid)}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"soak: {result['requests']} requests, {result['rps']:.0f} req/s, "
          f"{result['socket_errors']} socket errors, {result['non_2xx_3xx']} non-2xx/3xx answers")
    growth = []
    for pid, start in before.items():
        end = after.get(pid)
        line = f"  worker {pid}: RSS {start:.1f} MB -> " + (f"{end:.1f} MB ({end - start:+.1f} MB)" if end else "gone (restarted)")
        print(line)
        growth.append(end - start if end else None)
    failed = []
    if result["socket_errors"] or result["non_2xx_3xx"]:
        failed.append("errors or non-2xx/3xx answers")
    if any(g is None for g in growth):
        failed.append("a worker was replaced during the run")
    if any(g is not None and g > RSS_GROWTH_LIMIT_MB for g in growth):
        failed.append(f"a worker grew by more than {RSS_GROWTH_LIMIT_MB:.0f} MB")
    if failed:
        raise SystemExit("soak: FAILED: " + "; ".join(failed))
    print("soak: passed")


if __name__ == "__main__":
    main()
