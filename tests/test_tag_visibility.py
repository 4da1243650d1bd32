"""A tag's public page and feed exist only while a published article carries the tag."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.mark.parametrize(
    "unpublished",
    [
        {"status": S.DRAFT},
        {"status": S.IN_REVIEW},
        {"status": S.APPROVED},
        {"status": S.ARCHIVED},
        {"status": S.PUBLISHED, "publish_at": timezone.now() + datetime.timedelta(days=3)},  # scheduled
    ],
    ids=["draft", "in review", "approved", "archived", "scheduled"],
)
def test_a_tag_only_on_unpublished_articles_is_a_404_like_an_unknown_tag(client, make, unpublished):
    """Its page and feed answer the site's 404, and nothing of the hidden article shows."""
    make.article(title="Secret draft about sleep", tags=["sleep"], **unpublished)
    unknown = client.get("/tags/no-such-tag/")
    for url in ["/tags/sleep/", "/tags/sleep/feed/", "/tags/sleep/?page=2"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Secret draft" not in response.text
    assert client.get("/tags/sleep/").text.replace("sleep", "no-such-tag") == unknown.text


def test_a_tag_with_one_published_article_lists_only_that_one(client, make):
    """Drafts sharing the tag stay hidden on the page and in the feed."""
    make.article(title="Secret draft about sleep", tags=["sleep"], status=S.DRAFT)
    make.article(title="Sleep hygiene", tags=["sleep"])
    for url in ["/tags/sleep/", "/tags/sleep/feed/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Sleep hygiene" in response.text and "Secret draft" not in response.text


def test_the_404_for_a_draft_only_tag_costs_the_same_queries_however_many_drafts(client, make, django_assert_num_queries):
    """The refusal reuses the page's own count: a fixed, small number of queries."""
    make.article(tags=["sleep"], status=S.DRAFT)
    with django_assert_num_queries(2):  # the tag, the count of its published articles
        assert client.get("/tags/sleep/").status_code == 404
    for _ in range(30):
        make.article(tags=["sleep"], status=S.DRAFT)
    with django_assert_num_queries(2):
        assert client.get("/tags/sleep/").status_code == 404
