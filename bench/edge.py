"""The edge part of `make bench` (BENCH_PARTS=edge): Varnish in front of two app servers.

Measures, in one run on one machine (docs/edge-cache.md, "Measured"):
- the article page served by the edge, by an app server's own page cache, and the same bytes as a
  WhiteNoise static file (ratios from the same run);
- purge to fresh: an editor's change until the edge serves it, over 100 edits (p50, p99), and an
  unpublish until the edge answers 404 (bench/edge_edits.py);
- one app server killed mid-run: requests the edge answered with an error (target: none);
- paired with the Wagtail peer when it is built (BENCH_WAGTAIL_DIR: the PERF_DIR of
  ../shared/peers/wagtail/build_wagtail_peer.sh): its compare.sh over Wagtail, the edge and the app.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cms.pagecache.serve_edge import Varnish, missing_reason, wait_for_port  # noqa: E402

PYTHON = sys.executable
PEER = Path(os.environ.get("BENCH_WAGTAIL_PEER", "/work/shared/peers/wagtail"))


def _start(args, env):
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stop(process, sig=signal.SIGTERM):
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _static_copy(url):
    """The article's bytes as a static file that WhiteNoise serves (collected before the servers start)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
    target = ROOT / "staticfiles" / "bench-edge" / "article.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    return "/static/bench-edge/article.html"


def _kill_mid_run(load, url, victim, seconds):
    """Load the edge for ``seconds`` and SIGKILL one app server (its whole process group) half way."""
    timer = threading.Timer(seconds / 2, _stop, args=(victim, signal.SIGKILL))
    timer.start()
    try:
        return load(url)
    finally:
        timer.cancel()


def _peer(targets, seconds):
    """compare.sh of the Wagtail peer over its own targets and ours, or the reason it did not run."""
    perf_dir = os.environ.get("BENCH_WAGTAIL_DIR")
    if not perf_dir or not (Path(perf_dir) / "wagtailpeer").is_dir():
        return {"skipped": "BENCH_WAGTAIL_DIR does not name a built Wagtail peer (bash ../shared/peers/wagtail/build_wagtail_peer.sh)"}
    env = {**os.environ, "PERF_DIR": perf_dir, "ROUNDS": os.environ.get("BENCH_PEER_ROUNDS", "2"),
           "DURATION": str(seconds), "LOW_CONNECTIONS": "0", "WARMUP": "2", "PORT": os.environ.get("BENCH_PEER_PORT", "8801")}
    out = subprocess.run(["bash", str(PEER / "run_peer_bench.sh"), *[f"{k}={v}" for k, v in targets.items()]],
                         env=env, capture_output=True, text=True, timeout=1800)
    lines = out.stdout.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith("# compare.sh")), len(lines))
    summary = [line for line in lines[start:] if line.strip() and not line.startswith("results in")]
    return {"returncode": out.returncode, "output": out.stdout[-6000:], "summary": summary}


