"""What keeps pages fast on large catalogues: pagination, the admin changelist, generated content, server config."""

import datetime
import runpy
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.articles import ArticleAdmin
from articles.models import Article, MedicalReview, RelatedLink
from articles.reads.pagination import DeferredJoinPaginator, EstimatedCountPaginator
from articles.reviews import queries as review_queries
from references.models import Citation

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_deferred_join_pages_match_plain_slicing(make):
    """Every page holds the same rows, in the same order, as slicing the full list would."""
    for n in range(23):
        make.article(title=f"A{n}")
    listing = Article.objects.published().for_listing()
    expected = list(listing.values_list("pk", flat=True))
    paginator = DeferredJoinPaginator(listing, 5)
    pages = [[a.pk for a in paginator.page(number)] for number in paginator.page_range]
    assert paginator.num_pages == 5
    assert [pk for page in pages for pk in page] == expected


def test_deferred_join_page_still_prefetches(make, django_assert_num_queries):
    """The page's rows keep the listing's prefetches: no query per row when they are shown."""
    for _ in range(6):
        make.article(reviewed_by=make.reviewer())
    paginator = DeferredJoinPaginator(Article.objects.published().for_listing(), 3)
    paginator.count  # noqa: B018 (counted outside the block)
    with django_assert_num_queries(2):  # the rows, then their reviews
        page = paginator.page(2)
        assert [a.latest_review.reviewer.name for a in page]


def test_a_remembered_count_is_not_recounted(make, django_assert_num_queries):
    """With a count cache the paginator asks the cache, not the database."""
    make.article()
    remembered = {}

    def count_cache(count):
        if "n" not in remembered:
            remembered["n"] = count()
        return remembered["n"]

    DeferredJoinPaginator(Article.objects.all(), 5, count_cache=count_cache).count  # noqa: B018
    with django_assert_num_queries(0):
        assert DeferredJoinPaginator(Article.objects.all(), 5, count_cache=count_cache).count == 1


def test_list_counts_are_remembered_per_generation(client, settings, make, django_capture_on_commit_callbacks):
    """A cached home page's count is reused until content changes, then counted afresh."""
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    for n in range(21):
        make.article(title=f"Listed {n}")
    assert "Page 1 of 2" in client.get("/").text
    with CaptureQueriesContext(connection) as second_page:
        assert "Page 2 of 2" in client.get("/", {"page": 2}).text
    assert not any("COUNT(" in q["sql"].upper() for q in second_page.captured_queries)
    connection.run_on_commit = []  # the test's own transaction never commits
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            make.article(title=f"More {n}")
    assert "Page 2 of 3" in client.get("/", {"page": 2}).text
    cache.clear()


def test_a_deep_page_number_beyond_the_end_shows_the_last_page(client, make):
    """Deep and out-of-range page numbers still answer 200 with the last page."""
    for n in range(25):
        make.article(title=f"Deep {n}")
    response = client.get("/", {"page": "999999"})
    assert response.status_code == 200 and "Page 2 of 2" in response.text


def test_changelist_filtered_on_tags_and_reviewers_lists_each_article_once(admin_client, make):
    """Filtering on a many-valued relation gives each article once, without SELECT DISTINCT, and
    without de-duplicating at all: the chosen tag or reviewer is matched with EXISTS."""
    reviewer = make.reviewer(name="Dr. Twice")
    article = make.article(title="Reviewed twice", tags=["heart", "lungs"])
    make.review(article, reviewer_=reviewer)
    make.review(article, reviewer_=reviewer)
    make.article(title="Not reviewed by her", tags=["heart"], reviewed_by=make.reviewer(name="Dr. Other"))
    url = reverse("admin:articles_article_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, {"reviews__reviewer__id__exact": reviewer.pk})
    assert response.status_code == 200
    assert response.text.count(">Reviewed twice<") == 1
    assert "Not reviewed by her" not in response.text
    assert not any('SELECT DISTINCT "articles_article"."id"' in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as tag_queries:
        tagged = admin_client.get(url, {"tags__id__exact": article.tags.get(name="heart").pk})
    assert tagged.text.count(">Reviewed twice<") == 1 and ">Not reviewed by her<" in tagged.text
    for captured in (queries, tag_queries):
        listing = [q["sql"] for q in captured.captured_queries if 'FROM "articles_article"' in q["sql"] and "LIMIT" in q["sql"]]
        assert listing and all("EXISTS" in sql and " IN (SELECT" not in sql for sql in listing)


def test_changelist_shows_the_latest_review_date_and_sorts_by_it(admin_client, make):
    """The last-reviewed column is the newest review, and sorting on it works."""
    import datetime

    old = make.article(title="Old review")
    make.review(old, reviewed_on=datetime.date(2020, 1, 1))
    new = make.article(title="New review")
    make.review(new, reviewed_on=datetime.date(2019, 1, 1))
    make.review(new, reviewed_on=datetime.date(2024, 6, 1))
    url = reverse("admin:articles_article_changelist")
    index = ArticleAdmin.list_display.index("last_reviewed") + 1
    response = admin_client.get(url, {"o": f"-{index}"})
    assert response.status_code == 200
    assert response.text.index("New review") < response.text.index("Old review")
    assert "1 Jun 2024" in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate comes from PostgreSQL's planner")
def test_admin_counts_large_results_by_the_planners_estimate(make, monkeypatch):
    """Past the threshold the admin paginator asks the planner, not COUNT(*)."""
    for _ in range(3):
        make.article()
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 1)
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Article.objects.all(), 100).count
    assert count >= 1
    assert all("COUNT(" not in q["sql"].upper() for q in queries.captured_queries)


