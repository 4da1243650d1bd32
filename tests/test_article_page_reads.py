"""``articles.reads.page.article_page()``: the article page's rows, the same on both query layers.

On PostgreSQL the statements in ``articles.reads.postgresql`` replace ``prefetch_related()`` on the
busiest page; on SQLite the page reads through the ORM (``ArticleQuerySet.for_page()``). These
tests hold both to what the ORM gives for the same rows, field by field (so PostgreSQL's JSON and
the database's converters for dates, times and booleans are read back right), in the same order,
and with no query left for the page to make.
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, ArticleEvent, MedicalReview
from articles.reads import series as series_reads
from articles.reads.page import article_page, published_article_page
from articles.reviews.display import review_dates
from references.models import Citation

# On PostgreSQL the lists around an article come in one statement, as JSON arrays (one round trip
# instead of four); elsewhere one statement each. The page's read joins them to the article's.
ON_POSTGRESQL = connection.vendor == "postgresql"
DETAIL_QUERIES = 2 if ON_POSTGRESQL else 5  # the article, then its lists
PAGE_QUERIES = 1 if ON_POSTGRESQL else 5

pytestmark = pytest.mark.django_db


def values(obj):
    """Every stored field of ``obj``, as Python values."""
    return [getattr(obj, field.attname) for field in obj._meta.concrete_fields]


@pytest.fixture
def article(make):
    a = make.article(tags=["stage 4", "breast cancer", "chemotherapy"])
    make.review(a, reviewed_on=datetime.date(2021, 3, 26), notes="First sign-off.")
    make.review(a, reviewed_on=datetime.date(2024, 1, 5), scope="partial", sections="Treatment")
    make.review(a, reviewed_on=datetime.date(2022, 6, 1))
    published_by = make.source(name="National Cancer Institute")
    make.cite(a, make.reference(source=published_by, title="Breast cancer treatment", doi="10.1000/xyz123"), position=2)
    make.cite(a, make.reference(title="A reference without a publisher"), position=1)
    make.cite(a, make.reference(source=published_by, title="Metastatic disease"), position=3)
    now = timezone.now()
    ArticleEvent.objects.create(article=a, kind=ArticleEvent.Kind.CORRECTION, comment="Older", announced=True,
                                created_at=now - datetime.timedelta(days=3))
    ArticleEvent.objects.create(article=a, kind=ArticleEvent.Kind.CORRECTION, comment="Staff only", announced=False)
    ArticleEvent.objects.create(article=a, kind=ArticleEvent.Kind.CORRECTION, comment="Newer", announced=True,
                                created_at=now - datetime.timedelta(days=1))
    ArticleEvent.objects.create(article=a, kind=ArticleEvent.Kind.NOTE, comment="Not a correction", announced=True)
    make.article(tags=["Other"])  # rows of another article must not leak in
    return a


def test_reviews_come_newest_first_with_their_reviewers_as_the_orm_reads_them(article):
    loaded = article_page(Article.objects, pk=article.pk)
    expected = list(MedicalReview.objects.filter(article=article).select_related("reviewer"))
    got = list(loaded.reviews.all())
    assert [r.reviewed_on for r in got] == [datetime.date(2024, 1, 5), datetime.date(2022, 6, 1), datetime.date(2021, 3, 26)]
    assert [values(r) for r in got] == [values(r) for r in expected]
    assert [values(r.reviewer) for r in got] == [values(r.reviewer) for r in expected]
    assert isinstance(got[0].created_at, datetime.datetime) and timezone.is_aware(got[0].created_at)
    assert loaded.latest_review.reviewed_on == datetime.date(2024, 1, 5)


def test_citations_come_in_list_order_with_reference_and_publisher(article):
    loaded = article_page(Article.objects, pk=article.pk)
    expected = list(Citation.objects.filter(article=article).select_related("reference__source"))
    got = list(loaded.citations.all())
    assert [c.position for c in got] == [1, 2, 3]
    assert [values(c) for c in got] == [values(c) for c in expected]
    assert [values(c.reference) for c in got] == [values(c.reference) for c in expected]
    assert got[0].reference.source is None
    assert got[1].reference.source.name == "National Cancer Institute"
    assert got[1].reference.doi == "10.1000/xyz123"


def test_tags_come_in_alphabetical_order(article):
    loaded = article_page(Article.objects, pk=article.pk)
    assert [t.name for t in loaded.tags.all()] == ["breast cancer", "chemotherapy", "stage 4"]
    assert [values(t) for t in loaded.tags.all()] == [values(t) for t in article.tags.order_by("name")]


def test_only_announced_corrections_newest_first(article):
    loaded = article_page(Article.objects, pk=article.pk)
    assert [e.comment for e in loaded.announced_corrections] == ["Newer", "Older"]
    assert all(e.announced is True for e in loaded.announced_corrections)


def test_detail_reads_its_lists_in_one_go_and_leaves_none_for_the_page(article, django_assert_num_queries):
    with django_assert_num_queries(DETAIL_QUERIES):
        loaded = article_page(Article.objects, pk=article.pk)
    with django_assert_num_queries(0):
        assert len(loaded.tags.all()) == 3
        assert [r.reviewer.name for r in loaded.reviews.all()]
        assert [c.reference.source for c in loaded.citations.all()]
        assert [c.article is loaded for c in loaded.citations.all()] == [True, True, True]
        assert loaded.reviews.all()[0].article is loaded
        assert loaded.citation_problems() is not None
        assert review_dates(loaded).last_reviewed_on == datetime.date(2024, 1, 5)


def test_an_article_with_nothing_around_it(make, django_assert_num_queries):
    bare = make.article()
    with django_assert_num_queries(DETAIL_QUERIES):
        loaded = article_page(Article.objects, pk=bare.pk)
    with django_assert_num_queries(0):
        assert list(loaded.tags.all()) == []
        assert list(loaded.reviews.all()) == []
        assert list(loaded.citations.all()) == []
        assert loaded.announced_corrections == []
        assert loaded.latest_review is None


def test_detail_keeps_the_querysets_filter(make):
    draft = make.article(status=Article.Status.DRAFT)
    with pytest.raises(Article.DoesNotExist):
        article_page(Article.objects.published(), slug=draft.slug)
    assert article_page(Article.objects, slug=draft.slug).pk == draft.pk


def test_the_public_read_finds_exactly_what_published_finds(make):
    """``published_article_page`` repeats ``published()``'s condition in SQL; they must agree."""
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    articles = [
        make.article(),
        make.article(publish_at=now),  # goes live this instant
        make.article(publish_at=now + hour),  # scheduled
        make.article(status=Article.Status.DRAFT),
        make.article(status=Article.Status.IN_REVIEW),
        make.article(status=Article.Status.APPROVED, publish_at=now - hour),
        make.article(status=Article.Status.ARCHIVED, publish_at=now - hour),
    ]
    for a in articles:
        page = published_article_page(a.slug, now)
        public = Article.objects.published(now).filter(slug=a.slug).first()
        assert (page is None) == (public is None), a.status
        if public is not None:
            assert values(page) == values(public)
    assert published_article_page("no-such-article", now) is None


