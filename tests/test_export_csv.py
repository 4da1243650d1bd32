"""The articles CSV: admin action and staff download, spreadsheet-safe, in a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.reviews.exports import neutralise, next_review_due

pytestmark = pytest.mark.django_db

URL = "/staff/exports/articles.csv"


def read_csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


def test_staff_download_lists_every_article_with_review_dates_and_url(admin_client, make, settings):
    """Status, publish time, latest reviewer and date, next review due and the public URL."""
    settings.SITE_URL = "https://health.example.org"
    settings.REVIEW_INTERVAL_MONTHS = 12
    reviewer = make.reviewer(name="Dr. Lucia Moreno", credentials="MD")
    article = make.article(title="Café crème and you", slug="cafe")
    make.review(article, reviewer_=reviewer, reviewed_on=datetime.date(2024, 1, 31))
    make.review(article, reviewed_on=datetime.date(2023, 1, 1))
    make.article(title="Draft piece", slug="draft", status="draft")
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="articles-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Title", "Slug", "Status", f"Publish time ({settings.TIME_ZONE})", "Latest reviewer", "Last reviewed",
                       "Next review due", "Series", "URL"]
    by_slug = {row[1]: row for row in rows[1:]}
    cafe = by_slug["cafe"]
    assert cafe[0] == "Café crème and you" and cafe[2] == "Published"
    assert cafe[3] == timezone.localtime(article.publish_at).strftime("%Y-%m-%d %H:%M")
    assert cafe[4:7] == ["Dr. Lucia Moreno, MD", "2024-01-31", "2025-01-31"]
    assert cafe[8] == "https://health.example.org/articles/cafe/"
    assert by_slug["draft"][2:7] == ["Draft", "", "", "never reviewed", "due now (never reviewed)"]


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1"])
def test_formula_looking_cells_are_neutralised(admin_client, make, payload):
    """A title a spreadsheet would run as a formula is written as text."""
    make.article(title=payload, slug="evil")
    rows = read_csv(admin_client.get(URL))
    assert rows[1][0] == "'" + payload


def test_ordinary_text_is_left_alone():
    assert neutralise("Stage 2: treatment") == "Stage 2: treatment"
    assert neutralise(None) == ""


def test_next_review_due_follows_article_then_series_then_site_interval(make, settings):
    """The article's own interval wins, then the series', then REVIEW_INTERVAL_MONTHS; month ends clamp."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    series = make.series(review_interval_months=6)
    in_series = make.article()
    make.series_entry(series, in_series, 1)
    own = make.article(review_interval_months=3)
    plain = make.article()
    day = datetime.date(2024, 8, 31)
    for article in (in_series, own, plain):
        make.review(article, reviewed_on=day)
    due = {a.pk: next_review_due(a, a.latest_review) for a in Article.objects.for_listing()}
    assert due[own.pk] == datetime.date(2024, 11, 30)
    assert due[in_series.pk] == datetime.date(2025, 2, 28)
    assert due[plain.pk] == datetime.date(2025, 8, 31)


def test_download_takes_the_same_number_of_queries_for_many_articles(admin_client, make, django_assert_num_queries):
    """Two queries for the articles (rows, reviews) plus the session and user, however many rows."""
    series = make.series()
    for n in range(8):
        article = make.article(reviewed_by=make.reviewer())
        make.series_entry(series, article, n + 1)
    with django_assert_num_queries(4):
        response = admin_client.get(URL)
    assert len(read_csv(response)) == 9


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_non_staff_user_cannot_download(client, make):
    client.force_login(make.user(is_staff=False))
    assert client.get(URL).status_code == 302


def test_staff_without_view_permission_is_refused(client, make):
    client.force_login(make.user(is_staff=True))
    assert client.get(URL).status_code == 403


def test_staff_with_view_permission_can_download(client, make):
    user = make.user(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    make.article(title="Visible")
    response = client.get(URL)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_admin_action_exports_only_the_selected_articles(admin_client, make):
    """The changelist action returns a CSV of the ticked rows."""
    chosen = make.article(title="Chosen", reviewed_by=make.reviewer())
    make.article(title="Not chosen")
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "export_articles_csv", "_selected_action": [chosen.pk]},
    )
    assert response.status_code == 200
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == ["Chosen"]


def test_admin_action_queries_do_not_grow_with_the_selection(admin_client, make):
    """Exporting ten articles takes as many queries as exporting one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    series = make.series()
    articles = []
    for n in range(10):
        article = make.article(reviewed_by=make.reviewer(), tags=["t"])
        make.series_entry(series, article, n + 1)
        articles.append(article)
    counts = []
    for selection in (articles[:1], articles):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(
                reverse("admin:articles_article_changelist"),
                {"action": "export_articles_csv", "_selected_action": [a.pk for a in selection]},
            )
        assert len(read_csv(response)) == len(selection) + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_status_filter_narrows_the_download(admin_client, make):
    make.article(title="Live")
    make.article(title="Unfinished", status="draft")
    rows = read_csv(admin_client.get(URL, {"status": "draft"}))
    assert [row[0] for row in rows[1:]] == ["Unfinished"]


@pytest.mark.parametrize("value", ["nonsense", "<script>", "published'--"])
def test_unknown_status_is_a_clear_400_not_a_500(admin_client, value):
    response = admin_client.get(URL, {"status": value})
    assert response.status_code == 400
    assert b"Unknown status" in response.content and b"<script>" not in response.content
