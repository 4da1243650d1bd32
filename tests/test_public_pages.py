"""What readers see, and what they must never see."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"status": Article.Status.APPROVED},
        {"status": Article.Status.ARCHIVED, "publish_at": timezone.now() - datetime.timedelta(days=3)},
        {"status": Article.Status.PUBLISHED, "publish_at": timezone.now() + datetime.timedelta(hours=1)},
        {"status": Article.Status.PUBLISHED, "publish_at": None},
    ],
    ids=["draft", "in-review", "approved", "archived", "scheduled", "no-publish-time"],
)
def test_unpublished_articles_are_hidden_everywhere(client, make, fields):
    """Drafts, archived and future-dated articles answer 404 and appear in no list."""
    s = make.series(slug="by-stage")
    visible = make.article(title="Visible article", tags=["oncology"])
    hidden = make.article(title="Hidden article", slug="hidden", tags=["oncology"], **fields)
    make.series_entry(s, visible, 1)
    make.series_entry(s, hidden, 2)
    make.related(visible, hidden)
    rev = make.reviewer(slug="dr-k")
    make.review(visible, reviewer_=rev)
    make.review(hidden, reviewer_=rev)

    assert client.get("/articles/hidden/").status_code == 404
    for url in ["/", "/series/by-stage/", "/articles/" + visible.slug + "/", "/tags/oncology/", "/reviewers/dr-k/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Visible article" in response.text or url.startswith("/articles/")
        assert "Hidden article" not in response.text, url


def test_a_scheduled_article_appears_when_its_time_passes(client, make):
    """Visibility is a condition on the time, not a flag flipped by a job."""
    go_live = timezone.now() + datetime.timedelta(minutes=5)
    make.article(slug="soon", publish_at=go_live)
    assert client.get("/articles/soon/").status_code == 404
    assert Article.objects.published(now=go_live).filter(slug="soon").exists()
    assert not Article.objects.published(now=go_live - datetime.timedelta(seconds=1)).filter(slug="soon").exists()


def test_article_page_shows_byline_body_references_navigation_related_and_tags(client, make):
    s = make.series(title="Breast cancer treatment by stage", slug="by-stage")
    stages = [make.article(title=f"Stage {n} Breast Cancer Treatment Options", slug=f"stage-{n}") for n in range(5)]
    for n, a in enumerate(stages):
        make.series_entry(s, a, n, label=f"Stage {n}")
    article = stages[3]
    article.body = "<h2>Surgery</h2><p>Surgery is usually the first step.</p>"
    article.referenced_on = datetime.date(2022, 2, 1)
    article.save()
    article.tags.set(["breast cancer", "treatment"])
    dr_k = make.reviewer(name="Dr. K", credentials="MD, FACS", slug="dr-k")
    make.review(article, reviewer_=dr_k, reviewed_on=datetime.date(2021, 3, 26))
    acs = make.source(name="American Cancer Society")
    make.cite(article, make.reference(source=acs, title="Treatment of Breast Cancer Stages I-III", more_titles="Radiation for Breast Cancer"))
    make.cite(article, make.reference(title="Lumpectomy", url=""))
    other = make.article(title="Symptoms of Breast Cancer")
    make.related(article, other)

    page = client.get("/articles/stage-3/").text

    assert "<h1>Stage 3 Breast Cancer Treatment Options</h1>" in page
    assert "Medically reviewed by" in page and "Dr. K</a>, MD, FACS on" in page and "26 March 2021" in page
    assert '<h2 id="section-surgery">Surgery</h2>' in page
    assert "Referenced on" in page and "1 February 2022" in page
    assert "American Cancer Society</span>:" in page
    assert "“Treatment of Breast Cancer Stages I-III,”" in page and "“Radiation for Breast Cancer.”" in page
    assert 'id="ref-2"' in page and "“Lumpectomy.”" in page
    assert "Part 4 of 5" in page
    assert 'rel="prev"' in page and "Previous</span> Stage 2 Breast Cancer" in page
    assert 'rel="next"' in page and "Next</span> Stage 4 Breast Cancer" in page
    assert "Symptoms of Breast Cancer" in page
    assert 'href="/tags/breast-cancer/"' in page


def test_series_navigation_skips_unpublished_entries(client, make):
    s = make.series(slug="s")
    first = make.article(slug="first")
    make.series_entry(s, first, 1)
    make.series_entry(s, make.article(slug="draft", status=Article.Status.DRAFT), 2)
    make.series_entry(s, make.article(slug="third", title="Third"), 3)
    page = client.get("/articles/first/").text
    assert "Part 1 of 2" in page
    assert 'href="/articles/third/" rel="next"' in page
    assert "/articles/draft/" not in page


def test_series_page_lists_entries_in_order_with_review_dates(client, make):
    s = make.series(title="By stage", slug="by-stage")
    for position, label in [(2, "Stage 2"), (0, "Stage 0"), (1, "Stage 1")]:
        a = make.article(title=f"{label} article")
        make.series_entry(s, a, position, label)
        make.review(a, reviewed_on=datetime.date(2023, 5, position + 1))
    page = client.get("/series/by-stage/").text
    assert page.index("Stage 0 article") < page.index("Stage 1 article") < page.index("Stage 2 article")
    assert "Reviewed" in page and "2 May 2023" in page


def _series_with_an_article(make, n, **article):
    series = make.series(title=f"Series {n:02}", slug=f"series-{n}")
    make.series_entry(series, make.article(**article), 1)
    return series


def test_home_names_a_dozen_series_and_links_to_the_rest(client, make):
    """A publisher with hundreds of series gets a readable home page: twelve by title, then "All series"."""
    def series_section():
        page = client.get("/").text
        return page[page.index('id="series-heading"'):].split("</section>")[0]

    for n in range(12):
        _series_with_an_article(make, n)
    listed = series_section()
    assert "Series 11" in listed and "All series" not in listed
    _series_with_an_article(make, 12)
    listed = series_section()
    assert "Series 00" in listed and "Series 11" in listed and "Series 12" not in listed
    assert '<a href="/series/">All series</a>' in listed


def test_the_series_index_lists_what_readers_can_open_fifty_a_page(client, make):
    """By title; a series with only drafts, only an article scheduled for later, or no articles at
    all is not listed."""
    make.series(title="Series AA empty", slug="empty")
    _series_with_an_article(make, 99, status=Article.Status.DRAFT)
    _series_with_an_article(make, 98, publish_at=timezone.now() + datetime.timedelta(days=1))
    for n in range(52):
        _series_with_an_article(make, n)
    first = client.get("/series/").text
    assert first.index("Series 00") < first.index("Series 01") < first.index("Series 49")
    assert "Series 50" not in first and "Series 99" not in first and "Series 98" not in first and "empty" not in first
    second = client.get("/series/", {"page": 2}).text
    assert "Series 50" in second and "Series 51" in second and "Series 49" not in second
    assert "Series 98" not in second and "Series 99" not in second
    for bad in ["abc", "0", "99999", "%00"]:
        assert client.get("/series/", {"page": bad}).status_code == 200


def test_the_series_index_runs_the_same_queries_for_few_or_many_series(client, make):
    """Page cache off: a count, a page of keys and the rows, however many series there are."""
    for n in range(3):
        _series_with_an_article(make, n)
    with CaptureQueriesContext(connection) as few:
        client.get("/series/")
    for n in range(3, 80):
        _series_with_an_article(make, n)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/series/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("url", ["/articles/nope/", "/series/nope/", "/tags/nope/", "/reviewers/nope/", "/no/such/page/"])
def test_missing_pages_answer_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e9", "", "%00"])
def test_a_bad_page_number_is_handled(client, make, page):
    make.article()
    assert client.get("/", {"page": page}).status_code == 200


def test_reviewer_profile_lists_published_reviews_with_dates(client, make):
    rev = make.reviewer(name="Dr. Ana Lee", slug="ana-lee", credentials="MD", specialty="Oncology", bio="Oncologist.")
    make.review(make.article(title="Fatigue"), reviewer_=rev, reviewed_on=datetime.date(2024, 4, 2))
    page = client.get("/reviewers/ana-lee/").text
    assert "Dr. Ana Lee" in page and "Oncology" in page and "Fatigue" in page and "2 April 2024" in page


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text


def test_article_page_query_count_does_not_grow_with_its_content(client, make, django_assert_num_queries):
    """1 or 30 references, related links and tags: the same number of queries."""
    s = make.series()

    def build(slug, n):
        article = make.article(slug=slug, tags=[f"tag-{slug}-{i}" for i in range(n)])
        make.series_entry(s, article, position=n)
        for i in range(n):
            make.cite(article, make.reference(source=make.source()), position=i + 1)
            make.related(article, make.article(), i)
            make.review(article)
        return article

    build("small", 1)
    build("large", 30)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get("/articles/small/").status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/articles/large/")
    assert response.status_code == 200
    assert response.text.count('id="ref-') == 30
    # article, tags, reviews, announced corrections, citations, related posts (curated and filled,
    # one query), series navigation, next go-live (bounds the cache lifetime): 8, whatever the content.
    assert len(small.captured_queries) <= 8


def test_tags_named_beyond_ascii_have_pages_and_links(client, make):
    """django-taggit keeps "é" or "乳" in a tag's slug; every page that links to the tag must still render."""
    from taggit.models import Tag

    article = make.article(title="Vertigo", tags=["Ménière's disease", "乳腺癌"])
    slugs = sorted(Tag.objects.values_list("slug", flat=True))
    assert slugs == ["ménières-disease", "乳腺癌"]
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/tags/m%C3%A9ni%C3%A8res-disease/"' in html
    assert 'href="/tags/%E4%B9%B3%E8%85%BA%E7%99%8C/"' in html
    for slug in slugs:
        tag_page = client.get(f"/tags/{slug}/")
        assert tag_page.status_code == 200 and "Vertigo" in tag_page.content.decode()
        assert client.get(f"/tags/{slug}/feed/").status_code == 200
    assert client.get("/").status_code == 200
    sitemap = client.get("/sitemap-tags.xml")
    assert sitemap.status_code == 200
    assert "/tags/m%C3%A9ni%C3%A8res-disease/</loc>" in sitemap.content.decode()
