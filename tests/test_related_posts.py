"""Related posts: curated links first, then filled with the closest published articles."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.reads import postgresql
from articles.reads.page import article_page
from articles.reads.related import orm_related_rows, related_articles

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def related_titles(article):
    return [a.title for a in related_articles(article_page(Article.objects, pk=article.pk))]


def test_curated_links_come_first_then_series_then_most_shared_tags(make):
    """Order: curated, same series, more shared tags, fewer shared tags."""
    s = make.series()
    article = make.article(title="Main", tags=["a", "b", "c"])
    make.series_entry(s, article, 1)
    curated = make.article(title="Curated", publish_at=days_ago(50))
    make.related(article, curated)
    sibling = make.article(title="Series sibling", publish_at=days_ago(40))
    make.series_entry(s, sibling, 2)
    make.article(title="Two tags", tags=["a", "b"], publish_at=days_ago(30))
    make.article(title="Three tags", tags=["a", "b", "c"], publish_at=days_ago(30))
    make.article(title="One tag", tags=["c"], publish_at=days_ago(2))
    make.article(title="Unrelated", tags=["z"])

    assert related_titles(article) == ["Curated", "Series sibling", "Three tags", "Two tags", "One tag"]


def test_most_recent_first_among_equals_and_stops_at_the_set_number(make):
    """Ties on shared tags go to the newest; the list never grows past RELATED_COUNT."""
    article = make.article(title="Main", tags=["a"])
    for n in range(8):
        make.article(title=f"Tagged {n}", tags=["a"], publish_at=days_ago(10 + n))
    assert related_titles(article) == [f"Tagged {n}" for n in range(Article.RELATED_COUNT)]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.ARCHIVED, "publish_at": timezone.now() - datetime.timedelta(days=3)},
        {"status": Article.Status.PUBLISHED, "publish_at": timezone.now() + datetime.timedelta(days=1)},
    ],
    ids=["draft", "archived", "scheduled"],
)
def test_never_itself_and_never_an_unpublished_article(make, fields):
    """Unpublished articles are neither curated nor filled in; the article never lists itself."""
    s = make.series()
    article = make.article(title="Main", tags=["a"])
    make.series_entry(s, article, 1)
    hidden = make.article(title="Hidden", tags=["a"], **fields)
    make.series_entry(s, hidden, 2)
    make.related(article, hidden)
    make.article(title="Visible", tags=["a"])
    assert related_titles(article) == ["Visible"]


def test_an_article_with_no_tags_or_series_gets_only_its_curated_links(make):
    article = make.article(title="Lonely")
    make.article(title="Other")
    assert related_titles(article) == []
    make.related(article, make.article(title="Picked"))
    assert related_titles(article) == ["Picked"]


def test_curated_links_are_all_shown_even_past_the_set_number(make):
    """Editors' choices are never cut; filling only tops up a shorter list."""
    article = make.article(tags=["a"])
    for n in range(7):
        make.related(article, make.article(title=f"Picked {n}"), position=n)
    make.article(title="Tagged", tags=["a"])
    assert related_titles(article) == [f"Picked {n}" for n in range(7)]


def test_related_posts_cost_one_query_whatever_the_content(make, django_assert_num_queries):
    """One query ranks the fill however many tags, links and candidates there are."""
    s = make.series()
    article = make.article(tags=[f"t{n}" for n in range(10)])
    make.series_entry(s, article, 1)
    for n in range(20):
        other = make.article(tags=[f"t{n % 10}"])
        if n < 3:
            make.related(article, other, n)
    loaded = article_page(Article.objects, pk=article.pk)
    with django_assert_num_queries(1):
        assert len(related_articles(loaded)) == Article.RELATED_COUNT


def test_article_page_shows_related_posts(client, make):
    make.article(slug="main", tags=["fatigue"])
    make.article(title="Sleep and fatigue", tags=["fatigue"])
    page = client.get("/articles/main/").text
    assert "Related posts" in page and "Sleep and fatigue" in page


def test_only_the_newest_tag_matches_are_ranked(make, monkeypatch):
    """A common tag cannot make the page rank the whole catalogue: only the newest matches compete."""
    article = make.article(title="Main", tags=["a", "b"])
    make.article(title="Old, both tags", tags=["a", "b"], publish_at=days_ago(300))
    for n in range(4):
        make.article(title=f"New {n}", tags=["a"], publish_at=days_ago(n + 1))
    assert related_titles(article)[0] == "Old, both tags"
    monkeypatch.setattr(Article, "RELATED_CANDIDATES", 4)
    assert related_titles(article) == ["New 0", "New 1", "New 2", "New 3"]


@pytest.fixture
def crowded(make):
    """An article with a series, shared tags, curated links (one unpublished) and rows that must not come."""
    s = make.series()
    article = make.article(title="Main", tags=["a", "b", "c"])
    make.series_entry(s, article, 1)
    for n in range(3):
        make.series_entry(s, make.article(title=f"Part {n}", publish_at=days_ago(20 + n)), n + 2)
    for n in range(12):
        make.article(title=f"Tagged {n}", tags=["a", "b", "c"][: 1 + n % 3], publish_at=days_ago(n % 4))
    make.related(article, make.article(title="Picked late", tags=["a"]), position=2)
    make.related(article, make.article(title="Picked first"), position=0)
    make.related(article, make.article(title="Picked draft", status=Article.Status.DRAFT), position=1)
    make.article(title="Draft", tags=["a"], status=Article.Status.DRAFT)
    make.article(title="Unrelated", tags=["z"])
    return article_page(pk=article.pk)


def shown(rows, limit):
    """The curated links, then the first ``limit`` of the rest: what ``related_articles`` can show."""
    chosen = [row for row in rows if row.link_position is not None]
    return chosen + [row for row in rows if row.link_position is None][:limit]


def described(rows):
    return [(row.pk, row.title, row.slug, row.summary, row.publish_at, row.link_position, row.score) for row in rows]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written statement is PostgreSQL's layer")
@pytest.mark.parametrize("limit", [1, 5, 50])
@pytest.mark.parametrize("links", [True, False], ids=["with links", "without links"])
def test_the_orm_and_the_postgresql_statement_rank_the_same_rows(crowded, limit, links, monkeypatch):
    """SQLite reads related posts through the ORM, PostgreSQL through its prepared statement: same
    rows, same order, same fields, rank and link position (also with ``exclude`` and few candidates)."""
    excluded = [Article.objects.get(title="Tagged 1").pk]
    for candidates in (Article.RELATED_CANDIDATES, 5):
        monkeypatch.setattr(Article, "RELATED_CANDIDATES", candidates)
        for exclude in ((), excluded):
            orm = orm_related_rows(crowded, limit=limit, links=links, exclude=exclude)
            sql = postgresql.related_rows(crowded, limit=limit, links=links, exclude=exclude)
            assert described(shown(orm, limit)) == described(shown(sql, limit))
            assert len(shown(orm, limit)) > 0
