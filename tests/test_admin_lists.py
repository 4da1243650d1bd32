"""Admin lists of reviews, related links and articles: searches that name an article, and a
filter or search that matches nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin import articles as admin_module
from articles.admin.articles import ArticleAdmin

pytestmark = pytest.mark.django_db

REVIEWS = reverse("admin:articles_medicalreview_changelist")
LINKS = reverse("admin:articles_relatedlink_changelist")
ARTICLES = reverse("admin:articles_article_changelist")


def listed(admin_client, url, **params):
    response = admin_client.get(url, params)
    assert response.status_code == 200
    return response.context["cl"]


def test_reviews_are_found_by_a_word_of_their_article_or_the_reviewers_name(admin_client, make):
    alopecia, mouth = make.article(title="Alopecia explained"), make.article(title="Mouth care")
    by_lee = make.review(alopecia, reviewer_=make.reviewer(name="Dr. Ana Lee"))
    by_chan = make.review(mouth, reviewer_=make.reviewer(name="Dr. Bo Chan"))
    with CaptureQueriesContext(connection) as queries:
        assert list(listed(admin_client, REVIEWS, q="alopecia").result_list) == [by_lee]
    if connection.vendor == "postgresql":  # through the articles' search index, not LIKE on every title
        assert not [q for q in queries.captured_queries if 'UPPER("articles_article"."title"' in q["sql"]]
    assert list(listed(admin_client, REVIEWS, q="Chan").result_list) == [by_chan]
    found = listed(admin_client, REVIEWS, q="zebra")
    assert found.result_count == 0 and not list(found.result_list)


def test_related_links_are_found_by_a_word_of_either_article(admin_client, make):
    alopecia, mouth, wigs = make.article(title="Alopecia explained"), make.article(title="Mouth care"), make.article(title="Wigs")
    outgoing, incoming = make.related(alopecia, mouth), make.related(wigs, alopecia)
    make.related(mouth, wigs)
    assert sorted(link.pk for link in listed(admin_client, LINKS, q="alopecia").result_list) == sorted([outgoing.pk, incoming.pk])


@pytest.mark.parametrize("inline_keys", [10_000, 0], ids=["keys written", "keys as a subquery"])
def test_reviews_and_links_are_found_the_same_with_few_or_many_matched_keys(admin_client, make, monkeypatch, inline_keys):
    """A rare term's keys are written into the statements (indexable, hashed); past ``INLINE_KEYS``
    the search stays a subquery. Both find the same rows."""
    monkeypatch.setattr(admin_module, "INLINE_KEYS", inline_keys)
    first, second, other = (make.article(title=t) for t in ("Alopecia explained", "Alopecia and wigs", "Mouth care"))
    reviews = [make.review(first), make.review(second), make.review(other, reviewer_=make.reviewer(name="Dr. Alopecia Smith"))]
    links = [make.related(first, other), make.related(other, second)]
    make.related(other, make.article(title="Dry mouth"))
    with CaptureQueriesContext(connection) as queries:
        assert sorted(r.pk for r in listed(admin_client, REVIEWS, q="alopecia").result_list) == sorted(r.pk for r in reviews)
    written = [q["sql"] for q in queries.captured_queries if "= ANY('{" in q["sql"]]  # read before the next request resets the log
    with CaptureQueriesContext(connection) as link_queries:
        assert sorted(link.pk for link in listed(admin_client, LINKS, q="alopecia").result_list) == sorted(link.pk for link in links)
    if connection.vendor == "postgresql":
        assert bool(written) == (inline_keys > 0)
        # The matched articles' keys are read once, though a link names two articles.
        searches = [q for q in link_queries.captured_queries if q["sql"].startswith('SELECT "articles_article"."id" AS "pk"')]
        assert len(searches) == 1


@pytest.mark.parametrize("inline_keys", [10_000, 0], ids=["keys written", "the search as a filter"])
def test_the_article_list_finds_the_same_articles_with_few_or_many_matches(admin_client, make, monkeypatch, inline_keys):
    """A search's article keys are written into the list's statements when few (PostgreSQL: the
    count and the date drill-down then come from the primary key, not a walk of the date index
    testing each article's search vector: 0.8 s for a rare word on 100,000 articles)."""
    monkeypatch.setattr(admin_module, "INLINE_KEYS", inline_keys)
    make.article(title="Alopecia explained")
    make.article(title="Mouth care")
    make.article(title="Alopecia and wigs", status="draft")
    with CaptureQueriesContext(connection) as queries:
        found = listed(admin_client, ARTICLES, q="alopecia")
    written = [q["sql"] for q in queries.captured_queries if "= ANY('{" in q["sql"]]
    assert sorted(a.title for a in found.result_list) == ["Alopecia and wigs", "Alopecia explained"]
    assert [a.title for a in listed(admin_client, ARTICLES, q="alopecia", status__exact="draft").result_list] == ["Alopecia and wigs"]
    if connection.vendor == "postgresql":
        assert bool(written) == (inline_keys > 0)


@pytest.mark.parametrize("url", [ARTICLES, REVIEWS, LINKS])
def test_a_search_found_nowhere_lists_nothing_without_asking_the_database(admin_client, make, url):
    article = make.article(title="Alopecia explained")
    make.review(article)
    make.related(article, make.article(title="Wigs"))
    with CaptureQueriesContext(connection) as queries:
        found = listed(admin_client, url, q="zebra")
    assert found.result_count == 0 and not list(found.result_list)
    if connection.vendor == "postgresql":  # the search found no keys: no count, rows or EXPLAIN follow
        assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] or q["sql"].startswith("EXPLAIN")]


def test_a_list_that_matches_nothing_fetches_no_rows_and_no_dates(admin_client, make):
    """The count says 0: no query for the rows, nor for the date drill-down's first, last and
    years (each would read every article to find none: "no tags" on a catalogue where every
    article is tagged)."""
    make.article(title="Tagged", tags=["heart"])
    with CaptureQueriesContext(connection) as queries:
        found = listed(admin_client, ARTICLES, tags__isnull="True")
    assert found.result_count == 0 and found.date_hierarchy is None
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and 'FROM "articles_article"' in q["sql"]]
    assert len(reads) == 1 and "COUNT(" in reads[0]
    # A date already chosen keeps the drill-down, with its way back to all dates.
    assert listed(admin_client, ARTICLES, tags__isnull="True", publish_at__year="2020").date_hierarchy == "publish_at"


def test_latest_reviewer_sorts_by_name_and_is_joined_for_the_rows_shown_only(admin_client, make):
    """The list's count and date drill-down read the articles alone; only the page's rows join
    the reviewer (on 100,000 articles the join cost the date queries 44 ms)."""
    make.article(title="Seen by Zed", reviewed_by=make.reviewer(name="Dr. Zed"))
    make.article(title="Seen by Abe", reviewed_by=make.reviewer(name="Dr. Abe"))
    column = ["action_checkbox", *ArticleAdmin.list_display].index("latest_reviewer")
    with CaptureQueriesContext(connection) as queries:
        cl = listed(admin_client, ARTICLES, o=str(column))
    assert [a.title for a in cl.result_list] == ["Seen by Abe", "Seen by Zed"]
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and 'FROM "articles_article"' in q["sql"]]
    rows = [sql for sql in reads if '"articles_article"."body"' in sql]
    assert rows and all('"articles_reviewer"' in sql for sql in rows)
    assert not [sql for sql in reads if sql not in rows and '"articles_reviewer"' in sql]
