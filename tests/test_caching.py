"""Public pages are cached for anonymous readers, invalidated by any change, and answer conditional requests."""

import datetime
import logging
import os
import stat
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ContentGeneration
from cms.pagecache import decorators
from cms.pagecache import generation as pagecache_generation
from cms.pagecache import http as pagecache_http
from references.models import Reference

pytestmark = pytest.mark.django_db

PAGES = ["/", "/articles/main/", "/series/by-stage/", "/tags/oncology/", "/reviewers/dr-k/"]


@pytest.fixture
def site(make):
    """One article shown on every kind of public page."""
    series = make.series(title="By stage", slug="by-stage")
    reviewer = make.reviewer(name="Dr. Kay", slug="dr-k")
    article = make.article(title="Main article", slug="main", tags=["oncology"])
    make.series_entry(series, article, 1, "Stage 1")
    make.review(article, reviewer_=reviewer)
    make.cite(article, make.reference(title="Original reference", source=make.source(name="Original Society")))
    other = make.article(title="Original related", slug="other")
    make.related(article, other)
    make.related(other, article)
    return article


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a function in a transaction that commits (its on-commit hooks run), as a real request would."""

    def run(function):
        # The test's own transaction never commits: drop the invalidation it queued while building
        # data, or ``invalidate()`` would rightly see one pending and not queue another.
        connection = transaction.get_connection()
        connection.run_on_commit = [entry for entry in connection.run_on_commit if entry[1] is not pagecache_generation._bump]
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            function()

    return run


@pytest.mark.parametrize("url", PAGES)
def test_a_second_anonymous_request_is_served_from_the_cache(client, page_cache, site, url, django_assert_num_queries):
    """The first reader renders the page; the next gets the same bytes without a database query."""
    first = client.get(url)
    assert first.status_code == 200 and first[pagecache_http.STATUS_HEADER] == pagecache_http.MISS
    # The generation: this machine's file, and the database's read at most every PAGE_CACHE_RECHECK_SECONDS.
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]


def test_hit_query_count_does_not_grow_with_content(client, page_cache, make, django_assert_num_queries):
    """An article with 40 citations and tags costs the one generation query of a bare one when cached."""
    big = make.article(slug="big", tags=[f"tag-{i}" for i in range(40)])
    for i in range(40):
        make.cite(big, position=i + 1)
    client.get("/articles/big/")
    pagecache_generation.forget_local_generation()  # the recheck is due: the one query a hit can make
    with django_assert_num_queries(1):
        assert client.get("/articles/big/")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT


@pytest.mark.parametrize("url", PAGES)
def test_conditional_requests_are_answered_with_304(client, page_cache, site, url):
    """A reader (or CDN) holding the current copy gets 304 with no body, by ETag or by date."""
    first = client.get(url)
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    not_modified = client.get(url, headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert by_date.status_code == 304
    assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_conditional_requests_work_with_the_page_cache_off(client, settings, site):
    """ETags and 304s do not depend on the page cache being on."""
    settings.PAGE_CACHE_SECONDS = 0
    first = client.get("/articles/main/")
    assert first[pagecache_http.STATUS_HEADER] == pagecache_http.OFF
    assert client.get("/articles/main/", headers={"if-none-match": first["ETag"]}).status_code == 304


def test_after_an_edit_the_old_etag_no_longer_matches(client, page_cache, site, committed):
    """A reader's stale copy is replaced, not confirmed, once the article changes."""
    old = client.get("/articles/main/")
    site.title = "Renamed article"
    committed(site.save)
    response = client.get("/articles/main/", headers={"if-none-match": old["ETag"]})
    assert response.status_code == 200
    assert "Renamed article" in response.text
    assert response["ETag"] != old["ETag"]


def test_last_modified_stays_put_while_the_page_does_not_change(client, page_cache, site, make, committed):
    """Edits elsewhere re-render the page, but an unchanged body keeps its Last-Modified and ETag."""
    first = client.get("/articles/main/")
    committed(lambda: make.article(title="Unrelated", slug="unrelated", status=Article.Status.DRAFT))
    again = client.get("/articles/main/")
    assert again[pagecache_http.STATUS_HEADER] == pagecache_http.MISS
    assert again["Last-Modified"] == first["Last-Modified"] and again["ETag"] == first["ETag"]