def test_admin_counts_exactly_below_the_threshold(make):
    """Small results (and SQLite) are counted exactly."""
    for _ in range(3):
        make.article()
    assert EstimatedCountPaginator(Article.objects.all(), 100).count == 3


def test_generate_content_builds_a_realistic_catalogue_once(capsys):
    """Reviews, about ten citations each, series, tags and related links; a second run adds nothing."""
    call_command("generate_content", articles=60, batch=25)
    generated = Article.objects.filter(slug__startswith="gen-")
    assert generated.count() == 60
    citations = Citation.objects.filter(article__in=generated).count()
    assert 8 * 60 <= citations <= 12 * 60
    assert MedicalReview.objects.filter(article__in=generated).exists()
    assert RelatedLink.objects.filter(article__in=generated).exists()
    assert generated.filter(status=Article.Status.PUBLISHED).count() > 30
    assert all(a.tags.exists() for a in generated[:10])
    for article in generated.filter(status=Article.Status.PUBLISHED)[:3]:
        assert "<script" not in article.body and "<h2>" in article.body
    # The generated reviews cover the generated text: nothing is "changed since review".
    assert not generated.exclude(last_signed_off_at=None).filter(review_queries.CHANGED_SINCE_REVIEW).exists()
    assert generated.exclude(last_signed_off_at=None).exists()
    call_command("generate_content", articles=60)
    assert "nothing to do" in capsys.readouterr().out
    assert Article.objects.filter(slug__startswith="gen-").count() == 60


def test_generate_content_replace_rebuilds(client):
    """--replace removes the earlier generated content first; the pages work on the result."""
    call_command("generate_content", articles=20)
    call_command("generate_content", articles=10, replace=True)
    assert Article.objects.filter(slug__startswith="gen-").count() == 10
    assert client.get("/").status_code == 200
    article = Article.objects.published().filter(slug__startswith="gen-").first()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_gunicorn_config_reads_the_environment(monkeypatch):
    """Workers, timeout and recycling come from the environment, with sane defaults and a cap."""
    config = runpy.run_path(str(ROOT / "cms" / "gunicorn.conf.py"))
    assert 1 <= config["workers"] <= 8
    assert config["timeout"] == 30 and config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "12")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    config = runpy.run_path(str(ROOT / "cms" / "gunicorn.conf.py"))
    assert (config["workers"], config["timeout"], config["bind"]) == (3, 12, "0.0.0.0:9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        runpy.run_path(str(ROOT / "cms" / "gunicorn.conf.py"))


@pytest.mark.parametrize("url", ["/", "/?page=2", "/tags/common/", "/tags/common/?page=2", "/reviewers/dr-many/", "/series/long/"])
def test_list_pages_run_the_same_queries_for_few_or_many_rows(client, make, url):
    """Query counts of every list page stay fixed as the catalogue grows (page cache off)."""
    reviewer = make.reviewer(slug="dr-many")
    series = make.series(slug="long")

    def add(n, start):
        for i in range(start, start + n):
            article = make.article(title=f"Row {i}", tags=["common", f"t{i}"])
            make.review(article, reviewer_=reviewer)
            make.series_entry(series, article, i)

    add(22, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(45, 22)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_date_drilldown_is_left_out_of_huge_filtered_results_only(admin_client, make, monkeypatch):
    """Past the estimate threshold a filtered list drops the costly date drilldown; small ones keep it."""
    for _ in range(3):
        make.article(status=Article.Status.PUBLISHED)
    url = reverse("admin:articles_article_changelist")
    assert admin_client.get(url, {"status__exact": "published"}).context["cl"].date_hierarchy == "publish_at"
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 2)
    assert admin_client.get(url, {"status__exact": "published"}).context["cl"].date_hierarchy is None
    assert admin_client.get(url).context["cl"].date_hierarchy == "publish_at"  # unfiltered: kept


def test_date_drilldown_is_left_out_of_huge_search_results_too(admin_client, make, monkeypatch):
    for n in range(3):
        make.article(title=f"Fatigue {n}", status=Article.Status.PUBLISHED)
    url = reverse("admin:articles_article_changelist")
    assert admin_client.get(url, {"q": "fatigue"}).context["cl"].date_hierarchy == "publish_at"
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 2)
    assert admin_client.get(url, {"q": "fatigue"}).context["cl"].date_hierarchy is None


@pytest.mark.parametrize("params", [{"status__exact": "draft"}, {"q": "fatigue", "status__exact": "draft"}])
def test_a_filtered_changelist_page_reads_its_rows_by_key_alone(admin_client, make, monkeypatch, params):
    """The page's keys are found with the filters and the search; its rows are then read by key,
    not filtered again (PostgreSQL joined the whole table to a page of keys: 92 ms)."""
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 1)  # more than one page: the paginator runs
    make.article(title="Fatigue draft", status=Article.Status.DRAFT, publish_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC))
    make.article(title="Older fatigue draft", status=Article.Status.DRAFT, publish_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
    make.article(title="Fatigue published", status=Article.Status.PUBLISHED)
    url = reverse("admin:articles_article_changelist")
    with CaptureQueriesContext(connection) as queries:
        listed = admin_client.get(url, params).context["cl"].result_list
        rows = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "articles_article"."id", "articles_article"."title"')]
    assert [a.title for a in listed] == ["Fatigue draft"]
    assert len(rows) == 1
    outer, _, keys = rows[0].partition(" IN (SELECT ")
    assert '"status" =' in keys and '"status" =' not in outer
