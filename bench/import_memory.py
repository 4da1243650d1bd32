"""Peak memory of import_wordpress against the size of the export: it must stay flat (issue 29).

Writes synthetic WordPress exports of 10 MB and 200 MB (https namespaces as WordPress 6.x
writes them, posts of about 100 KB of block-editor HTML, attachments and menu items between
them, and elements outside <channel> that a careless reader would keep), then measures in
a fresh process each:

- the reader alone (``read_wxr`` over the whole file), and
- the whole command (``manage.py import_wordpress`` into a new SQLite database; DEBUG off),

as the child's peak resident memory (``ru_maxrss``). Run by ``make bench`` (part "import")
or alone: ``.venv/bin/python bench/import_memory.py [MB ...]``. Takes about six minutes for
both sizes on a 2-core machine (the 200 MB import writes 2,206 posts); the files are written to
a temporary folder and removed.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES_MB = (10, 200)
NS = "https://wordpress.org/export/1.2/"
PARAGRAPH = (
    "<!-- wp:paragraph -->\n<p>Radiotherapy uses high-energy rays to destroy cancer cells {n}. Most people have it "
    "once a day, Monday to Friday, for one to six weeks; each session takes a few minutes [1].</p>\n"
    "<!-- /wp:paragraph -->\n\n"
)


def write_export(path, megabytes):
    """A WXR file of about ``megabytes`` MB; returns the number of posts in it."""
    target = megabytes * 1_000_000
    posts = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:excerpt="{NS}excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:wp="{NS}">\n<channel>\n<title>Bench</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n'
            "<wp:base_site_url>https://bench.example.org</wp:base_site_url>\n"
        )
        while out.tell() < target * 0.85:
            posts += 1
            body = "".join(PARAGRAPH.format(n=f"{posts}-{i}") for i in range(330))  # about 100 KB
            out.write(
                f"<item><title><![CDATA[Bench post {posts}]]></title><dc:creator><![CDATA[bench]]></dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{posts}</wp:post_id><wp:post_date_gmt><![CDATA[2023-01-01 10:00:00]]></wp:post_date_gmt>"
                f"<wp:post_name><![CDATA[bench-post-{posts}]]></wp:post_name><wp:status><![CDATA[draft]]></wp:status>"
                "<wp:post_type><![CDATA[post]]></wp:post_type>"
                f'<category domain="post_tag" nicename="t{posts % 50}"><![CDATA[Tag {posts % 50}]]></category>'
                "<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>"
                "</item>\n"
                f"<item><title><![CDATA[image-{posts}.jpg]]></title><wp:post_id>{10_000_000 + posts}</wp:post_id>"
                "<wp:status><![CDATA[inherit]]></wp:status><wp:post_type><![CDATA[attachment]]></wp:post_type></item>\n"
            )
        out.write("</channel>\n")
        # Outside <channel>: nothing WordPress writes, but a reader must not keep it either.
        filler = "<p>" + "outside the channel " * 500 + "</p>"
        while out.tell() < target:
            out.write(f"<extra><entry>{filler}</entry></extra>\n")
        out.write("</rss>\n")
    return posts


READER = """
import resource, sys, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
django.setup()
from articles.importing.wordpress import WPPost, read_wxr
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
count = sum(1 for item in read_wxr(sys.argv[1]) if isinstance(item, WPPost))
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, count)
"""


def _env(database_url):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings", "DEBUG": "0", "SECRET_KEY": secrets.token_hex(32),
            "ALLOWED_HOSTS": "localhost", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}


def measure_reader(path, env):
    """(MB before reading, peak MB, posts read) in a fresh process."""
    out = subprocess.run([PYTHON, "-c", READER, str(path)], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    base, peak, count = (int(x) for x in out.stdout.split())
    return base / 1024, peak / 1024, count


def measure_command(path, env):
    """(peak MB, seconds) of ``manage.py import_wordpress`` in a child process."""
    started = time.monotonic()
    # RUSAGE_CHILDREN keeps the largest child so far, so a fresh middle process runs the command
    # and reports its own child's peak.
    script = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PYTHON, "-c", script, PYTHON, "manage.py", "import_wordpress", "-v0", str(path)],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024, time.monotonic() - started


def measure(sizes=SIZES_MB):
    """{size: figures} for each export size, measured in fresh processes."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="vetted-import-bench-") as tmp:
        for megabytes in sizes:
            path = Path(tmp) / f"export-{megabytes}mb.xml"
            posts = write_export(path, megabytes)
            env = _env(f"sqlite:///{Path(tmp) / f'import-{megabytes}.sqlite3'}")
            subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            base, reader_peak, read = measure_reader(path, env)
            command_peak, seconds = measure_command(path, env)
            results[f"{megabytes} MB"] = {
                "file_mb": round(path.stat().st_size / 1_000_000, 1), "posts": posts, "posts_read": read,
                "process_at_start_mb": round(base, 1), "reader_peak_mb": round(reader_peak, 1),
                "command_peak_mb": round(command_peak, 1), "command_seconds": round(seconds, 1),
            }
            path.unlink()
    return results


def report(results):
    """The figures as a table, with the verdict: the 200 MB peak within 20% of the 10 MB peak."""
    lines = ["== import_wordpress memory against export size (peak RSS, fresh process each) ==",
             f"{'export':<10}{'posts':>7}{'at start':>10}{'reader':>9}{'command':>9}{'seconds':>9}"]
    for name, r in results.items():
        lines.append(f"{name:<10}{r['posts']:>7}{r['process_at_start_mb']:>9.0f}M{r['reader_peak_mb']:>8.0f}M"
                     f"{r['command_peak_mb']:>8.0f}M{r['command_seconds']:>9.0f}")
    peaks = [r["command_peak_mb"] for r in results.values()]
    if len(peaks) > 1:
        flat = max(peaks) <= min(peaks) * 1.2
        lines.append(f"largest peak within 20% of the smallest (memory flat with file size): {'ok' if flat else 'MISSED'}")
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = tuple(int(arg) for arg in sys.argv[1:]) or SIZES_MB
    figures = measure(sizes)
    print(report(figures))
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"import-memory-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(figures, indent=1))