def test_public_pages_send_cdn_cache_control_and_vary_on_cookie(client, page_cache, site):
    """A CDN may keep a page a short while; browsers revalidate; signed-in readers get their own."""
    response = client.get("/articles/main/")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=60"} <= directives
    assert "Cookie" in response["Vary"]


def _rename_reference(article):
    ref = Reference.objects.get(title="Original reference")
    ref.title = "Changed reference"
    ref.save()


def _rename_source(article):
    source = article.citations.get().reference.source
    source.name = "Changed Society"
    source.save()


def _rename_related(article):
    other = Article.objects.get(slug="other")
    other.title = "Changed related"
    other.save()


def _rename_series(article):
    series = article.series_entry.series
    series.title = "Changed series"
    series.save()


def _relabel_entry(article):
    entry = article.series_entry
    entry.label = "Changed label"
    entry.save()


def _rename_reviewer(article):
    reviewer = article.reviews.get().reviewer
    reviewer.name = "Dr. Changed"
    reviewer.save()


def _new_review(article):
    from tests import factories

    factories.review(article, reviewer_=factories.reviewer(name="Dr. Changed"))


def _add_tag(article):
    article.tags.add("changed-tag")


def _rename_tag(article):
    tag = Tag.objects.get(name="oncology")
    tag.name = "Changed tag"
    tag.save()


def _add_citation(article):
    from tests import factories

    factories.cite(article, factories.reference(title="Changed reference"))


def _add_related_link(article):
    from tests import factories

    factories.related(article, factories.article(title="Changed related"), position=5)


def _edit_body(article):
    article.body = "<p>Changed body text.</p>"
    article.save()


