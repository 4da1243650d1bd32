"""Related posts: published articles that share an article's series or tags, best first."""

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from taggit.models import TaggedItem

from articles.models import Article, RelatedLink, SeriesEntry
from articles.querysets import published_sql
from articles.reads.postgresql import Columns, read

RELATED_COLUMNS = Columns(Article, "a", fields=("id", "title", "slug", "summary", "publish_at"))


def related_rows(article, now=None, *, limit, links=False, exclude=()):
    """Published articles that share ``article``'s series or tags, best first; never ``article`` itself.

    Same series first, then the most shared tags, then the most recent. Only the series and the
    ``Article.RELATED_CANDIDATES`` newest tag matches are ranked (found through the tag and series
    indexes), so the cost stays bounded however large the catalogue and however common its tags.
    ``links=True`` also brings the article's curated links, first and in the editors' order, each
    with ``link_position`` (None for the rest), and ``limit`` rows after them: the statement counts
    the links itself. Each row has only title, slug, summary and publish_at.

    One statement written out in SQL rather than built with the ORM: this is the costliest query
    of the article page, and building and compiling it with the ORM took 5 ms of CPU on every
    uncached page against 0.5 ms for this (docs/performance.md, "Large catalogues"), and on PostgreSQL it is
    prepared (``cms.prepared``). It reads as the ORM version did, the same on SQLite and
    PostgreSQL; ``published_sql()`` is ``published()``'s condition.
    """
    tag_ids = [tag.pk for tag in article.tags.all()] if article.pk else []
    entry = getattr(article, "series_entry", None) if article.pk else None
    db = connections[article._state.db or DEFAULT_DB_ALIAS]  # the connection itself, not the proxy
    q = db.ops.quote_name
    tagged, entries, related = (q(m._meta.db_table) for m in (TaggedItem, SeriesEntry, RelatedLink))
    candidates, params = [], []
    score, score_params = [], []  # terms of the rank: 1000 for the same series, 1 a shared tag
    if tag_ids:
        content_type = ContentType.objects.get_for_model(Article).pk
        tags_in = ", ".join(["%s"] * len(tag_ids))
        # The newest articles sharing a tag, not all of them: a tag on a fifth of a large catalogue
        # would otherwise make every page rank thousands. (A derived table: SQLite allows no LIMIT
        # in a UNION's part.)
        candidates.append(
            f"SELECT object_id FROM (SELECT object_id FROM {tagged} WHERE content_type_id = %s"
            f" AND tag_id IN ({tags_in}) ORDER BY object_id DESC LIMIT %s) newest"
        )
        params += [content_type, *tag_ids, Article.RELATED_CANDIDATES]
        score.append(
            f"(SELECT COUNT(*) FROM {tagged} t WHERE t.content_type_id = %s AND t.tag_id IN ({tags_in})"
            " AND t.object_id = a.id)"
        )
        score_params += [content_type, *tag_ids]
    if entry is not None:
        candidates.append(f"SELECT article_id FROM {entries} WHERE series_id = %s")
        params.append(entry.series_id)
        # One score, not two sort keys: the planner cannot then read the articles in series order
        # and stop early (a nested loop over the whole table on PostgreSQL); it ranks the candidates
        # it found through the indexes. Fewer than 1,000 tags an article.
        score.append(f"COALESCE((SELECT 1000 FROM {entries} s WHERE s.article_id = a.id AND s.series_id = %s), 0)")
        score_params.append(entry.series_id)
    if links and article.pk:
        candidates.append(f"SELECT target_id FROM {related} WHERE article_id = %s")
        params.append(article.pk)
    if not candidates:
        return []
    position, position_params, limit_sql, limit_params = "NULL", [], "%s", [limit]
    if links:
        position = f"(SELECT MIN(l.position) FROM {related} l WHERE l.article_id = %s AND l.target_id = a.id)"
        position_params = [article.pk]
        # Room for every curated link, published or not, and a full fill after them.
        limit_sql, limit_params = f"%s + (SELECT COUNT(*) FROM {related} WHERE article_id = %s)", [limit, article.pk]
    excluded = [pk for pk in (article.pk, *exclude) if pk is not None]
    published, published_params = published_sql("a", now, db)
    sql = (
        f"SELECT {{0}}, {position} AS link_position,"
        f" {' + '.join(score) or '0'} AS score"
        f" FROM {q(Article._meta.db_table)} a"
        f" WHERE {published}"
        f" AND a.id NOT IN ({', '.join(['%s'] * len(excluded))})"
        f" AND a.id IN ({' UNION '.join(candidates)})"
        f" ORDER BY link_position ASC NULLS LAST, score DESC, a.publish_at DESC, a.id DESC LIMIT {limit_sql}"
    )
    params = [*position_params, *score_params, *published_params, *excluded, *params, *limit_params]
    rows = []
    for other, link_position, score in read(db, sql, params, RELATED_COLUMNS):
        other.link_position, other.score = link_position, score
        rows.append(other)
    return rows





def related_articles(article, count=None, now=None):
    """The "Related posts" list: every published curated link in order, then filled up to ``count``
    (``Article.RELATED_COUNT`` unless given).

    One query (``related_rows``) however many links, tags or series entries there are, and
    always one (even when the curated links fill the list) so the page's query count does not
    depend on its content. Reads the tags and series entry that ``detail()`` loaded.
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
