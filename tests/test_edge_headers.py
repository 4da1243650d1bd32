"""What a shared cache in front (Varnish, a CDN) may store, for every kind of page, and the keys it is told."""

import datetime

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Redirect
from cms.pagecache import http as pagecache_http
from cms.pagecache.edge import EdgeHeadersMiddleware, mark

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make):
    series = make.series(title="By stage", slug="by-stage")
    reviewer = make.reviewer(name="Dr. Kay", slug="dr-kay")
    article = make.article(title="Main article", slug="main", tags=["oncology"], reviewed_by=reviewer)
    make.series_entry(series, article, 1, "Stage 1")
    other = make.article(title="Related one", slug="other", tags=["oncology"])
    make.related(article, other)
    return {"article": article, "other": other, "series": series, "reviewer": reviewer, "tag": article.tags.get()}


def keys(response):
    """The page's own keys (every shared page also carries ``all``, for a purge of everything)."""
    found = set(response.get("xkey", "").split())
    assert "all" in found, found
    return found - {"all"}


def shared_seconds(response):
    value = response["Cache-Control"]
    assert "public" in value and "private" not in value and "no-store" not in value, value
    return int(value.split("s-maxage=")[1].split(",")[0])


def assert_not_shared(response):
    value = response.get("Cache-Control", "")
    assert "private" in value or "no-store" in value, value
    assert "s-maxage" not in value and "public" not in value
    assert "xkey" not in response


def test_an_article_page_names_itself_and_everything_it_shows(client, site):
    response = client.get("/articles/main/")
    assert shared_seconds(response) == 300  # HTTP_CACHE_SECONDS' default: five minutes
    assert keys(response) == {
        f"article-{site['article'].pk}",
        f"shows-article-{site['other'].pk}",
        f"shows-tag-{site['tag'].pk}",
        f"shows-series-{site['series'].pk}",
        f"shows-reviewer-{site['reviewer'].pk}",
    }


@pytest.mark.parametrize("path, expected", [
    ("/", lambda s: {"home"}),
    ("/series/", lambda s: {"series-index"}),
    ("/series/by-stage/", lambda s: {f"series-{s['series'].pk}"}),
    ("/series/by-stage/feed/", lambda s: {f"series-{s['series'].pk}"}),
    ("/tags/oncology/", lambda s: {f"tag-{s['tag'].pk}"}),
    ("/tags/oncology/?page=1", lambda s: {f"tag-{s['tag'].pk}"}),
    ("/tags/oncology/feed/", lambda s: {f"tag-{s['tag'].pk}"}),
    ("/reviewers/dr-kay/", lambda s: {f"reviewer-{s['reviewer'].pk}"}),
    ("/feed/", lambda s: {"feeds"}),
    ("/sitemap.xml", lambda s: {"sitemap"}),
    ("/corrections/", lambda s: {"corrections"}),
    ("/corrections/feed/", lambda s: {"corrections"}),
])
def test_every_public_page_is_shared_for_s_maxage_under_its_own_keys(client, site, path, expected):
    response = client.get(path)
    assert response.status_code == 200
    assert shared_seconds(response) == 300
    assert keys(response) == expected(site)


def test_a_page_served_from_the_apps_own_cache_carries_the_same_headers(client, page_cache, site, wsgi):
    first = client.get("/articles/main/")
    again = client.get("/articles/main/")
    assert again[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    assert keys(again) == keys(first) and shared_seconds(again) == 60  # (the fixture's HTTP_CACHE_SECONDS)
    status, headers, body, by_django = wsgi("/articles/main/")  # the WSGI fast path, before Django
    assert (by_django, set(headers["xkey"].split()) - {"all"}) == (False, keys(first))


def test_a_shared_lifetime_never_outlasts_the_next_scheduled_go_live(client, site, make):
    make.article(title="Soon", slug="soon", tags=["oncology"], publish_at=timezone.now() + datetime.timedelta(seconds=90))
    assert 0 < shared_seconds(client.get("/tags/oncology/")) <= 90


def test_search_with_a_query_is_never_shared_but_the_empty_search_page_is(client, site):
    assert_not_shared(client.get("/search/?q=cancer"))
    assert_not_shared(client.get("/search/?q=cancer&page=2"))
    assert shared_seconds(client.get("/search/")) == 300


def test_search_with_a_query_stays_private_when_served_from_the_apps_cache(client, page_cache, site):
    client.get("/search/?q=main")
    again = client.get("/search/?q=main")
    assert again[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    assert_not_shared(again)


def test_pages_for_signed_in_staff_are_never_stored(admin_client, site):
    for path in ["/", "/articles/main/", "/tags/oncology/", "/feed/"]:
        response = admin_client.get(path)
        assert "no-store" in response["Cache-Control"], path
        assert_not_shared(response)


@pytest.mark.parametrize("path", [
    "/admin/", "/admin/articles/article/", "/staff/reviews/", "/preview/articles/{pk}/",
])
def test_staff_pages_admin_and_previews_are_never_stored(admin_client, site, path):
    response = admin_client.get(path.format(pk=site["article"].pk))
    assert response.status_code == 200
    assert_not_shared(response)


def test_the_sign_in_page_sets_a_cookie_and_is_never_stored(client, db):
    response = client.get("/admin/login/")
    assert response.cookies  # the CSRF cookie
    assert_not_shared(response)


@pytest.mark.parametrize("path", ["/articles/missing/", "/tags/nothing/", "/series/nothing/feed/"])
def test_anything_not_marked_public_is_private(client, site, path):
    assert_not_shared(client.get(path))


def test_a_public_page_that_sets_a_cookie_loses_its_shared_lifetime_and_keys():
    request = RequestFactory().get("/somewhere/")

    def view(request):
        mark(request, "home")
        response = HttpResponse("hello", headers={"Cache-Control": "public, max-age=0, s-maxage=300", "xkey": "home"})
        response.set_cookie("thanks", "1")
        return response

    response = EdgeHeadersMiddleware(view)(request)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert_not_shared(response)


def test_an_old_address_redirect_is_not_stored(client, site, make):
    Redirect.objects.create(old_path="/articles/old-main/", article=site["article"])
    response = client.get("/articles/old-main/")
    assert response.status_code == 301
    assert_not_shared(response)
