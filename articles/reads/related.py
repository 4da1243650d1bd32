"""Related posts: published articles that share an article's series or tags, best first."""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from articles.models import Article, RelatedLink, SeriesEntry
from articles.reads import postgresql


def related_rows(article, now=None, *, limit, links=False, exclude=()):
    """Published articles that share ``article``'s series or tags, best first; never ``article`` itself.

    Same series first, then the most shared tags, then the most recent. Only the series and the
    ``Article.RELATED_CANDIDATES`` newest tag matches are ranked (found through the tag and series
    indexes), so the cost stays bounded however large the catalogue and however common its tags.
    ``links=True`` also brings the article's curated links, first and in the editors' order, each
    with ``link_position`` (None for the rest), and ``limit`` rows after them. Each row has only
    ``Article.RELATED_FIELDS`` (the rest deferred), its ``link_position`` and its ``score``.

    One query, through one layer per database: on PostgreSQL the prepared statement of
    ``postgresql.related_rows`` (the page's costliest query; the ORM took ten times its CPU to
    build it), elsewhere the ORM (``orm_related_rows``). tests/test_related_posts.py holds the two
    to the same rows in the same order.
    """
    if connections[router.db_for_read(Article, instance=article)].vendor == "postgresql":
        return postgresql.related_rows(article, now, limit=limit, links=links, exclude=exclude)
    return orm_related_rows(article, now, limit=limit, links=links, exclude=exclude)


def orm_related_rows(article, now=None, *, limit, links=False, exclude=()):
    """``related_rows`` through the ORM (SQLite; on any database for the tests that compare the layers)."""
    tag_ids = [tag.pk for tag in article.tags.all()] if article.pk else []
    entry = getattr(article, "series_entry", None) if article.pk else None
    using = router.db_for_read(Article, instance=article)
    candidates, score = Q(), Value(0)  # score: 1000 for the same series, 1 a shared tag
    if tag_ids:
        tagged = TaggedItem.objects.using(using).filter(
            content_type=ContentType.objects.get_for_model(Article), tag_id__in=tag_ids
        )
        # The newest articles sharing a tag, not all of them: a tag on a fifth of a large catalogue
        # would otherwise make every page rank thousands.
        candidates |= Q(pk__in=tagged.order_by("-object_id").values("object_id")[: Article.RELATED_CANDIDATES])
        shared = tagged.filter(object_id=OuterRef("pk")).order_by().values("object_id")
        score = Coalesce(Subquery(shared.annotate(n=Count("*")).values("n"), output_field=IntegerField()), 0)
    if entry is not None:
        mates = SeriesEntry.objects.using(using).filter(series_id=entry.series_id)
        candidates |= Q(pk__in=mates.values("article_id"))
        same = mates.filter(article_id=OuterRef("pk")).values(thousand=Value(1000))
        score = score + Coalesce(Subquery(same[:1], output_field=IntegerField()), 0)
    linked = RelatedLink.objects.using(using).filter(article_id=article.pk)
    if links and article.pk:
        candidates |= Q(pk__in=linked.values("target_id"))
    if not candidates:
        return []
    excluded = [pk for pk in (article.pk, *exclude) if pk is not None]
    ranked = (
        Article.objects.using(using)
        .published(now)
        .filter(candidates)
        .exclude(pk__in=excluded)
        .annotate(score=score)
        .only(*Article.RELATED_FIELDS)
    )
    by_rank = [F("score").desc(), F("publish_at").desc(), F("pk").desc()]
    if not (links and article.pk):
        rows = list(ranked.order_by(*by_rank)[:limit])
        for row in rows:
            row.link_position = None
        return rows
    # Every curated link (first, in the editors' order), then the best ``limit`` of the rest: the
    # rest's limit is a subquery's, so the rows stay one query however many links there are.
    fill = ranked.exclude(pk__in=linked.values("target_id")).order_by(*by_rank).values("pk")[:limit]
    position = linked.filter(target_id=OuterRef("pk")).order_by("position").values("position")[:1]
    return list(
        ranked.filter(Q(pk__in=linked.values("target_id")) | Q(pk__in=fill))
        .annotate(link_position=Subquery(position))
        .order_by(F("link_position").asc(nulls_last=True), *by_rank)
    )


def related_articles(article, count=None, now=None):
    """The "Related posts" list: every published curated link in order, then filled up to ``count``
    (``Article.RELATED_COUNT`` unless given).

    One query (``related_rows``) however many links, tags or series entries there are, and
    always one (even when the curated links fill the list) so the page's query count does not
    depend on its content. Reads the tags and series entry that ``article_page()`` loaded.
    """
    count = Article.RELATED_COUNT if count is None else count
    curated = getattr(article, "published_related_links", None)
    if curated is not None:  # set by a preview: the links as they were at a revision
        chosen = [link.target for link in curated]
        fill = related_rows(article, now, limit=count, exclude=[a.pk for a in chosen])
        return chosen + fill[: max(0, count - len(chosen))]
    rows = related_rows(article, now, limit=count, links=True)
    chosen = [a for a in rows if a.link_position is not None]
    fill = [a for a in rows if a.link_position is None]
    return chosen + fill[: max(0, count - len(chosen))]
