"""Media (issue 24): the cost of a 24-megapixel upload, and of pictures on the article page.

- upload: a fresh process reads a 6000 x 4000 JPEG from a phone-like camera (EXIF with GPS) the way
  the library does (``processing.clean_upload``: type from content, limits, full decode, orientation,
  metadata stripped, re-encoded), stores the original and makes its renditions (``make_renditions``:
  AVIF, WebP and JPEG at four widths, the social crop, the thumbnail), all in the request: everything
  ``services.create_image`` does but save the row. Wall and CPU time and the child's peak resident
  memory (``ru_maxrss``); targets: under 3 s and 400 MB on the project's 2-core machines.
- page: in one process on a fresh SQLite test database, the same article page with no picture and
  with a lead image and 10 body figures: queries per request and pages per CPU-second through Django's
  test client (page cache off), measured alternately in the same run (CPU time, not wall time: these
  machines are shared, and another process's load would otherwise land on one side of the ratio). Target: the same query count
  but one (the images' single query; none on PostgreSQL, where the page's own statement reads them) and throughput
  within 10 %. On the database of ``DATABASE_URL`` (SQLite by default; ``test_<name>`` on PostgreSQL, replaced if
  a run left one).

Run by ``make bench`` (part "media") or alone: ``.venv/bin/python bench/media.py``.
"""

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _make_jpeg(path, orientation="6"):
    """In a child of its own (its memory is not the upload's): the 24-megapixel test photograph,
    held sideways (orientation 6: turned and re-encoded) or upright (1: its metadata cut out)."""
    from PIL import Image, ImageDraw, ImageFilter
    from PIL.ExifTags import GPS

    # A photograph-like picture: gradients, shapes and fine noise (JPEG of about 5 MB, as cameras write).
    img = Image.radial_gradient("L").resize((6000, 4000)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for n in range(60):
        draw.ellipse([n * 97 % 5800, n * 61 % 3800, n * 97 % 5800 + 300, n * 61 % 3800 + 200], fill=(n * 4 % 255, 120, 200 - n))
    noise = Image.effect_noise((6000, 4000), 30).convert("RGB")
    img = Image.blend(img, noise, 0.25).filter(ImageFilter.SMOOTH)
    exif = Image.Exif()
    exif[0x0112] = int(orientation)
    exif.get_ifd(0x8825)[GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    img.save(path, "JPEG", quality=92, exif=exif)


def _upload_child(path):
    """In the child: time what an upload does with the JPEG at ``path``. Prints JSON."""
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.media import processing

    data = Path(path).read_bytes()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with tempfile.TemporaryDirectory() as media:
        from django.conf import settings

        settings.MEDIA_ROOT = media
        from articles.media import services
        from articles.media.models import Image

        image = Image(title="Bench", alt_text="A test photograph")  # focal point in the middle
        started, cpu = time.perf_counter(), time.process_time()
        # What create_image does before it saves the row: read and clean the upload, store the
        # original, make and store every rendition.
        clean = services.read_upload(SimpleUploadedFile("IMG_0001.jpg", data, "image/jpeg"))
        services._store(image, clean)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        renditions = image.renditions
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"megapixels": 24, "file_mb": round(len(data) / 1e6, 1), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "load_average": round(os.getloadavg()[0], 1),
                      "peak_rss_mb": round(peak), "rss_before_mb": round(baseline),
                      "renditions": len(processing.rendition_names(renditions))}))


