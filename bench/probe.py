"""Measure pages inside one Django process: queries, server time, CPU time and query plans.

Run by bench/run.py with the environment naming the database; prints one JSON object.
Not a test and not imported by the site.

    python bench/probe.py --pages demo|large [--runs 7]
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article, Reviewer, Series  # noqa: E402

try:  # the syndication API (issue 25), when merged
    from articles.api.feed import changed_at  # noqa: E402
    from articles.api.models import ApiKey, Partner  # noqa: E402
except ImportError:  # pragma: no cover
    changed_at = None

LARGE_TABLE_ROWS = 10_000
API = "api"  # measured with a partner's key


def first_url(*candidates, query=""):
    """The first URL name that exists on this branch, or None (the feature is not merged yet)."""
    for name, args in candidates:
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            continue
    return None


def pages(kind):
    """(label, url, target ms, needs staff) for each page measured."""
    published = Article.objects.published()
    in_series = published.filter(series_entry__isnull=False).order_by("-publish_at").first()
    article = (
        published.annotate(n=Count("citations")).filter(series_entry__isnull=False).order_by("-n", "-publish_at").first()
        or in_series
        or published.first()
    )
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n").first()
    tag_count = published.filter(tags=tag).count() if tag else 0
    series = Series.objects.filter(entries__article__in=published).order_by("-pk").first()
    reviewer = Reviewer.objects.annotate(n=Count("reviews")).order_by("-n").first()
    deep_tag_page = max(1, min(tag_count // 20, 200 if kind == "large" else 1))
    rows = [
        ("home", "/", 100, False),
        ("article", article and article.get_absolute_url(), 100, False),
        ("series", series and series.get_absolute_url(), 100, False),
        ("series index", first_url(("articles:series_index", [])), 100, False),
        ("tag", tag and reverse("articles:tag", args=[tag.slug]), 100, False),
        (f"tag page {deep_tag_page}", tag and reverse("articles:tag", args=[tag.slug]) + f"?page={deep_tag_page}", 100, False),
        ("reviewer", reviewer and reviewer.get_absolute_url(), 100, False),
        ("search", first_url(("articles:search", []), ("search", []), query="?q=treatment+options"), 200, False),
        # Issue 27: a misspelt word ("Showing results for ..."), and suggestions as a reader types.
        ("search, misspelt", first_url(("articles:search", []), query="?q=" + ("diabetis" if kind == "large" else "chemoterapy")), 200, False),
        ("suggestions", first_url(("articles:suggest", []), query="?q=" + ("diab" if kind == "large" else "lymph")), 50, False),
        ("feed", first_url(("articles:feed", []), ("feed", []), ("articles:latest_feed", [])), 100, False),
        ("sitemap", first_url(("sitemap", []), ("django.contrib.sitemaps.views.index", []), ("articles:sitemap", [])), 100, False),
        ("sitemap, articles part", first_url(("sitemap-section", ["articles"])), 100, False),
    ]
    # The syndication API (docs/api.md), read with a partner's key: the change feed from a day
    # before the latest change, a plain list, and the article measured above.
    latest = changed_at and published.annotate(changed=changed_at()).order_by("-changed").values_list("changed", flat=True).first()
    if latest is not None and first_url(("syndication:article_list", [])):
        since = (latest - datetime.timedelta(days=1)).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows += [
            ("api articles, modified_since", f"/api/v1/articles?order=modified&modified_since={since}", 100, API),
            ("api articles", "/api/v1/articles", 100, API),
            ("api article", article and reverse("syndication:article", args=[article.slug]), 100, API),
        ]
    if kind == "large":
        rows.insert(1, ("home page 1000", "/?page=1000", 100, False))
        # A word in about 3% of the generated articles (the demo content has none of it).
        rows.append(("search, rarer word", first_url(("articles:search", []), query="?q=asthma"), 200, False))
        rows.append(("sitemap, articles part 2", first_url(("sitemap-section", ["articles"]), query="?p=2"), 100, False))
        filter_tag = f"&tags__id__exact={tag.pk}" if tag else ""
        rows += [
            ("admin changelist, filtered", reverse("admin:articles_article_changelist") + "?status__exact=published" + filter_tag, 300, True),
            # An editor's search: a word in a few percent of the articles, and one found nowhere.
            ("admin changelist, searched", reverse("admin:articles_article_changelist") + "?q=asthma", 300, True),
            ("admin search, no match", reverse("admin:articles_article_changelist") + "?q=zebra", 300, True),
            ("admin articles with no tags", reverse("admin:articles_article_changelist") + "?tags__isnull=True", 300, True),
            # The stored counts and their partial index (docs/accessibility.md), never a check of the bodies.
            ("admin articles with accessibility warnings", reverse("admin:articles_article_changelist") + "?accessibility=warnings", 300, True),
            ("admin reviews, searched", reverse("admin:articles_medicalreview_changelist") + "?q=asthma", 300, True),
            # A search that only excludes matches nearly everything: "everything but asthma".
            ("admin changelist, excluding", reverse("admin:articles_article_changelist") + "?q=-asthma", 300, True),
            ("admin reviews, excluding", reverse("admin:articles_medicalreview_changelist") + "?q=-asthma", 300, True),
            ("admin related links, searched", reverse("admin:articles_relatedlink_changelist") + "?q=asthma", 300, True),
            ("admin related links, excluding", reverse("admin:articles_relatedlink_changelist") + "?q=-asthma", 300, True),
            ("admin references", reverse("admin:references_reference_changelist"), 300, True),
            ("review schedule", first_url(("staff:review_schedule", []), ("articles:review_schedule", []), ("review_schedule", []),
                                          ("admin:articles_review_schedule", []), ("admin:review_schedule", [])), 100, True),
            ("review schedule, all, page 900", first_url(("staff:review_schedule", []), query="?group=all&page=900"), 100, True),
        ]
    return rows


def explain(sql):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) " + sql)
            return [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [str(row[-1]) for row in cursor.fetchall()]


def large_tables():
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [LARGE_TABLE_ROWS])
        return {row[0] for row in cursor.fetchall()}


def seq_scans(plan, big):
    """Each large table the plan reads whole, with the share of its rows the scan kept (a scan
    that keeps most of a table is the plan a search matching most of it needs; one that keeps
    a few percent is the one to look at)."""
    found = []
    for n, line in enumerate(plan):
        text = line.strip().lstrip("-> ").strip()
        if text.startswith(("Seq Scan on ", "Parallel Seq Scan on ")):
            table = text.split(" on ", 1)[1].split()[0]
            if table in big:
                found.append(f"{table} ({_kept(text, plan[n + 1:])})")
    return found


def _kept(node, following):
    """"kept 3%" from a scan node's actual rows and its "Rows Removed by Filter" line, if any."""
    match = re.search(r"rows=(\d+) loops=\d+\)$", node)
    if not match:
        return "not run"
    kept, removed = int(match.group(1)), 0
    for line in following:
        if "->" in line or line.strip().startswith(("SubPlan", "InitPlan")):
            break
        if line.strip().startswith("Rows Removed by Filter:"):
            removed = int(line.split(":")[1])
    return f"kept {100 * kept / (kept + removed):.0f}%" if kept + removed else "kept 0 rows"


