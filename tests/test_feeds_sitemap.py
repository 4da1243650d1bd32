"""Feeds, the sitemap and robots.txt: valid, complete, and never showing unpublished articles."""

import datetime
import html
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.public import sitemaps

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site(make):
    """A small site: a series of two, a tagged article, a draft and a scheduled one."""
    s = make.series(title="By stage", slug="by-stage")
    one = make.article(title="Stage one", slug="stage-one", tags=["oncology"], publish_at=timezone.now() - datetime.timedelta(days=3))
    two = make.article(title="Stage two", slug="stage-two", publish_at=timezone.now() - datetime.timedelta(days=2))
    make.series_entry(s, one, 1)
    make.series_entry(s, two, 2)
    make.article(title="Tagged only", slug="tagged-only", tags=["oncology"], publish_at=timezone.now() - datetime.timedelta(days=1))
    make.article(title="Draft one", slug="draft-one", status=Article.Status.DRAFT, tags=["oncology"])
    make.article(title="Scheduled", slug="scheduled", publish_at=timezone.now() + datetime.timedelta(days=1), tags=["oncology"])
    make.review(one, reviewer_=make.reviewer(name="Dr. K", credentials="MD", slug="dr-k"), reviewed_on=datetime.date(2024, 5, 1))
    return s


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_site_feed_lists_published_articles_newest_first(client, site):
    feed = parse(client, "/feed/")
    assert feed.version == "rss20"
    assert [e.title for e in feed.entries] == ["Tagged only", "Stage two", "Stage one"]
    entry = feed.entries[-1]
    assert entry.link == "http://testserver/articles/stage-one/"
    assert "Summary of" in entry.summary and "Medically reviewed by Dr. K, MD on 1 May 2024" in entry.summary
    assert [t.term for t in entry.tags] == ["oncology"]
    assert entry.published_parsed is not None


def test_series_feed_has_only_its_articles(client, site):
    feed = parse(client, "/series/by-stage/feed/")
    assert feed.feed.title.startswith("By stage")
    assert sorted(e.title for e in feed.entries) == ["Stage one", "Stage two"]


def test_tag_feed_has_only_tagged_published_articles(client, site):
    feed = parse(client, "/tags/oncology/feed/")
    assert [e.title for e in feed.entries] == ["Tagged only", "Stage one"]


@pytest.mark.parametrize("url", ["/series/nope/feed/", "/tags/nope/feed/", "/series/unpublished/feed/"])
def test_feed_of_a_missing_or_unpublished_series_or_tag_is_404(client, make, url):
    make.series_entry(make.series(slug="unpublished"), make.article(status=Article.Status.DRAFT), 1)
    assert client.get(url).status_code == 404


def test_feeds_are_advertised_on_pages(client, site):
    page = client.get("/series/by-stage/").text
    assert 'type="application/rss+xml"' in page and 'href="/series/by-stage/feed/"' in page and 'href="/feed/"' in page


def sitemap_entries(client, url="/sitemap.xml"):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return root, {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}


def test_sitemap_lists_every_public_page_and_nothing_else(client, site, make):
    make.review(Article.objects.get(slug="draft-one"), reviewer_=make.reviewer(slug="only-draft"))
    root, entries = sitemap_entries(client)
    assert root.tag == f"{SM}urlset"
    assert set(entries) == {
        "http://testserver/",
        "http://testserver/articles/stage-one/",
        "http://testserver/articles/stage-two/",
        "http://testserver/articles/tagged-only/",
        "http://testserver/series/by-stage/",
        "http://testserver/tags/oncology/",
        "http://testserver/reviewers/dr-k/",
    }