def _page_child(rounds=6, per_round=60):
    """In the child: the article page without and with pictures. Prints JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)  # one a run left behind goes
    from django.conf import settings

    media = tempfile.TemporaryDirectory(prefix="vetted-bench-media-")  # removed when the child ends
    settings.MEDIA_ROOT = media.name
    settings.PAGE_CACHE_SECONDS = 0
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from articles.media import services
    from articles.models import Article

    def picture(n):
        out = io.BytesIO()
        Image.new("RGB", (1600, 1000), (40 + n * 10, 120, 160)).save(out, "JPEG")
        return services.create_image(SimpleUploadedFile(f"p{n}.jpg", out.getvalue()), alt_text=f"Diagram number {n} of the lymph system")

    text = "".join(f"<h2>Section {n}</h2><p>{'Some words about the treatment. ' * 30}</p>" for n in range(11))
    figures = "".join(f"<h2>Part {n}</h2><p>{'Some words about the treatment. ' * 30}</p><figure data-image=\"{picture(n).pk}\"></figure>"
                      for n in range(10)) + "<h2>Section 10</h2><p>" + "Some words about the treatment. " * 30 + "</p>"
    now = timezone.now()
    plain = Article.objects.create(slug="plain", title="Plain", summary="S.", body=text, status="published", publish_at=now)
    rich = Article.objects.create(slug="rich", title="Rich", summary="S.", body=figures, status="published", publish_at=now,
                                  lead_image=picture(99))
    client = Client()
    pages = {"no images": plain.get_absolute_url(), "lead + 10 body images": rich.get_absolute_url()}
    queries, seconds = {}, {name: 0.0 for name in pages}
    for name, url in pages.items():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        queries[name] = len(captured.captured_queries)
    for _ in range(rounds):  # alternate, so both see the same machine
        for name, url in pages.items():
            started = time.process_time()  # CPU time: the machine is shared, wall time is other people's too
            for _ in range(per_round):
                client.get(url)
            seconds[name] += time.process_time() - started
    rps = {name: round(rounds * per_round / value, 1) for name, value in seconds.items()}
    media.cleanup()
    print(json.dumps({"database": connection.vendor, "load_average": round(os.getloadavg()[0], 1), "queries": queries, "pages_per_second": rps,
                      "ratio": round(rps["lead + 10 body images"] / rps["no images"], 3)}))


def _child(kind, *args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.test_settings", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([PYTHON, __file__, "--child", kind, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True, timeout=900)
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def measure():
    uploads = {}
    with tempfile.TemporaryDirectory() as folder:
        for held, orientation in (("sideways", "6"), ("upright", "1")):
            photo = str(Path(folder) / f"camera-{held}.jpg")
            _child("jpeg", photo, orientation)
            uploads[held] = _child("upload", photo)
    return {"upload": uploads["sideways"], "upload_upright": uploads["upright"], "page": _child("page")}


def report(data):
    page = data["page"]
    uploads = [("held sideways, turned", data["upload"]), ("upright, metadata cut out", data["upload_upright"])]
    # On PostgreSQL the article's own statement reads its pictures: no query more there.
    extra = 0 if page.get("database") == "postgresql" else 1
    same_queries = page["queries"]["lead + 10 body images"] <= page["queries"]["no images"] + extra
    ok_page = same_queries and page["ratio"] >= 0.9
    return "\n".join([
        "== Media (issue 24) ==",
        *(f"24 MP JPEG upload, {held} ({up['file_mb']} MB): {up['seconds']:.2f} s ({up['cpu_seconds']:.2f} s of CPU; "
          f"load average {up['load_average']}), peak {up['peak_rss_mb']} MB ({up['renditions']} renditions made; "
          f"target < 3 s and < 400 MB): {'OK' if up['seconds'] < 3 and up['peak_rss_mb'] < 400 else 'MISSED'}"
          for held, up in uploads),
        f"article page, queries: {page['queries']['no images']} without images, "
        f"{page['queries']['lead + 10 body images']} with a lead image and 10 figures on {page.get('database')} "
        f"(target: {'the same' if extra == 0 else 'one more at most'})",
        f"article page, pages per CPU-second in process: {page['pages_per_second']['no images']} without, "
        f"{page['pages_per_second']['lead + 10 body images']} with (ratio {page['ratio']:.2f}; target >= 0.90): "
        f"{'OK' if ok_page else 'MISSED'}",
    ])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        {"jpeg": _make_jpeg, "upload": _upload_child, "page": _page_child}[sys.argv[2]](*sys.argv[3:])
    else:
        result = measure()
        print(json.dumps(result, indent=1))
        print(report(result))
