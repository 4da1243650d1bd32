"""Keys (missing, wrong, revoked, expired, rate limited, counted) and withdrawal tombstones."""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from articles.api.models import ApiKey, DailyUsage, Withdrawal
from articles.models import Article
from articles.workflow import rules as workflow
from tests import factories as make


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()


def _error(response):
    return response.status_code, response.json()["error"]["code"]


def test_a_key_is_required_by_default(db, client):
    """The 401 names both headers a key may come in."""
    response = client.get("/api/v1/articles")
    assert _error(response) == (401, "key_required")
    assert response["WWW-Authenticate"].startswith("Bearer")
    message = response.json()["error"]["message"]
    assert "X-API-Key" in message and "Authorization: Bearer" in message


@pytest.mark.parametrize("query", ["api_key={key}", "key={key}", "apikey={key}", "limit=5&utm_source={key}"])
def test_a_key_in_the_address_is_never_read_and_the_401_says_where_it_goes(db, client, key, query):
    """A key in the query string is refused with a hint to send it in a header, without echoing it."""
    response = client.get("/api/v1/articles?" + query.format(key=key))
    assert _error(response) == (401, "key_required")
    message = response.json()["error"]["message"]
    assert "X-API-Key" in message and "never from the address" in message
    assert key not in response.content.decode()


def test_the_openapi_document_names_both_headers_a_key_may_come_in(db, client):
    """Generated clients may send ``X-API-Key`` as well as the bearer token: either scheme satisfies an operation."""
    document = client.get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert {k: schemes["PartnerKey"][k] for k in ("type", "scheme")} == {"type": "http", "scheme": "bearer"}
    assert {k: schemes["PartnerKeyHeader"][k] for k in ("type", "in", "name")} == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert document["paths"]["/api/v1/articles"]["get"]["security"] == [{"PartnerKey": []}, {"PartnerKeyHeader": []}]


@override_settings(API_ALLOW_ANONYMOUS=True)
def test_anonymous_reads_when_the_setting_allows(db, client):
    make.article(slug="open")
    assert client.get("/api/v1/articles/open").status_code == 200


def test_an_unknown_key_is_401(db, client, key):
    assert _error(client.get("/api/v1/articles", HTTP_AUTHORIZATION="Bearer vt_deadbeef_nope")) == (401, "key_unknown")
    wrong = key[:-4] + "AAAA"
    assert _error(client.get("/api/v1/articles", HTTP_AUTHORIZATION=f"Bearer {wrong}")) == (401, "key_unknown")


def test_the_key_may_come_as_x_api_key(db, client, key):
    assert client.get("/api/v1/articles", HTTP_X_API_KEY=key).status_code == 200


def test_a_revoked_key_is_403(db, api, key):
    ApiKey.objects.get().revoke()
    assert _error(api("/api/v1/articles")) == (403, "key_revoked")


def test_an_expired_key_is_403(db, api):
    ApiKey.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert _error(api("/api/v1/articles")) == (403, "key_expired")


def test_an_inactive_partners_key_is_403(db, api, partner):
    partner.is_active = False
    partner.save()
    assert _error(api("/api/v1/articles")) == (403, "partner_inactive")


def test_over_the_rate_limit_is_429_with_retry_after_and_counted(db, api):
    ApiKey.objects.update(rate_limit=3)
    assert [api("/api/v1/articles").status_code for _ in range(3)] == [200, 200, 200]
    refused = api("/api/v1/articles")
    assert _error(refused) == (429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 60
    usage = DailyUsage.objects.get()
    assert (usage.requests, usage.refused) == (3, 1)
    assert ApiKey.objects.get().last_used_on == usage.day


def test_the_key_is_stored_hashed_and_never_logged(db, api, key, caplog):
    stored = ApiKey.objects.get()
    assert key not in (stored.key_hash, stored.prefix) and stored.matches(key)
    with caplog.at_level(logging.DEBUG):
        api("/api/v1/articles/missing")
        api("/api/v1/articles?limit=bad")
    assert key not in caplog.text


def _feed(api, since):
    response = api(f"/api/v1/articles?order=modified&modified_since={since.isoformat().replace('+00:00', 'Z')}")
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.mark.parametrize("action,reason", [("unpublish", "unpublished"), ("archive", "archived")])
def test_an_article_taken_down_is_a_tombstone_in_the_change_feed(db, api, action, reason):
    editor = make.staff_in("Editor")
    article = make.article(slug="gone", title="Gone soon")
    since = timezone.now() - datetime.timedelta(seconds=1)
    getattr(workflow, action)(Article.objects.get(pk=article.pk), editor)
    items = _feed(api, since)
    assert [(i["type"], i["slug"], i["reason"]) for i in items] == [("Tombstone", "gone", reason)]
    assert items[0]["headline"] == "Gone soon" and items[0]["movedTo"] is None
    assert api("/api/v1/articles/gone").status_code == 404
    # Not in the feed of an earlier window's end, nor in a plain list.
    assert all(i["type"] != "Tombstone" for i in api("/api/v1/articles").json()["items"])


def test_a_moved_article_leaves_a_tombstone_pointing_to_its_new_address(db, api):
    article = make.article(slug="old-name")
    since = timezone.now() - datetime.timedelta(seconds=1)
    make.edit(article, slug="new-name")
    items = _feed(api, since)
    tombstone = next(i for i in items if i["type"] == "Tombstone")
    assert tombstone["slug"] == "old-name" and tombstone["reason"] == "moved"
    assert tombstone["movedTo"]["url"] == "http://testserver/articles/new-name/"
    assert any(i["slug"] == "new-name" and i["type"] == "MedicalWebPage" for i in items)


def test_a_deleted_article_is_a_tombstone(db, api):
    article = make.article(slug="deleted")
    since = timezone.now() - datetime.timedelta(seconds=1)
    Article.objects.get(pk=article.pk).delete()
    assert [(i["slug"], i["reason"]) for i in _feed(api, since)] == [("deleted", "deleted")]


def test_publishing_again_removes_the_tombstone(db, api):
    editor = make.staff_in("Editor")
    article = make.article(slug="back", reviewed_on=datetime.date(2026, 1, 5))
    workflow.unpublish(Article.objects.get(pk=article.pk), editor)
    assert Withdrawal.objects.filter(slug="back").exists()
    workflow.publish(Article.objects.get(pk=article.pk), editor)
    assert not Withdrawal.objects.exists()


def test_drafts_never_leave_tombstones(db):
    editor = make.staff_in("Editor")
    draft = make.article(slug="draft", status=Article.Status.DRAFT)
    workflow.archive(Article.objects.get(pk=draft.pk), editor)
    assert not Withdrawal.objects.exists()


def test_tombstones_and_articles_share_one_cursor(db, api):
    editor = make.staff_in("Editor")
    since = timezone.now() - datetime.timedelta(seconds=1)
    for n in range(3):
        make.article(slug=f"live-{n}")
        workflow.unpublish(Article.objects.get(pk=make.article(slug=f"down-{n}").pk), editor)
    seen, cursor = [], ""
    while True:
        url = f"/api/v1/articles?order=modified&limit=2&modified_since={since.isoformat().replace('+00:00', 'Z')}"
        page = api(url + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [(i["type"], i["slug"]) for i in page["items"]]
        cursor = page["cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted([("MedicalWebPage", f"live-{n}") for n in range(3)]
                                  + [("Tombstone", f"down-{n}") for n in range(3)])
