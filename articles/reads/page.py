"""The article as its page shows it: one read for the public page's tests, the preview and the editor."""

from articles.reads.postgresql import load_page_relations


def article_page(queryset, **lookup):
    """The article of ``queryset`` (``Article.objects``, or a narrower one such as
    ``Article.objects.published()``) matching ``lookup``, with everything its page shows, in two
    queries on PostgreSQL and five elsewhere.

    Its author and series entry are joined; its tags, reviews and citations are then read by
    ``.all()`` without a query, and ``announced_corrections`` is a list
    (``articles.reads.postgresql``). Raises ``DoesNotExist``.
    """
    return load_page_relations(queryset.select_related("author", "series_entry__series").get(**lookup))