def measure(env, article_url, *, port, load, seconds):
    """Everything above; ``env``: the demo data set's environment; ``load(url)``: the bench's load client."""
    reason = missing_reason()
    if reason:
        return {"skipped": reason}
    app_ports = [port + 1, port + 2]
    edge = Varnish(app_ports, memory="128m")
    env = {
        **env, "PAGE_CACHE_SECONDS": "300", "EDGE_PURGE_URLS": edge.url, "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "0", "DJANGO_SETTINGS_MODULE": "cms.settings",
    }
    apps, worker, results = [], None, {}
    try:
        for app_port in app_ports:
            apps.append(_start([str(Path(PYTHON).parent / "gunicorn"), "-c", "cms/gunicorn.conf.py"],
                               {**env, "GUNICORN_BIND": f"127.0.0.1:{app_port}"}))
        for app_port, process in zip(app_ports, apps, strict=True):
            wait_for_port(app_port, timeout=60, process=process)
        worker = _start([PYTHON, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay"], env)
        edge.start()
        app = f"http://127.0.0.1:{app_ports[0]}"
        static_path = _static_copy(app + article_url)
        # WhiteNoise indexes static files at start-up: the first app server is restarted to see the copy.
        _stop(apps[0])
        apps[0] = _start([str(Path(PYTHON).parent / "gunicorn"), "-c", "cms/gunicorn.conf.py"],
                         {**env, "GUNICORN_BIND": f"127.0.0.1:{app_ports[0]}"})
        wait_for_port(app_ports[0], timeout=60, process=apps[0])
        time.sleep(2)  # the edge's health probe sees it again
        results["edge article"] = load(edge.url + article_url)
        results["app article (page cache)"] = load(app + article_url)
        results["whitenoise static file"] = load(app + static_path)
        results["edge / whitenoise"] = results["edge article"]["rps"] / results["whitenoise static file"]["rps"]
        results["edge / app"] = results["edge article"]["rps"] / results["app article (page cache)"]["rps"]
        results["peer"] = _peer({"vetted_edge": edge.url + article_url, "vetted_app": app + article_url}, seconds)
        other = f"http://127.0.0.1:{app_ports[1]}"
        edits = subprocess.run([PYTHON, "bench/edge_edits.py", edge.url, "100", other], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=900)
        results["purge to fresh"] = json.loads(edits.stdout.strip().splitlines()[-1]) if edits.returncode == 0 else {
            "error": edits.stderr[-2000:]}
        results["edge with one app server killed mid-run"] = _kill_mid_run(load, edge.url + article_url, apps[1], seconds)
    finally:
        edge.stop()
        for process in [*apps, *([worker] if worker else [])]:
            _stop(process)
    return results


def report(data):
    if "skipped" in data:
        return f"== Edge (Varnish) ==\nskipped: {data['skipped']}"
    lines = ["== Edge: Varnish in front of two app servers (gunicorn, 2 workers each), demo data =="]
    for name in ("edge article", "app article (page cache)", "whitenoise static file"):
        run = data[name]
        lines.append(f"{name:<34}{run['rps']:>9.0f} req/s  p50 {run['p50_ms']:.2f} ms  p99 {run['p99_ms']:.2f} ms  errors {run['errors']}")
    ok = data["edge / whitenoise"] >= 2
    lines.append(f"edge / whitenoise static file: {data['edge / whitenoise']:.2f} (target >= 2: {'ok' if ok else 'MISSED'}); "
                 f"edge / app page cache: {data['edge / app']:.2f}")
    fresh = data["purge to fresh"]
    if "error" in fresh:
        lines.append(f"purge to fresh: FAILED {fresh['error'][-300:]}")
    else:
        ok = fresh["p99_s"] is not None and fresh["p99_s"] < 1 and not fresh["not_fresh_within_10s"]
        gone = fresh["unpublish_to_404_s"]
        lines.append(f"purge to fresh over {fresh['edits']} edits: p50 {fresh['p50_s'] * 1000:.0f} ms, p99 {fresh['p99_s'] * 1000:.0f} ms, "
                     f"max {fresh['max_s'] * 1000:.0f} ms (target p99 < 1 s: {'ok' if ok else 'MISSED'})")
        lines.append(f"the other app server, asked directly once the edge had each new version: stale {fresh['other_app_server_stale']} "
                     f"time(s) of {fresh['edits']} (target 0: {'ok' if not fresh['other_app_server_stale'] else 'MISSED'})")
        lines.append(f"unpublish to 404 at the edge: {gone * 1000:.0f} ms (target < 1 s: {'ok' if gone is not None and gone < 1 else 'MISSED'})"
                     if gone is not None else "unpublish to 404 at the edge: not within 10 s (MISSED)")
    killed = data["edge with one app server killed mid-run"]
    lines.append(f"edge with one app server killed mid-run: {killed['rps']:.0f} req/s, errors {killed['errors']} "
                 f"(target 0: {'ok' if not killed['errors'] else 'MISSED'})")
    peer = data["peer"]
    if "skipped" in peer:
        lines.append(f"Wagtail peer: skipped ({peer['skipped']})")
    else:
        lines.append("Wagtail peer, same run (../shared/peers/wagtail compare.sh):")
        lines += ["  " + line for line in peer["summary"]]
    return "\n".join(lines)
