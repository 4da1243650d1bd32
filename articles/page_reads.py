"""The article page's reads, each one statement written out in SQL.

The article page is the site's most read page, and the one a burst of readers hits uncached after
every edit. It was read with the ORM: the article with its author and series entry, then four
``prefetch_related()`` lookups (tags, announced corrections, reviews with their reviewers,
citations with their references and sources). Building and compiling those querysets took about
6 ms of CPU a page, against about 1.5 ms to run the same five statements (README, "Performance").
Here each is a fixed statement over its models' columns, and its rows become model instances the
way the ORM makes them (``Model.from_db()`` after the database's converters), cached where
``select_related()`` and ``prefetch_related()`` would have put them: ``article.series_entry``,
``article.tags.all()``, ``article.reviews.all()`` and ``article.citations.all()`` read them
without a query, and ``article.announced_corrections`` is a list. The same on SQLite and
PostgreSQL.

Each model's column list comes from its ``_meta``, so a new field is read without a change here;
the joins and orders are written out, and tests/test_article_page_reads.py holds every statement
to what the ORM reads for the same rows.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import QuerySet
from taggit.models import Tag, TaggedItem

from cms.prepared import prepared_cursor


class Columns:
    """A model's concrete columns under a table alias in a hand-written SELECT, and back to an instance."""

    def __init__(self, model, alias, fields=None):
        self.model = model
        self.alias = alias
        self.fields = [f for f in model._meta.concrete_fields if fields is None or f.name in fields]
        self.attnames = [field.attname for field in self.fields]
        self.pk_index = next((n for n, field in enumerate(self.fields) if field.primary_key), None)
        self._converters = {}  # per database alias
        self._select = {}

    def select(self, connection):
        """The select list, e.g. ``a."id", a."title"``; worked out once per database."""
        found = self._select.get(connection.alias)
        if found is None:
            quote = connection.ops.quote_name
            found = self._select[connection.alias] = ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)
        return found

    def __len__(self):
        return len(self.fields)

    def converters(self, connection):
        """What the ORM's compiler applies to each column's value (dates on SQLite, JSON, ...)."""
        found = self._converters.get(connection.alias)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if functions:
                    found.append((index, functions, column))
            self._converters[connection.alias] = found
        return found

    def instance(self, connection, values):
        """The model instance for this model's slice of a row (None for the NULLs of an outer join)."""
        if self.pk_index is not None and values[self.pk_index] is None:
            return None
        converters = self.converters(connection)
        if converters:
            values = list(values)
            for index, functions, column in converters:
                value = values[index]
                for function in functions:
                    value = function(value, column, connection)
                values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)


def read(connection, sql, params, *columns):
    """Run ``sql`` (``{0}``, ``{1}``... stand for each ``Columns``' select list) as a prepared statement
    (``cms.prepared``): for each row, a list of its instances, then any values after their columns."""
    statement = sql.format(*(c.select(connection) for c in columns))
    with prepared_cursor(connection) as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        start, instances = 0, []
        for c in columns:
            instances.append(c.instance(connection, row[start : start + len(c)]))
            start += len(c)
        instances.extend(row[start:])
        result.append(instances)
    return result


def set_prefetched(article, name, objects):
    """Make ``article.<name>.all()`` return ``objects`` without a query, as ``prefetch_related()`` would.

    The queryset holding them builds the manager's own query (for a ``.filter()`` on the rows, or
    their SQL in a subquery) only when something asks for it: taggit's takes 0.2 ms to build, and
    the article page only reads the rows.
    """
    cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(name, None)  # the manager's own queryset, not one stored before
    queryset_class, model = _prefetch_shape(type(article), name, article)

    def manager_queryset():
        cache.pop(name, None)  # or the manager would hand back the queryset being built
        try:
            return getattr(article, name).get_queryset()
        finally:
            cache[name] = queryset

    queryset = _unbuilt_class(queryset_class)(model=model, hints={"instance": article})
    queryset._build = manager_queryset
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache[name] = queryset


_shapes = {}