def measure(client, url, runs):
    client.get(url)  # warm up connections, templates and the query planner
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, statistics.median(wall), statistics.median(cpu), captured.captured_queries


def review_due(runs):
    """Time ``manage.py review_due --format json`` if the review cycle is merged."""
    import io

    from django.core.management import call_command, get_commands

    if "review_due" not in get_commands():
        return None
    timings = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            call_command("review_due", "--format", "json", stdout=io.StringIO())
        timings.append((time.perf_counter() - t0) * 1000)
    plans = [explain(q["sql"]) for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    return {"ms": statistics.median(timings[1:]), "queries": len(captured.captured_queries), "plans": plans}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", choices=["demo", "large"], default="demo")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()

    staff = get_user_model().objects.filter(username="bench-admin").first()
    if staff is None:
        staff = get_user_model().objects.create_superuser("bench-admin", "bench@example.org", None)
    anonymous, admin = Client(), Client()
    admin.force_login(staff)
    clients = {False: anonymous, True: admin}
    if changed_at is not None:
        partner, _ = Partner.objects.get_or_create(name="bench", defaults={"contact_email": "bench@example.org"})
        raw = ApiKey.issue(partner=partner, name="bench", rate_limit=100_000)[1]
        clients[API] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    big = large_tables()
    results = {"database": connection.vendor, "articles": Article.objects.count(), "pages": []}
    for label, url, target, needs_staff in pages(options.pages):
        if url is None:
            results["pages"].append({"page": label, "url": None, "note": "not on this branch yet"})
            continue
        response, ms, cpu, queries = measure(clients[needs_staff], url, options.runs)
        selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        plans = [{"sql": sql[:2000], "plan": explain(sql)} for sql in selects] if options.pages == "large" else []
        scans = sorted({t for p in plans for t in seq_scans(p["plan"], big)})
        results["pages"].append({
            "page": label, "url": url, "status": response.status_code, "queries": len(queries),
            "ms": round(ms, 2), "cpu_ms": round(cpu, 2), "target_ms": target, "seq_scans": scans, "plans": plans,
        })
    due = review_due(options.runs) if options.pages == "large" else None
    if due is not None:
        scans = sorted({t for plan in due["plans"] for t in seq_scans(plan, big)})
        results["pages"].append({
            "page": "manage.py review_due", "url": "review_due --format json", "status": 200, "queries": due["queries"],
            "ms": round(due["ms"], 2), "cpu_ms": None, "target_ms": 1000, "seq_scans": scans,
            "plans": [{"sql": "review_due", "plan": p} for p in due["plans"]],
        })
    elif options.pages == "large":
        results["pages"].append({"page": "manage.py review_due", "url": None, "note": "not on this branch yet"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
