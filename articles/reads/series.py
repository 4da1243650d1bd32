"""An article's place in its series: part n of m, and the published parts before and after it."""

from django.db import connections, router

from articles.models import Article, SeriesEntry, SeriesLink, published_sql
from cms.prepared import prepared_cursor


def navigation(entry, now=None):
    """Template context for ``entry`` (a ``SeriesEntry``, or None: no series, an empty context).

    Part n of m, previous and next among the series' published entries. ``entry`` keeps its place
    even when its article is not public yet (an editor's preview). Previous and next are
    ``SeriesLink``s: a label and a linked title.
    """
    if entry is None:
        return {}
    this = SeriesLink(entry.position, entry.label, entry.article.title, entry.article.slug)
    others = (SeriesLink(*row) for row in published_neighbours(entry, now))
    entries = sorted([*others, this], key=lambda e: (e.position, e is not this))
    index = next(n for n, e in enumerate(entries) if e is this)
    return {
        "series_entry": entry,
        "series_part": index + 1,
        "series_total": len(entries),
        "previous_entry": entries[index - 1] if index > 0 else None,
        "next_entry": entries[index + 1] if index + 1 < len(entries) else None,
    }


def published_neighbours(entry, now=None):
    """The series' other published parts at ``now`` as (position, label, title, slug) rows.

    Taken from what the article page's own statement brought for the same moment
    (``postgresql.PageReads.published_page`` sets ``entry.published_neighbours``), or read
    in one statement written out in SQL: plain integers and text, at a fifth of the ORM's CPU on
    every uncached article page.
    """
    read_with_page = getattr(entry, "published_neighbours", None)
    if read_with_page is not None and now is not None and read_with_page[0] == now:
        return read_with_page[1]
    db = connections[router.db_for_read(SeriesEntry, instance=entry)]  # the connection itself, not the proxy
    q = db.ops.quote_name
    published, params = published_sql("a", now, db)
    with prepared_cursor(db) as cursor:  # integers and text: nothing for the ORM to convert
        cursor.execute(
            f"SELECT e.position, e.label, a.title, a.slug FROM {q(SeriesEntry._meta.db_table)} e"
            f" INNER JOIN {q(Article._meta.db_table)} a ON a.id = e.article_id"
            f" WHERE e.series_id = %s AND e.article_id <> %s AND {published}",
            [entry.series_id, entry.article_id, *params],
        )
        return cursor.fetchall()