def _prefetch_shape(model, name, instance):
    """The class and model of ``instance.<name>.get_queryset()``: the same for every instance of ``model``."""
    shape = _shapes.get((model, name))
    if shape is None:
        queryset = getattr(instance, name).get_queryset()
        shape = _shapes[model, name] = (type(queryset), queryset.model)
    return shape


@functools.cache
def _unbuilt_class(queryset_class):
    return type(f"Unbuilt{queryset_class.__name__}", (_UnbuiltQuery, queryset_class), {})


class _UnbuiltQuery:
    """A queryset of rows already read, whose query is its manager's, built on first use (``_build``)."""

    @property
    def query(self):
        build = self.__dict__.pop("_build", None)
        if build is not None:
            rows = self._result_cache
            self.__dict__.update(build().__dict__)
            self._result_cache, self._prefetch_done = rows, True
        return super().query

    @query.setter
    def query(self, value):
        self.__dict__.pop("_build", None)
        QuerySet.query.fset(self, value)


class PageReads:
    """The statements, with their models' columns worked out once per process."""

    def __init__(self):
        from references.models import Citation, Reference, Source

        from .models import Article, ArticleEvent, MedicalReview, Reviewer, Series, SeriesEntry

        self.Article, self.ArticleEvent = Article, ArticleEvent
        self.article = Columns(Article, "a")
        self.publish_at = Columns(Article, "a", fields=["publish_at"])
        self.author = Columns(get_user_model(), "u")
        self.entry = Columns(SeriesEntry, "n")
        self.series = Columns(Series, "w")
        self.tag = Columns(Tag, "t")
        self.event = Columns(ArticleEvent, "e")
        self.review = Columns(MedicalReview, "r")
        self.reviewer = Columns(Reviewer, "p")
        self.citation = Columns(Citation, "c")
        self.reference = Columns(Reference, "f")
        self.source = Columns(Source, "s")
        self.tables = {
            "article": Article, "author": get_user_model(), "entry": SeriesEntry, "series": Series,
            "tag": Tag, "tagged": TaggedItem, "event": ArticleEvent, "review": MedicalReview,
            "reviewer": Reviewer, "citation": Citation, "reference": Reference, "source": Source,
        }
        self._quoted = {}  # the table names, quoted for each database
        self.article_author = Article._meta.get_field("author")
        self.article_entry = Article._meta.get_field("series_entry")  # the reverse one-to-one
        self.entry_article = SeriesEntry._meta.get_field("article")
        self.entry_series = SeriesEntry._meta.get_field("series")
        self.citation_reference = Citation._meta.get_field("reference")
        self.reference_source = Reference._meta.get_field("source")
        self.review_reviewer = MedicalReview._meta.get_field("reviewer")

    def tables_in(self, connection):
        quoted = self._quoted.get(connection.alias)
        if quoted is None:
            quoted = {name: connection.ops.quote_name(model._meta.db_table) for name, model in self.tables.items()}
            self._quoted[connection.alias] = quoted
        return quoted

    def published(self, slug, now, using="default"):
        """The published article at ``slug`` with its author and series entry joined, or None: one query.

        ``published_sql()`` is ``published()``'s condition in SQL; tests/test_article_page_reads.py
        holds the two to the same answers.
        """
        from .models import published_sql

        connection = connections[using]
        t = self.tables_in(connection)
        published, params = published_sql("a", now, connection)
        rows = read(
            connection,
            f"SELECT {{0}}, {{1}}, {{2}}, {{3}} FROM {t['article']} a"
            f" LEFT OUTER JOIN {t['author']} u ON u.id = a.author_id"
            f" LEFT OUTER JOIN {t['entry']} n ON n.article_id = a.id"
            f" LEFT OUTER JOIN {t['series']} w ON w.id = n.series_id"
            f" WHERE a.slug = %s AND {published}",
            [slug, *params],
            self.article,
            self.author,
            self.entry,
            self.series,
        )
        if not rows:
            return None
        article, author, entry, series = rows[0]
        self.article_author.set_cached_value(article, author)
        self.article_entry.set_cached_value(article, entry)
        if entry is not None:
            self.entry_article.set_cached_value(entry, article)
            self.entry_series.set_cached_value(entry, series)
        return article

    def next_go_live(self, after, using="default"):
        """When the first article scheduled after ``after`` goes live (a datetime), or None: one query."""
        connection = connections[using]
        rows = read(
            connection,
            f"SELECT {{0}} FROM {self.tables_in(connection)['article']} a WHERE a.status = %s AND a.publish_at > %s"
            " ORDER BY a.publish_at LIMIT 1",
            [self.Article.Status.PUBLISHED.value, connection.ops.adapt_datetimefield_value(after)],
            self.publish_at,
        )
        return rows[0][0].publish_at if rows else None

    def load(self, article):
        """Fill ``article``'s tags, reviews, citations and ``announced_corrections``: four queries."""
        connection = connections[article._state.db or "default"]
        t = self.tables_in(connection)
        content_type = ContentType.objects.get_for_model(self.Article).pk  # cached after the first call
        tags = read(
            connection,
            f"SELECT {{0}} FROM {t['tag']} t INNER JOIN {t['tagged']} i ON i.tag_id = t.id"
            " WHERE i.content_type_id = %s AND i.object_id = %s ORDER BY t.name, t.id",
            [content_type, article.pk],
            self.tag,
        )
        set_prefetched(article, "tags", [tag for (tag,) in tags])

        corrections = read(
            connection,
            f"SELECT {{0}} FROM {t['event']} e"
            " WHERE e.article_id = %s AND e.kind = %s AND e.announced ORDER BY e.created_at DESC, e.id DESC",
            [article.pk, self.ArticleEvent.Kind.CORRECTION.value],
            self.event,
        )
        article.announced_corrections = [self._child(article, event) for (event,) in corrections]

        reviews = read(
            connection,
            f"SELECT {{0}}, {{1}} FROM {t['review']} r INNER JOIN {t['reviewer']} p ON p.id = r.reviewer_id"
            " WHERE r.article_id = %s ORDER BY r.reviewed_on DESC, r.created_at DESC, r.id DESC",
            [article.pk],
            self.review,
            self.reviewer,
        )
        loaded = []
        for review, reviewer in reviews:
            self.review_reviewer.set_cached_value(review, reviewer)
            loaded.append(self._child(article, review))
        set_prefetched(article, "reviews", loaded)

        citations = read(
            connection,
            f"SELECT {{0}}, {{1}}, {{2}} FROM {t['citation']} c INNER JOIN {t['reference']} f ON f.id = c.reference_id"
            f" LEFT OUTER JOIN {t['source']} s ON s.id = f.source_id"
            " WHERE c.article_id = %s ORDER BY c.position, c.id",
            [article.pk],
            self.citation,
            self.reference,
            self.source,
        )
        loaded = []
        for citation, reference, source in citations:
            self.reference_source.set_cached_value(reference, source)
            self.citation_reference.set_cached_value(citation, reference)
            loaded.append(self._child(article, citation))
        set_prefetched(article, "citations", loaded)
        return article

    @staticmethod
    def _child(article, obj):
        """``obj.article`` is ``article`` without a query, as a prefetch leaves it."""
        obj._meta.get_field("article").set_cached_value(obj, article)
        return obj


_reads = None


def _page_reads():
    global _reads
    if _reads is None:
        _reads = PageReads()
    return _reads


def load_page_relations(article):
    """Everything around ``article`` that its page shows (see the module's docstring): four queries."""
    return _page_reads().load(article)


def published_article_page(slug, now):
    """The published article at ``slug`` with everything its page shows, or None: five queries."""
    article = _page_reads().published(slug, now)
    return load_page_relations(article) if article is not None else None


def next_go_live(after):
    """When the next article scheduled after ``after`` (a datetime) goes live, or None: one query.

    Asked by every public page the cache has not kept (``caching.next_go_live``).
    """
    return _page_reads().next_go_live(after)