def test_the_public_read_brings_author_and_series_in_the_same_query(make, django_assert_num_queries):
    writer = make.user(first_name="Ana", last_name="Writer")
    in_series = make.article(author=writer)
    stages = make.series(title="Breast cancer treatment by stage")
    make.series_entry(stages, in_series, 4, label="Stage 4")
    alone = make.article()
    with django_assert_num_queries(PAGE_QUERIES):
        page = published_article_page(in_series.slug, timezone.now())
    with django_assert_num_queries(0):
        assert page.author.get_full_name() == "Ana Writer"
        assert page.series_entry.series.title == "Breast cancer treatment by stage"
        assert page.series_entry.label == "Stage 4"
        assert page.series_entry.article is page
    with django_assert_num_queries(PAGE_QUERIES):
        page = published_article_page(alone.slug, timezone.now())
    with django_assert_num_queries(0):
        assert page.author is None
        assert getattr(page, "series_entry", None) is None


def test_published_sql_is_published_condition(make):
    from articles.models import published_sql

    now = timezone.now()
    for publish_at in (now - datetime.timedelta(seconds=1), now, now + datetime.timedelta(seconds=1)):
        for status in Article.Status.values:
            make.article(status=status, publish_at=publish_at)
    condition, params = published_sql("a", now)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.id FROM {Article._meta.db_table} a WHERE {condition} ORDER BY a.id", params)
        found = [row[0] for row in cursor.fetchall()]
    assert found == list(Article.objects.published(now).order_by("id").values_list("id", flat=True))
    assert len(found) == 2


def test_next_go_live_is_the_first_scheduled_after_now(make):
    from articles.reads.page import next_go_live

    now = timezone.now()
    assert next_go_live(now) is None
    make.article(publish_at=now - datetime.timedelta(days=1))
    make.article(status=Article.Status.DRAFT, publish_at=now + datetime.timedelta(minutes=5))
    later = make.article(publish_at=now + datetime.timedelta(hours=2))
    first = make.article(publish_at=now + datetime.timedelta(hours=1))
    assert next_go_live(now) == first.publish_at
    assert timezone.is_aware(next_go_live(now))
    assert next_go_live(first.publish_at) == later.publish_at


