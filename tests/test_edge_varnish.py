"""Through a real Varnish (the repository's VCL) in front of a live server: cached, purged exactly, never for staff.

Skipped, with the reason, when varnishd or its xkey module is not installed here (CI installs them:
.ci/run). Tasks run at once, so a purge reaches Varnish when the change commits.
"""

import datetime
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.workflow import rules as workflow
from cms.pagecache import serve_edge

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(serve_edge.missing_reason() is not None, reason=f"Varnish: {serve_edge.missing_reason()}"),
]


def get(varnish, path, cookie=None):
    """(status, X-Edge, Cache-Control, body) of a GET through Varnish."""
    request = urllib.request.Request(varnish.url + path, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("X-Edge"), response.headers.get("Cache-Control"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Edge"), error.headers.get("Cache-Control"), ""


def cached(varnish, path):
    """Ask twice: the second answer must come from the edge."""
    get(varnish, path)
    status, edge_state, _, body = get(varnish, path)
    assert (status, edge_state) == (200, "hit"), path
    return body


@pytest.fixture
def site(make):
    series = make.series(title="By stage", slug="by-stage")
    first = make.article(title="Stage one", slug="stage-1", tags=["oncology"])
    second = make.article(title="Stage two", slug="stage-2", tags=["oncology"])
    make.series_entry(series, first, 1)
    make.series_entry(series, second, 2)
    unrelated = make.article(title="Sleep well", slug="sleep", tags=["sleep"])
    make.review(first)
    return {"first": first, "second": second, "unrelated": unrelated, "editor": make.user(username="chief", is_superuser=True)}


@pytest.fixture
def edge(varnish_edge):
    return varnish_edge


def test_public_pages_are_served_by_the_edge_and_a_change_purges_exactly_its_pages(edge, site, make):
    pages = ["/", "/articles/stage-1/", "/articles/stage-2/", "/articles/sleep/", "/tags/oncology/", "/tags/sleep/",
             "/series/by-stage/", "/feed/", "/sitemap.xml"]
    for path in pages:
        cached(edge, path)

    make.edit(site["first"], title="Stage one, revised")  # commits, and the purge task runs at once

    changed = {"/", "/articles/stage-1/", "/articles/stage-2/", "/tags/oncology/", "/series/by-stage/", "/feed/", "/sitemap.xml"}
    for path in pages:
        status, edge_state, _, body = get(edge, path)
        assert status == 200
        assert edge_state == ("miss" if path in changed else "hit"), path
    assert "Stage one, revised" in get(edge, "/articles/stage-1/")[3]
    assert "Stage one, revised" in get(edge, "/articles/stage-2/")[3]  # its "previous" link


def test_after_an_unpublish_the_edge_answers_404_at_once(edge, site):
    cached(edge, "/articles/stage-1/")
    article = Article.objects.get(pk=site["first"].pk)
    workflow.unpublish(article, site["editor"])
    assert get(edge, "/articles/stage-1/")[0] == 404
    assert "Stage one" not in get(edge, "/tags/oncology/")[3]


def test_staff_and_pages_that_set_a_cookie_are_never_stored(edge, site, superuser):
    client = Client()
    client.force_login(superuser)
    staff = f"sessionid={client.cookies['sessionid'].value}"
    cached(edge, "/articles/stage-1/")
    for _ in range(2):
        status, edge_state, cache_control, body = get(edge, "/articles/stage-1/", cookie=staff)
        assert (status, edge_state) == (200, "miss") and "no-store" in cache_control
        status, edge_state, cache_control, body = get(edge, "/admin/login/")
        assert (status, edge_state) == (200, "miss") and "private" in cache_control
        assert get(edge, "/search/?q=stage")[1] == "miss"
    assert get(edge, "/articles/stage-1/")[1] == "hit"  # readers still get the cached copy


def test_a_scheduled_article_appears_at_the_edge_on_time(edge, site, make):
    at = timezone.now() + datetime.timedelta(seconds=3)
    make.article(title="Coming soon", slug="soon", tags=["oncology"], publish_at=at)
    body = cached(edge, "/tags/oncology/")
    assert "Coming soon" not in body
    while timezone.now() < at:
        time.sleep(0.1)
    deadline = time.monotonic() + 5  # the page's s-maxage ended at the publish time; 2 s of grace at most
    while "Coming soon" not in get(edge, "/tags/oncology/")[3]:
        assert time.monotonic() < deadline, "the edge still served the page from before the go-live"
        time.sleep(0.2)


def test_purge_requests_need_their_keys_and_report_what_went(edge, site):
    cached(edge, "/articles/sleep/")
    request = urllib.request.Request(edge.url + "/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    purge = urllib.request.Request(edge.url + "/", method="PURGE", headers={"xkey-purge": f"article-{site['unrelated'].pk}"})
    with urllib.request.urlopen(purge, timeout=5) as answer:
        assert answer.headers["x-purged"] == "1"
    assert get(edge, "/articles/sleep/")[1] == "miss"