def test_sitemap_lastmod_is_the_later_of_update_and_review(client, make):
    old = timezone.now() - datetime.timedelta(days=400)
    reviewed = make.article(slug="reviewed-later")
    changed = make.article(slug="changed-later")
    Article.objects.filter(pk__in=[reviewed.pk, changed.pk]).update(updated_at=old, content_changed_at=old)
    make.review(reviewed, reviewed_on=timezone.localdate() - datetime.timedelta(days=10))
    make.review(changed, reviewed_on=(old - datetime.timedelta(days=30)).date())
    _, entries = sitemap_entries(client)
    assert entries["http://testserver/articles/reviewed-later/"].startswith(
        (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    )
    assert entries["http://testserver/articles/changed-later/"].startswith(old.date().isoformat())


def test_a_feed_answers_when_an_articles_last_change_is_a_later_review(client, make):
    """The last change may be a review's day (a date, not a moment): the feeds still answer, not 500."""
    old = timezone.now() - datetime.timedelta(days=400)
    article = make.article(slug="reviewed-later", tags=["oncology"])
    Article.objects.filter(pk=article.pk).update(updated_at=old, content_changed_at=old)
    make.review(article, reviewed_on=timezone.localdate() - datetime.timedelta(days=10))
    Article.objects.filter(pk=article.pk).update(updated_at=old)  # the review's own touch undone, as on older rows
    for url in ("/feed/", "/tags/oncology/feed/"):
        assert client.get(url).status_code == 200, url
    assert parse(client, "/feed/").entries[0].link == "http://testserver/articles/reviewed-later/"


def test_sitemap_file_is_unindexed_xml_with_each_url_once(client, make):
    """The hand-written urlset answers as Django's view did: XML, noindex, priority and changefreq per URL."""
    make.article(slug="only-one")
    response = client.get("/sitemap-articles.xml")
    assert response["Content-Type"] == "application/xml"
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    root = ET.fromstring(response.content)
    [url] = root.iter(f"{SM}url")
    assert url.findtext(f"{SM}loc") == "http://testserver/articles/only-one/"
    assert (url.findtext(f"{SM}changefreq"), url.findtext(f"{SM}priority")) == ("monthly", "0.8")


def test_sitemap_becomes_an_index_past_the_url_limit(client, make, monkeypatch):
    """Past the limit, /sitemap.xml is an index of numbered section files that hold every URL."""
    monkeypatch.setattr(sitemaps, "SITEMAP_URL_LIMIT", 3)
    for n in range(7):
        make.article(slug=f"a{n}")
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SM}sitemapindex"
    locations = [s.findtext(f"{SM}loc") for s in root.iter(f"{SM}sitemap")]
    article_files = [loc for loc in locations if "sitemap-articles.xml" in loc]
    assert len(article_files) == 3  # 7 articles, 3 per file
    found = set()
    for loc in article_files:
        _, entries = sitemap_entries(client, loc.replace("http://testserver", ""))
        assert len(entries) <= 3
        found |= set(entries)
    assert found == {f"http://testserver/articles/a{n}/" for n in range(7)}
    assert client.get("/sitemap-articles.xml?p=99").status_code == 404
    assert client.get("/sitemap-nope.xml").status_code == 404
    # A file reads its own slice: only the index counts the articles.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap-articles.xml?p=3").status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_sitemap_uses_site_url_when_set(client, make, settings):
    settings.SITE_URL = "https://health.example.org"
    make.article(slug="x")
    _, entries = sitemap_entries(client)
    assert "https://health.example.org/articles/x/" in entries


def test_robots_txt_names_the_sitemap(client, settings):
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").text
    settings.SITE_URL = "https://health.example.org"
    assert "Sitemap: https://health.example.org/sitemap.xml" in client.get("/robots.txt").text


@pytest.mark.parametrize("url", ["/sitemap.xml", "/feed/", "/tags/oncology/feed/"])
def test_feed_and_sitemap_queries_do_not_grow_with_the_site(client, make, url):
    """Ten times the articles, reviews and tags: the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            article = make.article(tags=["oncology", f"t{make.reviewer().pk}"])
            make.review(article)

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(18)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_feed_descriptions_show_what_editors_typed_as_text_not_html(client, make):
    """Feed readers render <description> as HTML: a summary or reviewer name with markup is escaped, shown as typed."""
    article = make.article(slug="markup", summary='<img src=x onerror="alert(1)">Lumps & bumps')
    make.review(article, reviewer_=make.reviewer(name="<b>Dr. Bold</b>", slug="bold"), reviewed_on=datetime.date(2024, 5, 1))
    response = client.get("/feed/")
    description = ET.fromstring(response.content).find("channel/item/description").text
    assert "<img" not in description and "<b>" not in description
    assert html.unescape(description).startswith('<img src=x onerror="alert(1)">Lumps & bumps Medically reviewed by <b>Dr. Bold</b>')
    entry = feedparser.parse(response.content).entries[0]
    assert "&lt;img" in entry.summary and "&lt;b&gt;Dr. Bold&lt;/b&gt;" in entry.summary


def test_sitemap_lastmod_of_tag_and_reviewer_pages_is_their_newest_listed_change(client, make):
    """A tag's and a reviewer's page change when an article they list does: drafts and other tags do not count."""
    old = timezone.now() - datetime.timedelta(days=400)
    recent = timezone.now() - datetime.timedelta(days=20)
    listed = make.article(slug="listed", tags=["sleep"])
    older = make.article(slug="older", tags=["sleep"])
    draft = make.article(slug="draft", tags=["sleep"], status=Article.Status.DRAFT)
    other = make.article(slug="other-tag", tags=["diet"])
    reviewer = make.reviewer(name="Dr. Lee", slug="dr-lee")
    make.review(older, reviewer_=reviewer, reviewed_on=(old - datetime.timedelta(days=5)).date())
    make.review(listed, reviewer_=reviewer, reviewed_on=(old - datetime.timedelta(days=10)).date())
    Article.objects.filter(pk__in=[listed.pk, older.pk]).update(updated_at=old, last_reviewed_on=None)
    Article.objects.filter(pk=listed.pk).update(updated_at=recent)
    Article.objects.filter(pk__in=[draft.pk, other.pk]).update(updated_at=timezone.now())
    _, entries = sitemap_entries(client)
    assert entries["http://testserver/tags/sleep/"] == timezone.localdate(recent).isoformat()
    assert entries["http://testserver/reviewers/dr-lee/"] == timezone.localdate(recent).isoformat()
    # A review recorded now (even one dated two days ago) changes the reviewer's page and the
    # article's byline today: recording it touches the article's row, so partners polling the
    # API's change feed see it (articles/api/changes.py), and the sitemap says so too.
    make.review(older, reviewer_=reviewer, reviewed_on=timezone.localdate() - datetime.timedelta(days=2))
    _, entries = sitemap_entries(client)
    assert entries["http://testserver/reviewers/dr-lee/"] == timezone.localdate().isoformat()