@pytest.mark.parametrize(
    ("change", "url", "expected"),
    [
        (_edit_body, "/articles/main/", "Changed body text."),
        (_new_review, "/articles/main/", "Dr. Changed"),
        (_rename_reviewer, "/articles/main/", "Dr. Changed"),
        (_rename_reviewer, "/reviewers/dr-k/", "Dr. Changed"),
        (_add_citation, "/articles/main/", "Changed reference"),
        (_rename_reference, "/articles/main/", "Changed reference"),
        (_rename_source, "/articles/main/", "Changed Society"),
        (_add_related_link, "/articles/main/", "Changed related"),
        (_rename_related, "/articles/main/", "Changed related"),
        (_rename_series, "/articles/main/", "Changed series"),
        (_rename_series, "/", "Changed series"),
        (_relabel_entry, "/series/by-stage/", "Changed label"),
        (_add_tag, "/articles/main/", "changed-tag"),
        (_rename_tag, "/tags/oncology/", "Changed tag"),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_every_kind_of_change_invalidates_the_pages_that_show_it(client, page_cache, site, change, url, expected, committed):
    """Saving any row a page shows, by any code path that saves, makes the cached page fresh."""
    assert expected not in client.get(url).text
    assert client.get(url)[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    committed(lambda: change(Article.objects.get(pk=site.pk)))
    response = client.get(url)
    assert response[pagecache_http.STATUS_HEADER] == pagecache_http.MISS
    assert expected in response.text


@pytest.mark.parametrize("url", ["/", "/tags/oncology/", "/series/by-stage/", "/reviewers/dr-k/", "/articles/other/"])
def test_unpublishing_an_article_removes_it_from_every_cached_page(client, page_cache, site, url, committed):
    """An article taken down (e.g. found wrong) disappears at once from the lists that showed it."""
    assert "Main article" in client.get(url).text
    site.status = Article.Status.ARCHIVED
    committed(site.save)
    assert "Main article" not in client.get(url).text
    assert client.get("/articles/main/").status_code == 404


def test_deleting_an_article_invalidates(client, page_cache, site, committed):
    """A deleted article leaves the home page at once."""
    assert "Main article" in client.get("/").text
    committed(site.delete)
    assert "Main article" not in client.get("/").text


def test_a_transaction_bumps_the_generation_once(site, committed):
    """However many rows a service saves, one commit moves the generation on once."""

    def many_saves():
        for n in range(5):
            site.title = f"Title {n}"
            site.save()
        site.tags.add("a", "b")

    before = ContentGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    committed(many_saves)
    assert ContentGeneration.objects.get(pk=1).value == before + 1


def test_a_rolled_back_transaction_does_not_invalidate(client, page_cache, site):
    """A failed save leaves the cache (and the generation) as it was."""
    client.get("/articles/main/")

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        site.title = "Never saved"
        site.save()
        raise Abort
    response = client.get("/articles/main/")
    assert response[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    assert "Never saved" not in response.text


def test_link_checker_updates_do_not_invalidate(client, page_cache, site, committed):
    """Recording a link check (fields readers never see) keeps pages cached."""
    client.get("/articles/main/")
    ref = Reference.objects.get(title="Original reference")
    ref.http_status = 200
    ref.checked_at = timezone.now()
    committed(lambda: ref.save(update_fields=["http_status", "checked_at"]))
    assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT


def test_signed_in_staff_always_see_fresh_uncached_pages(admin_client, page_cache, site):
    """Staff bypass the cache both ways: they never read a cached page and never store one."""
    client = Client()
    anonymous = client.get("/articles/main/")
    Article.objects.filter(pk=site.pk).update(title="Edited without signals")  # the cache cannot know
    staff = admin_client.get("/articles/main/")
    assert staff[pagecache_http.STATUS_HEADER] == pagecache_http.BYPASS
    assert "Edited without signals" in staff.text
    assert "no-store" in staff["Cache-Control"] and "private" in staff["Cache-Control"]
    assert "ETag" not in staff
    assert "Edited without signals" not in client.get("/articles/main/").text  # nor did staff fill the cache
    assert anonymous[pagecache_http.STATUS_HEADER] == pagecache_http.MISS


def test_a_scheduled_article_appears_on_time_on_cached_pages(client, page_cache, site, make, monkeypatch):
    """No job runs at go-live: cached pages simply do not outlive the next scheduled publish time."""
    now = timezone.now()
    make.article(title="Scheduled article", slug="scheduled", tags=["oncology"], publish_at=now + datetime.timedelta(minutes=2))
    # (an article page learns the go-live time in its own statement on PostgreSQL)
    for url in ["/", "/tags/oncology/", "/articles/main/"]:
        response = client.get(url)
        assert "Scheduled article" not in response.text
        assert client.get(url)[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
        s_maxage = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert 0 < s_maxage <= 120

    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=2, seconds=1))
    for url in ["/", "/tags/oncology/", "/articles/scheduled/", "/articles/main/"]:  # main: a related post
        response = client.get(url)
        assert response.status_code == 200
        assert "Scheduled article" in response.text, url


def test_head_requests_are_served_from_the_cache_without_a_body(client, page_cache, site):
    """HEAD gets the page's headers (and its length) but no body."""
    get = client.get("/articles/main/")
    head = client.head("/articles/main/")
    assert head.status_code == 200 and head.content == b""
    assert head[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    assert head["Content-Length"] == str(len(get.content))


def test_unknown_query_parameters_share_the_cache_entry_but_page_numbers_do_not(client, page_cache, make):
    """Tracking parameters do not multiply cache entries; ?page= does give another page."""
    for n in range(25):
        make.article(title=f"Listed {n}")
    client.get("/")
    assert client.get("/", {"utm_source": "news"})[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    second = client.get("/", {"page": "2"})
    assert second[pagecache_http.STATUS_HEADER] == pagecache_http.MISS and "Page 2 of 2" in second.text


def test_missing_pages_are_not_cached(client, page_cache, make, committed):
    """A 404 is not stored: the article can be created afterwards and is seen at once."""
    assert client.get("/articles/later/").status_code == 404
    committed(lambda: make.article(slug="later", title="Later article"))
    assert "Later article" in client.get("/articles/later/").text


def test_pages_are_served_uncached_when_redis_is_down(client, page_cache, settings, site, caplog, committed):
    """An unreachable Redis costs the cache, not the page, and is logged once, not per request."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with caplog.at_level(logging.WARNING, logger="vetted.cache"):
        for url in PAGES + PAGES:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response[pagecache_http.STATUS_HEADER] == pagecache_http.UNAVAILABLE
        site.title = "Edited while Redis is down"
        committed(site.save)
        assert "Edited while Redis is down" in client.get("/articles/main/").text
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1


def _redis_answers():
    try:
        import redis

        return redis.Redis.from_url("redis://127.0.0.1:6379/8", socket_connect_timeout=0.3).ping()
    except Exception:
        return False


@pytest.fixture
def redis_cache(page_cache, settings, monkeypatch):
    """The page cache on one Redis, under a key prefix of its own; yields the keys of each read."""
    import uuid

    from django.core.cache import caches

    if not _redis_answers():
        pytest.skip("needs Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/8",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    shared, reads = caches["default"], []
    get, get_many = shared.get, shared.get_many
    monkeypatch.setattr(shared, "get", lambda key, *args, **kwargs: reads.append([key]) or get(key, *args, **kwargs))
    monkeypatch.setattr(shared, "get_many", lambda keys, *a, **kw: reads.append(list(keys)) or get_many(keys, *a, **kw))
    yield reads
    shared.clear()
    pagecache_http.recent_pages.clear()


def test_with_redis_a_hit_needs_no_database_query(client, redis_cache, site, django_assert_num_queries, committed):
    """With a shared cache the generation lives beside the pages: a hit is one Redis round trip."""
    client.get("/articles/main/")
    with django_assert_num_queries(0):
        assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    site.title = "Edited with Redis"
    committed(site.save)
    response = client.get("/articles/main/")
    assert response[pagecache_http.STATUS_HEADER] == pagecache_http.MISS and "Edited with Redis" in response.text
    cache.delete(pagecache_generation.GENERATION_KEY)  # the counter alone lost (e.g. evicted): nothing stale is served
    assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.MISS


def test_with_redis_a_repeated_hit_fetches_only_the_counter(client, redis_cache, site):
    """This process keeps the pages it served; while their generation is current, Redis is asked
    for the counter alone, not for the page again."""
    first = client.get("/articles/main/")
    redis_cache.clear()
    again = client.get("/articles/main/")
    assert again[pagecache_http.STATUS_HEADER] == pagecache_http.HIT and again.content == first.content
    assert redis_cache == [[pagecache_generation.GENERATION_KEY]]


def test_with_redis_a_kept_page_is_dropped_when_another_process_invalidates(client, redis_cache, site):
    """Another server's edit moves the counter in Redis; the copy kept here is no longer served."""
    client.get("/articles/main/")
    Article.objects.filter(pk=site.pk).update(title="Edited on another server")
    cache.incr(pagecache_generation.GENERATION_KEY)  # that server's _bump()
    response = client.get("/articles/main/")
    assert response[pagecache_http.STATUS_HEADER] == pagecache_http.MISS and "Edited on another server" in response.text


def test_with_redis_a_page_another_process_stored_replaces_the_kept_one(client, redis_cache, site):
    """After an edit, the page another server rendered under the new counter is fetched once and then kept."""
    client.get("/articles/main/")
    key = next(k for k in pagecache_http.recent_pages._entries)
    generation = f"r{cache.incr(pagecache_generation.GENERATION_KEY)}"
    newer = {**pagecache_http.recent_pages.get(key), "generation": generation, "body": b"rendered elsewhere"}
    cache.set(key, newer)  # what the other server stored
    redis_cache.clear()
    assert client.get("/articles/main/").content == b"rendered elsewhere"
    assert redis_cache == [[pagecache_generation.GENERATION_KEY], [key]]
    redis_cache.clear()
    assert client.get("/articles/main/").content == b"rendered elsewhere"
    assert redis_cache == [[pagecache_generation.GENERATION_KEY]]


def test_kept_pages_are_bounded_by_size_least_recently_used_first():
    pages = pagecache_http.RecentPages(max_bytes=100)
    for key in "abc":
        pages.put(key, {"body": b"x" * 40})
    assert pages.get("a") is None and pages.get("b") and pages.get("c")  # a went first
    pages.get("b")
    pages.put("d", {"body": b"x" * 40})
    assert pages.get("c") is None and pages.get("b") and pages.get("d")  # b was used after c
    pages.put("huge", {"body": b"x" * 101})
    assert pages.get("huge") is None and pages.get("b") and pages.get("d")
    pages.put("b", {"body": b"y" * 10})  # replacing an entry counts its new size only
    pages.put("e", {"body": b"x" * 40})
    assert pages.get("b")["body"] == b"y" * 10 and pages.get("d") and pages.get("e")


class _FeedLike:
    """A callable view object, the way Django's syndication feeds and sitemaps are."""

    calls = 0

    def __call__(self, request):
        from django.http import HttpResponse

        type(self).calls += 1
        return HttpResponse(f"<rss>{request.GET.get('q', '')}</rss>", content_type="application/rss+xml")


def test_the_decorator_caches_callable_views_like_feeds_and_keys_on_their_parameters(rf, page_cache, db):
    """Feeds and sitemaps can use the same cache: ``public_page(params=("q",))(FeedInstance())``."""
    view = decorators.public_page(params=("q",))(_FeedLike())
    _FeedLike.calls = 0
    first = view(rf.get("/feed/", {"q": "a"}))
    again = view(rf.get("/feed/", {"q": "a", "utm_source": "x"}))
    other = view(rf.get("/feed/", {"q": "b"}))
    assert (first[pagecache_http.STATUS_HEADER], again[pagecache_http.STATUS_HEADER], other[pagecache_http.STATUS_HEADER]) == ("miss", "hit", "miss")
    assert again.content == b"<rss>a</rss>" and again["Content-Type"] == "application/rss+xml"
    assert other.content == b"<rss>b</rss>"
    assert _FeedLike.calls == 2


def test_watch_makes_another_apps_model_invalidate(page_cache, site, committed, django_user_model):
    """A model added with ``pagecache_generation.watch`` moves the generation on when saved."""
    from django.db.models.signals import post_delete, post_save

    pagecache_generation.watch(django_user_model)
    try:
        before = pagecache_generation.database_generation()
        committed(lambda: django_user_model.objects.create_user("watched"))
        assert pagecache_generation.database_generation() != before
    finally:
        label = django_user_model._meta.label_lower
        post_save.disconnect(sender=django_user_model, dispatch_uid=f"vetted-cache-save-{label}")
        post_delete.disconnect(sender=django_user_model, dispatch_uid=f"vetted-cache-delete-{label}")


def test_watch_relation_makes_a_many_to_many_change_invalidate(page_cache, site, committed, django_user_model):
    """``pagecache_generation.watch_relation`` moves the generation on when rows are added to a
    relation, which saves no row of a watched model (a user's groups; articles' tags the same way)."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed

    user, group = django_user_model.objects.create_user("member"), Group.objects.create(name="Watched")
    through = django_user_model.groups.through
    before = pagecache_generation.database_generation()
    committed(lambda: user.groups.add(group))
    assert pagecache_generation.database_generation() == before  # not watched yet
    pagecache_generation.watch_relation(through)
    try:
        committed(lambda: user.groups.remove(group))
        assert pagecache_generation.database_generation() != before
    finally:
        m2m_changed.disconnect(sender=through, dispatch_uid=f"vetted-cache-m2m-{through._meta.label_lower}")


def test_cached_pages_keep_the_security_headers_of_the_full_stack(client, page_cache, site):
    """A hit served before the other middleware still carries the headers they add."""
    first = client.get("/articles/main/")
    hit = client.get("/articles/main/")
    assert hit[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Type"):
        assert hit.get(header) == first.get(header) and hit.get(header), header


@pytest.mark.parametrize("url", ["/robots.txt", "/admin/login/", "/articles/missing/"])
def test_only_public_page_views_are_ever_stored(client, page_cache, url):
    """Pages without ``@public_page`` (robots, the admin, errors) never enter the page cache."""
    client.get(url)
    assert pagecache_http.STATUS_HEADER not in client.get(url)


def test_a_failing_invalidation_never_fails_the_save(site, committed, monkeypatch, caplog):
    """The edit is committed whatever the cache does; the failure is logged."""

    def broken(*args, **kwargs):
        raise RuntimeError("generation table unavailable")

    monkeypatch.setattr(ContentGeneration.objects, "filter", broken)
    site.title = "Saved anyway"
    with caplog.at_level(logging.ERROR):
        committed(site.save)
    assert Article.objects.get(pk=site.pk).title == "Saved anyway"
    assert "generation table unavailable" in caplog.text


def test_cached_pages_say_their_length(client, page_cache, site):
    """Hits skip the middleware that would add Content-Length; the cache adds it itself."""
    client.get("/articles/main/")
    hit = client.get("/articles/main/")
    assert hit["Content-Length"] == str(len(hit.content))


def test_feeds_and_sitemap_are_cached_and_invalidated_like_pages(client, page_cache, site, committed):
    """The site feed and the sitemap come from the page cache until content changes."""
    for url in ["/feed/", "/sitemap.xml"]:
        client.get(url)
        assert client.get(url)["X-Vetted-Cache"] == "hit", url
    committed(lambda: type(site).objects.get(pk=site.pk).save())
    for url in ["/feed/", "/sitemap.xml"]:
        assert client.get(url)["X-Vetted-Cache"] != "hit", url


# --- The WSGI fast path (cms/wsgi.py): hits answered before Django's handler runs ----------------


def test_a_plain_hit_is_answered_before_django_with_the_same_page_and_headers(wsgi, client, site):
    """GET without a query string, cookie or validator: the fast path answers exactly what the
    middleware would, and Django's request handling never starts."""
    status, headers, body, by_django = wsgi("/articles/main/")
    assert (status, headers[pagecache_http.STATUS_HEADER], by_django) == (200, pagecache_http.MISS, True)
    status, headers, fast_body, by_django = wsgi("/articles/main/")
    assert (status, headers[pagecache_http.STATUS_HEADER], by_django) == (200, pagecache_http.HIT, False)
    assert fast_body == body and headers["Content-Length"] == str(len(body))
    through_django = client.get("/articles/main/")  # a hit served by the middleware
    assert through_django[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    assert through_django.content == fast_body
    assert {k.lower(): v for k, v in through_django.items()} == {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize(
    ("method", "query", "extra"),
    [
        ("HEAD", "", {}),
        ("GET", "utm_source=news", {}),
        ("GET", "", {"HTTP_COOKIE": "signed-in"}),
        ("GET", "", {"HTTP_IF_MODIFIED_SINCE": "Sun, 01 Jan 2045 00:00:00 GMT"}),
    ],
)
def test_other_requests_go_on_to_django(wsgi, site, method, query, extra, signed_in_cookie):
    """HEAD, query strings, signed-in sessions and conditional requests are Django's to answer, as before."""
    if extra.get("HTTP_COOKIE") == "signed-in":
        extra = {"HTTP_COOKIE": signed_in_cookie}
    wsgi("/articles/main/")
    status, headers, body, by_django = wsgi("/articles/main/", method=method, query=query, **extra)
    assert by_django
    if "HTTP_COOKIE" in extra:
        assert headers[pagecache_http.STATUS_HEADER] == pagecache_http.BYPASS
    elif "HTTP_IF_MODIFIED_SINCE" in extra:
        assert status == 304
    else:
        assert (status, headers[pagecache_http.STATUS_HEADER]) == (200, pagecache_http.HIT)


def test_a_miss_is_looked_up_once(wsgi, site, monkeypatch):
    """The fast path hands its miss on: the middleware and the view do not ask the cache again."""
    lookups = []
    real = pagecache_http._lookup
    monkeypatch.setattr(pagecache_http, "_lookup", lambda key: lookups.append(key) or real(key))
    status, headers, body, by_django = wsgi("/articles/main/")
    assert (status, headers[pagecache_http.STATUS_HEADER], by_django) == (200, pagecache_http.MISS, True)
    assert len(lookups) == 1


def test_the_fast_path_never_serves_a_page_older_than_an_edit(wsgi, site, committed):
    """Same generation rule as every hit: after an edit commits, the next plain GET renders anew."""
    wsgi("/articles/main/")
    assert wsgi("/articles/main/")[3] is False

    def rename():
        site.title = "Renamed article"
        site.save()

    committed(rename)
    status, headers, body, by_django = wsgi("/articles/main/")
    assert (headers[pagecache_http.STATUS_HEADER], by_django) == (pagecache_http.MISS, True)
    assert b"Renamed article" in body


def test_a_host_that_is_not_allowed_gets_djangos_400_not_a_cached_page(wsgi, site):
    """get_host() refuses the host inside the fast path; Django then answers it as always."""
    wsgi("/articles/main/")
    status, headers, body, by_django = wsgi("/articles/main/", HTTP_HOST="evil.example")
    assert (status, by_django) == (400, True)


def test_a_database_outage_during_the_fast_paths_lookup_gets_djangos_503(wsgi, site, monkeypatch):
    """When the local-memory cache's recheck of the database's generation fails, the request
    goes on to Django, which answers "temporarily unavailable" rather than an error."""
    from django.db import OperationalError

    wsgi("/articles/main/")

    def database_away():
        raise OperationalError("connection refused")

    monkeypatch.setattr(pagecache_generation, "database_generation", database_away)
    assert wsgi("/articles/main/")[0] == 200  # the recheck is not due: the page is served
    pagecache_generation.forget_local_generation()
    status, headers, body, by_django = wsgi("/articles/main/")
    assert (status, by_django) == (503, True)


# --- the local-memory cache's generation: this machine's file, the database for other machines ---


def test_a_bump_by_another_worker_of_this_machine_is_seen_at_once(client, page_cache, site):
    """Another worker's bump rewrites the shared file; the next request here renders anew."""
    client.get("/articles/main/")
    assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT
    pagecache_generation._write_file_token(pagecache_generation.generation_file())  # what _bump() does in the other process
    assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.MISS


def test_an_edit_made_on_another_machine_is_served_within_the_recheck_time(client, page_cache, site, settings, monkeypatch):
    """Another machine's bump changes only the database; each worker reads it again every
    PAGE_CACHE_RECHECK_SECONDS, so the page is at most that old."""
    settings.PAGE_CACHE_RECHECK_SECONDS = 1
    moved = [0.0]
    real_clock = pagecache_generation._clock
    monkeypatch.setattr(pagecache_generation, "_clock", lambda: real_clock() + moved[0])
    client.get("/articles/main/")
    Article.objects.filter(pk=site.pk).update(title="Edited elsewhere")
    ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1)  # another machine's _bump()
    stale = client.get("/articles/main/")
    assert stale[pagecache_http.STATUS_HEADER] == pagecache_http.HIT and "Edited elsewhere" not in stale.text
    moved[0] = 1.0
    fresh = client.get("/articles/main/")
    assert fresh[pagecache_http.STATUS_HEADER] == pagecache_http.MISS and "Edited elsewhere" in fresh.text


def test_a_recheck_time_of_zero_reads_the_database_on_every_request(client, page_cache, site, settings, django_assert_num_queries):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    client.get("/articles/main/")
    for _ in range(2):
        with django_assert_num_queries(1):
            assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT


@pytest.fixture
def temporary_directory(tmp_path, monkeypatch, settings):
    """The temporary directory the default generation file goes in, as a fresh one."""
    settings.PAGE_CACHE_GENERATION_FILE = ""  # the default, not the test settings' file per checkout
    monkeypatch.setattr(pagecache_generation.tempfile, "gettempdir", lambda: str(tmp_path))
    pagecache_generation._default_generation_file.cache_clear()
    yield tmp_path
    pagecache_generation._default_generation_file.cache_clear()


def test_the_default_file_is_private_and_named_after_the_database(page_cache, temporary_directory):
    path = Path(pagecache_generation.generation_file())
    assert path.parent == temporary_directory / f"vetted-{os.getuid()}"
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert pagecache_generation.current_generation() == pagecache_generation.current_generation()
    assert path.read_text() in pagecache_generation.current_generation()


def test_a_directory_others_can_write_to_is_refused(client, page_cache, site, temporary_directory, caplog,
                                                    django_assert_num_queries):
    """A token planted there could bring a stale page back: every request reads the database instead."""
    shared = temporary_directory / f"vetted-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    with caplog.at_level(logging.WARNING, logger="vetted.cache"):
        assert pagecache_generation.generation_file() is None
    assert "no one else can write to" in caplog.text
    client.get("/articles/main/")
    with django_assert_num_queries(1):
        assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT


def test_without_a_usable_file_every_request_reads_the_database_and_edits_still_invalidate(
    client, page_cache, site, settings, tmp_path, committed, caplog, django_assert_num_queries
):
    settings.PAGE_CACHE_GENERATION_FILE = str(tmp_path / "no such directory" / "generation")
    client.get("/articles/main/")
    with django_assert_num_queries(1):
        assert client.get("/articles/main/")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT

    def rename():
        site.title = "Renamed without a file"
        site.save()

    with caplog.at_level(logging.WARNING, logger="vetted.cache"):
        committed(rename)
    assert "Renamed without a file" in client.get("/articles/main/").text
    assert "Cannot write the page cache's generation file" in caplog.text


@pytest.fixture
def signed_in_cookie(superuser):
    """A Cookie header naming a live session of a signed-in editor."""
    client = Client()
    client.force_login(superuser)
    return f"sessionid={client.cookies['sessionid'].value}"


def _stale_session_key():
    store = SessionStore()
    store["_auth_user_id"] = "1"
    store.save()
    key = store.session_key
    store.delete()
    return key


def _anonymous_session_key():
    store = SessionStore()
    store["seen"] = True
    store.save()
    return store.session_key


@pytest.mark.parametrize(
    "cookie",
    [lambda: "x", lambda: "0123456789abcdefghijklmnopqrstuv", _stale_session_key, _anonymous_session_key],
    ids=["forged-short", "forged-long", "stale", "nobody-signed-in"],
)
def test_a_session_cookie_naming_no_signed_in_user_still_gets_the_cached_page(wsgi, client, site, cookie):
    """A stale or forged session cookie cannot make every request a full render: it is served the cached page."""
    wsgi("/articles/main/")
    header = f"sessionid={cookie()}"
    status, headers, body, by_django = wsgi("/articles/main/", HTTP_COOKIE=header)
    assert (status, headers[pagecache_http.STATUS_HEADER], by_django) == (200, pagecache_http.HIT, False)
    client.cookies.load(header)
    assert client.get("/articles/main/?utm_source=x")[pagecache_http.STATUS_HEADER] == pagecache_http.HIT


def test_a_signed_in_session_still_bypasses_the_fast_path(wsgi, site, signed_in_cookie):
    """The session is read, and a signed-in editor gets a fresh, uncached page."""
    wsgi("/articles/main/")
    status, headers, body, by_django = wsgi("/articles/main/", HTTP_COOKIE=signed_in_cookie)
    assert (status, headers[pagecache_http.STATUS_HEADER], by_django) == (200, pagecache_http.BYPASS, True)
    assert "no-store" in headers["Cache-Control"]


@pytest.mark.parametrize("name", ["乳腺癌", "Ménière's disease", "Επίπεδο 3"])
def test_a_tag_address_beyond_ascii_is_served_through_the_fast_path(wsgi, make, name):
    """PATH_INFO as a WSGI server gives it (UTF-8 bytes read as Latin-1): the page, not a 500 or a 404."""
    article = make.article(title="Tagged", slug="tagged", tags=[name])
    tag = article.tags.get()
    path = f"/tags/{tag.slug}/".encode().decode("latin-1")
    for expected in (pagecache_http.MISS, pagecache_http.HIT):
        status, headers, body, by_django = wsgi(path)
        assert (status, headers[pagecache_http.STATUS_HEADER]) == (200, expected)
        assert b"Tagged" in body


@pytest.mark.parametrize("path", ["/tags/\u202e/", "/tags/乳腺癌/", "/articles/乳腺癌/", "/series/ménière/", "/reviewers/é/"])
def test_an_unknown_address_beyond_ascii_is_a_404_through_the_fast_path(wsgi, site, path):
    """A missing page whose address holds letters beyond Latin-1 is the site's 404, never a 500."""
    status, headers, body, by_django = wsgi(path.encode().decode("latin-1"))
    assert status == 404


def test_a_signed_in_request_reads_its_session_for_the_cache_once(wsgi, site, signed_in_cookie):
    """The fast path's answer is handed on: the middleware and the view do not read the session again."""
    wsgi("/articles/main/")
    with CaptureQueriesContext(connection) as queries:
        status, headers, body, by_django = wsgi("/articles/main/", HTTP_COOKIE=signed_in_cookie)
    assert headers[pagecache_http.STATUS_HEADER] == pagecache_http.BYPASS
    assert sum("django_session" in query["sql"] for query in queries.captured_queries) == 1


def test_a_tag_page_follows_its_articles_publication_through_the_cache(client, page_cache, make, committed):
    """A tag only on a draft is a 404; once published its page is served, and once archived a 404 again, never a stale copy."""
    draft = make.article(title="Sleep hygiene", slug="sleep-hygiene", tags=["sleep"], status=Article.Status.DRAFT)
    for _ in range(2):
        assert client.get("/tags/sleep/").status_code == 404
        assert client.get("/tags/sleep/feed/").status_code == 404
    draft.status, draft.publish_at = Article.Status.PUBLISHED, timezone.now() - datetime.timedelta(minutes=1)
    committed(draft.save)
    for expected in (pagecache_http.MISS, pagecache_http.HIT):
        response = client.get("/tags/sleep/")
        assert (response.status_code, response[pagecache_http.STATUS_HEADER]) == (200, expected)
        assert "Sleep hygiene" in response.text
    assert client.get("/tags/sleep/feed/").status_code == 200
    draft.status = Article.Status.ARCHIVED
    committed(draft.save)
    assert client.get("/tags/sleep/").status_code == 404
    assert client.get("/tags/sleep/feed/").status_code == 404
