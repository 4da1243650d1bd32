"""The article page's reads: one query layer per database.

On PostgreSQL the page is read by the statements written out in ``postgresql.py`` (the article and
everything around it in one round trip). Elsewhere (SQLite: development and most tests) it reads
through the ORM, ``ArticleQuerySet.for_page()``: the hand-written SQL gains nothing there, and
tests/test_article_page_reads.py holds the two to the same rows, in the same order, with no query
left for the page to make.
"""

from django.db import connections

from articles.models import Article
from articles.reads import postgresql


def _on_postgresql(alias):
    return connections[alias].vendor == "postgresql"


def article_page(queryset=None, **lookup):
    """The article of ``queryset`` (all articles by default) matching ``lookup``, with everything
    its page shows: its author and series entry joined; its tags, reviews and citations read by
    ``.all()`` without a query; ``announced_corrections`` a list. Two queries on PostgreSQL, five
    elsewhere. Raises ``DoesNotExist``."""
    queryset = Article.objects.all() if queryset is None else queryset
    if _on_postgresql(queryset.db):
        return postgresql.load_page_relations(queryset.select_related("author", "series_entry__series").get(**lookup))
    article = queryset.for_page().get(**lookup)
    # taggit refuses a Prefetch with its own (ordered) queryset: the page's tags, alphabetical, are
    # read by the manager's own query and kept where prefetch_related() would have put them.
    postgresql.set_prefetched(article, "tags", list(article.tags.order_by("name", "id")))
    return article


def published_article_page(slug, now):
    """The published article at ``slug`` with everything its page shows, or None: one query on
    PostgreSQL (``postgresql.PageReads.published_page``), five elsewhere."""
    if _on_postgresql("default"):
        return postgresql.published_article_page(slug, now)
    try:
        return article_page(Article.objects.published(now), slug=slug)
    except Article.DoesNotExist:
        return None


def next_go_live(after):
    """When the next article scheduled after ``after`` (a datetime) goes live, or None: one query.

    Asked by every public page the page cache has not kept (``cms.pagecache.generation.next_go_live``).
    """
    if _on_postgresql("default"):
        return postgresql.next_go_live(after)
    return Article.objects.scheduled(after).order_by("publish_at").values_list("publish_at", flat=True).first()