def test_the_page_read_does_not_build_the_tag_managers_query(article, monkeypatch):
    """Building taggit's query for an article's tags costs 0.2 ms, and the page only reads the rows
    (PostgreSQL's statements; on SQLite the ORM's read builds it, as any ORM read would)."""
    if not ON_POSTGRESQL:
        pytest.skip("the SQL statements read the page on PostgreSQL only")
    from taggit.models import TaggedItem

    built = []
    real = TaggedItem.tags_for.__func__
    monkeypatch.setattr(TaggedItem, "tags_for", classmethod(lambda cls, *a, **k: built.append(1) or real(cls, *a, **k)))
    article_page(Article.objects, pk=article.pk)  # the first read in a process learns the queryset's class once
    built.clear()
    loaded = article_page(Article.objects, pk=article.pk)
    assert [t.name for t in loaded.tags.all()] == ["breast cancer", "chemotherapy", "stage 4"]
    assert built == []
    assert list(loaded.tags.filter(name="stage 4").values_list("name", flat=True)) == ["stage 4"]
    assert built == [1]


def test_the_prefetched_rows_answer_like_the_managers_own_queryset(article, django_assert_num_queries):
    """Asking the prefetched tags, reviews or citations for more than their rows runs the manager's
    real query: a filter, a count after a filter, and a subquery find this article's rows only."""
    loaded = article_page(Article.objects, pk=article.pk)
    with django_assert_num_queries(0):
        assert loaded.tags.all().count() == 3
        assert loaded.tags.all().exists()
    assert [t.name for t in loaded.tags.exclude(name="stage 4").order_by("name")] == ["breast cancer", "chemotherapy"]
    assert loaded.reviews.filter(scope="partial").count() == 1
    assert [c.position for c in loaded.citations.filter(position__gte=2).order_by("position")] == [2, 3]
    tagged_alike = Article.objects.filter(tags__in=loaded.tags.all()).distinct()
    assert list(tagged_alike) == [article]


def test_the_page_read_brings_the_series_neighbours_for_its_navigation(make, django_assert_num_queries):
    """The series' other published parts come with the article (in the same statement on
    PostgreSQL), so its navigation asks nothing more; at another moment it asks again."""
    stages = make.series(title="Breast cancer treatment by stage")
    parts = [make.article(title=f"Stage {n}") for n in range(4)]
    for n, part in enumerate(parts):
        make.series_entry(stages, part, n, label=f"Stage {n}")
    parts[3].status = Article.Status.DRAFT
    parts[3].save()
    now = timezone.now()
    page = published_article_page(parts[1].slug, now)
    with django_assert_num_queries(0 if ON_POSTGRESQL else 1):
        navigation = series_reads.navigation(page.series_entry, now)
    assert (navigation["series_part"], navigation["series_total"]) == (2, 3)
    assert navigation["previous_entry"].title == "Stage 0" and navigation["next_entry"].title == "Stage 2"
    asked_again = series_reads.navigation(Article.objects.get(pk=parts[1].pk).series_entry, now)
    assert asked_again == {**navigation, "series_entry": asked_again["series_entry"]}
    with django_assert_num_queries(1):
        series_reads.navigation(page.series_entry, now + datetime.timedelta(seconds=1))


def test_every_column_the_page_reads_can_come_as_json():
    """PostgreSQL writes the lists as JSON: each of their columns must have a reading back
    (a decimal, say, would need one written before it could be shown here)."""
    from articles.reads.postgresql import _page_reads

    reads = _page_reads()
    for child in reads.children:
        for columns in child.columns:
            assert [index for index, _ in columns.json_parsers()] == [
                n for n, field in enumerate(columns.fields) if field.get_internal_type() in ("DateField", "DateTimeField")
            ]


def test_the_page_read_finds_when_the_next_scheduled_article_goes_live(make):
    """On PostgreSQL the article's statement also reads the next go-live time (the page cache's
    bound), so the page needs no statement of its own for it."""
    if not ON_POSTGRESQL:
        pytest.skip("SQLite's page read leaves it to the page cache's own query")
    from articles.reads.postgresql import next_go_live

    shown = make.article()
    now = timezone.now()
    assert published_article_page(shown.slug, now).next_go_live == (now, None)
    later = make.article(publish_at=now + datetime.timedelta(hours=2))
    sooner = make.article(publish_at=now + datetime.timedelta(minutes=5))
    make.article(publish_at=now + datetime.timedelta(minutes=1), status=Article.Status.DRAFT)  # not scheduled
    assert published_article_page(shown.slug, now).next_go_live == (now, sooner.publish_at) == (now, next_go_live(now))
    assert published_article_page(shown.slug, sooner.publish_at).next_go_live == (sooner.publish_at, later.publish_at)
