"""Purge to fresh, for `make bench` (bench/edge.py): an editor's change, then the edge, timed.

Runs with the app servers' settings (DJANGO_SETTINGS_MODULE, DATABASE_URL, EDGE_PURGE_URLS...).
Makes its own published article, edits it EDITS times through the model (the admin's write path:
the change commits, a purge task is queued, the worker sends it to Varnish) and measures how long
until the edge serves the new version; then unpublishes it through the workflow and measures how
long until the edge answers 404. With a third argument (an app server's address), each new version
is also asked of that app server directly once the edge has it. Prints JSON. The article is deleted at the end.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, MedicalReview, Reviewer  # noqa: E402
from articles.workflow import rules as workflow  # noqa: E402

EDGE = sys.argv[1]
EDITS = int(sys.argv[2]) if len(sys.argv) > 2 else 100
OTHER_APP = sys.argv[3] if len(sys.argv) > 3 else None  # an app server asked directly, right after the edge
TIMEOUT = 10.0


def fetch(path, base=EDGE):
    try:
        with urllib.request.urlopen(base + path, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def until(check):
    """Seconds until ``check()`` holds, polling the edge every 5 ms (None: not within TIMEOUT)."""
    started = time.perf_counter()
    while time.perf_counter() - started < TIMEOUT:
        if check():
            return time.perf_counter() - started
        time.sleep(0.005)
    return None


def main():
    slug = f"bench-edge-{os.getpid()}"
    editor, _ = get_user_model().objects.get_or_create(username="bench-edge-editor", defaults={"is_staff": True, "is_superuser": True})
    reviewer = Reviewer.objects.order_by("pk").first()
    article = Article.objects.create(title="Edge bench", slug=slug, summary="For the bench.", body="<p>Version 0</p>",
                                     status=Article.Status.PUBLISHED, publish_at=timezone.now())
    MedicalReview.objects.create(article=article, reviewer=reviewer, reviewed_on=timezone.localdate())
    path = article.get_absolute_url()
    try:
        until(lambda: fetch(path)[0] == 200)
        fetch(path)  # now cached at the edge
        times, lost, other_stale = [], 0, 0
        for n in range(1, EDITS + 1):
            fetch(path)  # cached copy of the version before
            fresh = Article.objects.get(pk=article.pk)
            fresh.body = f"<p>Version {n}</p>"
            started = time.perf_counter()
            fresh.save()  # commits (autocommit): the purge task is queued
            waited = until(lambda n=n: f"Version {n}<" in fetch(path)[1])
            if waited is None:
                lost += 1
            else:
                times.append(time.perf_counter() - started)
            if OTHER_APP and f"Version {n}<" not in fetch(path, OTHER_APP)[1]:
                other_stale += 1  # the other app server still served the version before
        fetch(path)
        started = time.perf_counter()
        workflow.unpublish(Article.objects.get(pk=article.pk), editor)
        gone = until(lambda: fetch(path)[0] == 404)
        unpublish_seconds = None if gone is None else time.perf_counter() - started
    finally:
        Article.objects.filter(pk=article.pk).delete()
    times.sort()
    print(json.dumps({
        "edits": EDITS, "not_fresh_within_10s": lost, "other_app_server_stale": other_stale if OTHER_APP else None,
        "p50_s": times[len(times) // 2] if times else None,
        "p99_s": times[min(len(times) - 1, int(len(times) * 0.99))] if times else None,
        "max_s": times[-1] if times else None,
        "unpublish_to_404_s": unpublish_seconds,
    }))


if __name__ == "__main__":
    main()
