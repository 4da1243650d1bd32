"""The article page's reads on PostgreSQL, each one statement written out in SQL.

The article page is the site's most read page, and the one a burst of readers hits uncached after
every edit. Read with the ORM (``ArticleQuerySet.for_page()``, what SQLite uses: see
``articles/reads/page.py``) it is the article with its author and series entry, then four lists
(tags, announced corrections, reviews with their reviewers, citations with their references and
sources); building and compiling those querysets cost more CPU than running them
(docs/performance.md). Here each is a fixed statement over its models' columns, and its rows
become model instances the way the ORM makes them (``Model.from_db()`` after the database's
converters), cached where ``select_related()`` and ``prefetch_related()`` would have put them:
``article.series_entry``, ``article.tags.all()``, ``article.reviews.all()`` and
``article.citations.all()`` read them without a query, and ``article.announced_corrections`` is
a list.

The four lists come in the article's own row, each as a JSON array of rows (``json_agg`` over
the same joins and order), with the series' other published parts for the page's navigation and
the next go-live time for the page cache: one statement, one round trip (docs/performance.md,
"Large catalogues"). JSON carries numbers, text and booleans as themselves and dates and times
as ISO 8601 text, read back here (``Columns.json_parsers``).

Related posts (``related_rows``) are here too: the page's costliest query, one prepared statement;
``articles/reads/related.py`` chooses it on PostgreSQL and builds the same with the ORM elsewhere.

This is the one module that touches the ORM's private attributes (``set_prefetched``: a
prefetched list's ``_prefetched_objects_cache`` and ``_result_cache``); everything else uses
public APIs.

Each model's column list comes from its ``_meta``, so a new field is read without a change here;
the joins and orders are written out, and tests/test_article_page_reads.py holds every statement
to what the ORM reads for the same rows.
"""

import functools
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import QuerySet
from taggit.models import Tag, TaggedItem

from articles.media import reads as media_reads
from articles.media.models import ImageUse
from articles.models import (
    Article,
    ArticleEvent,
    MedicalReview,
    RelatedLink,
    Reviewer,
    Series,
    SeriesEntry,
    published_sql,
)
from cms.prepared import prepared_cursor
from cms.rows import Columns
from references.models import Citation, Reference, Source


def read(connection, sql, params, *columns):
    """Run ``sql`` (``{0}``, ``{1}``... stand for each ``Columns``' select list) as a prepared statement
    (``cms.prepared``): for each row, a list of its instances, then any values after their columns."""
    statement = sql.format(*(c.select(connection) for c in columns))
    with prepared_cursor(connection) as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    return [split(connection, row, columns) for row in rows]


def split(connection, row, columns, from_json=False):
    """A row's instances, one per ``Columns`` in order, then any values after their columns
    (``from_json``: a row PostgreSQL wrote as a JSON array)."""
    start, instances = 0, []
    for c in columns:
        values = row[start : start + len(c)]
        instances.append(c.instance_from_json(connection, values) if from_json else c.instance(connection, values))
        start += len(c)
    instances.extend(row[start:])
    return instances


def set_prefetched(article, name, objects):
    """Make ``article.<name>.all()`` return ``objects`` without a query, as ``prefetch_related()`` would.

    The queryset holding them builds the manager's own query (for a ``.filter()`` on the rows, or
    their SQL in a subquery) only when something asks for it: taggit's is costly to build, and
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


# Mutable process state, on purpose: (model, name) -> the class and model of that manager's queryset,
# the same for every instance, worked out once (asking a manager for its queryset costs a build).
_shapes = {}


def _prefetch_shape(model, name, instance):
    """The class and model of ``instance.<name>.get_queryset()``: the same for every instance of ``model``."""
    shape = _shapes.get((model, name))
    if shape is None:
        queryset = getattr(instance, name).get_queryset()
        shape = _shapes[model, name] = (type(queryset), queryset.model)
    return shape


# One subclass per queryset class (a handful), made once: a class built per call would defeat isinstance caches.
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


ARTICLE_ID = object()  # in a ChildRead's values: the article's id


class ChildRead(NamedTuple):
    """One list around an article that its page shows."""

    name: str
    sql: str
    params: tuple
    columns: tuple


class PageReads:
    """The statements, with their models' columns worked out once per process."""

    def __init__(self):
        self.Article = Article
        self.article = Columns(Article, "a")
        self.publish_at = Columns(Article, "g", fields=["publish_at"])
        self.author = Columns(get_user_model(), "u")
        self.entry = Columns(SeriesEntry, "n")
        self.series = Columns(Series, "w")
        self.tag = Columns(Tag, "t")
        self.event = Columns(ArticleEvent, "e")
        # Not the copy of what each review covered (a body apiece): the page never shows it.
        self.review = Columns(MedicalReview, "r", fields=[f.name for f in MedicalReview._meta.concrete_fields
                                                          if f.name != "reviewed_content"])
        self.reviewer = Columns(Reviewer, "p")
        self.citation = Columns(Citation, "c")
        self.reference = Columns(Reference, "f")
        self.source = Columns(Source, "s")
        self.tables = {
            "article": Article, "author": get_user_model(), "entry": SeriesEntry, "series": Series,
            "tag": Tag, "tagged": TaggedItem, "event": ArticleEvent, "review": MedicalReview,
            "reviewer": Reviewer, "citation": Citation, "reference": Reference, "source": Source,
            "image_use": ImageUse,
        }
        self._quoted = {}  # the table names, quoted for each database
        self.heads = (self.article, self.author, self.entry, self.series)
        # What load() reads: FROM ... ORDER BY with {article_id} for the article's id, and the values
        # (ARTICLE_ID where the id goes; a callable is asked each time).
        self.children = (
            ChildRead(
                "tags",
                "FROM {tag} t INNER JOIN {tagged} i ON i.tag_id = t.id"
                " WHERE i.content_type_id = %s AND i.object_id = {article_id} ORDER BY t.name, t.id",
                # cached by Django after the first call
                (lambda: ContentType.objects.get_for_model(Article).pk, ARTICLE_ID),
                (self.tag,),
            ),
            ChildRead(
                "corrections",
                "FROM {event} e WHERE e.article_id = {article_id} AND e.kind = %s AND e.announced"
                " ORDER BY e.created_at DESC, e.id DESC",
                (ARTICLE_ID, ArticleEvent.Kind.CORRECTION.value),
                (self.event,),
            ),
            ChildRead(
                "reviews",
                "FROM {review} r INNER JOIN {reviewer} p ON p.id = r.reviewer_id WHERE r.article_id = {article_id}"
                " ORDER BY r.reviewed_on DESC, r.created_at DESC, r.id DESC",
                (ARTICLE_ID,),
                (self.review, self.reviewer),
            ),
            ChildRead(
                "citations",
                "FROM {citation} c INNER JOIN {reference} f ON f.id = c.reference_id"
                " LEFT OUTER JOIN {source} s ON s.id = f.source_id WHERE c.article_id = {article_id}"
                " ORDER BY c.position, c.id",
                (ARTICLE_ID,),
                (self.citation, self.reference, self.source),
            ),
        )
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

    def published_page(self, slug, now, using="default"):
        """The published article at ``slug`` (with its author and series entry joined) and
        ``load()``'s lists in one statement, with the series' other published parts for
        ``reads.series.navigation(entry, now)`` (``load()``'s statements and the navigation's are JSON
        arrays in its select list), or None.

        ``published_sql()`` is ``published()``'s condition in SQL; tests/test_article_page_reads.py
        holds the two to the same answers.
        """
        connection = connections[using]
        t = self.tables_in(connection)
        children, child_params = self._children_json(connection, "a.id")
        neighbours, neighbour_params = published_sql("x", now, connection)
        sql, params = self._published_sql(connection, slug, now)
        select = ", ".join(c.select(connection) for c in self.heads)
        go_live, go_live_params = self._next_go_live_sql(connection, now)
        statement = sql.format(
            f"{select}, {children}, (SELECT json_agg(json_build_array(m.position, m.label, x.title, x.slug))"
            f" FROM {t['entry']} m INNER JOIN {t['article']} x ON x.id = m.article_id"
            f" WHERE m.series_id = n.series_id AND m.article_id <> a.id AND {neighbours}), ({go_live}),"
            f" {self._images_sql(connection)}"
        )
        known = media_reads.known_versions(slug, connection.alias)
        with prepared_cursor(connection) as cursor:
            cursor.execute(statement, [*child_params, *neighbour_params, *go_live_params, known, *params])
            rows = cursor.fetchall()
        if not rows:
            return None
        article, author, entry, series, *lists, neighbours, go_live, images = split(connection, rows[0], self.heads)
        self._attach_heads(article, author, entry, series)
        self._attach_lists(connection, article, lists)
        # The pictures the page shows, for media.rendering.page_context() (no query of its own).
        article.shown_images = media_reads.images_from_versioned_rows(images, slug, connection.alias)
        if entry is not None:
            # reads.series.navigation(entry, now) reads these instead of asking again.
            entry.published_neighbours = (now, [tuple(values) for values in neighbours or ()])
        # When the next scheduled article goes live after ``now``: the page cache's lifetime
        # (cms.pagecache), read here rather than in a statement of its own.
        article.next_go_live = (now, go_live)
        return article

    def _images_sql(self, connection):
        """The pictures the article's page may show: its lead image, the images its body shows
        (``ImageUse``, kept on every save) and its reviewers' portraits; a figure whose image is not
        among them is read by the page on its own (``media.rendering.page_context``).

        Their rows, or only their versions where the process holds them already
        (``media_reads.versioned_rows_sql``; its one parameter, ``media_reads.known_versions``)."""
        t = self.tables_in(connection)
        return media_reads.versioned_rows_sql(
            connection, "i",
            f"i.id IN (SELECT a.lead_image_id UNION ALL SELECT iu.image_id FROM {t['image_use']} iu"
            f" WHERE iu.article_id = a.id UNION ALL SELECT ip.photo_id FROM {t['review']} ir"
            f" INNER JOIN {t['reviewer']} ip ON ip.id = ir.reviewer_id WHERE ir.article_id = a.id)",
        )

    def _published_sql(self, connection, slug, now):
        """The statement of ``published()`` with ``{}`` for its select list, and its values."""
        t = self.tables_in(connection)
        published, params = published_sql("a", now, connection)
        return (
            f"SELECT {{}} FROM {t['article']} a"
            f" LEFT OUTER JOIN {t['author']} u ON u.id = a.author_id"
            f" LEFT OUTER JOIN {t['entry']} n ON n.article_id = a.id"
            f" LEFT OUTER JOIN {t['series']} w ON w.id = n.series_id"
            f" WHERE a.slug = %s AND {published}"
        ), [slug, *params]

    def _attach_heads(self, article, author, entry, series):
        self.article_author.set_cached_value(article, author)
        self.article_entry.set_cached_value(article, entry)
        if entry is not None:
            self.entry_article.set_cached_value(entry, article)
            self.entry_series.set_cached_value(entry, series)
        return article

    def next_go_live(self, after, using="default"):
        """When the first article scheduled after ``after`` goes live (a datetime), or None: one query."""
        connection = connections[using]
        sql, params = self._next_go_live_sql(connection, after)
        rows = read(connection, sql.replace("g.publish_at", "{0}", 1), params, self.publish_at)
        return rows[0][0].publish_at if rows else None

    def _next_go_live_sql(self, connection, after):
        """``next_go_live()``'s statement and values (a scalar subquery of the article page's read)."""
        return (
            f"SELECT g.publish_at FROM {self.tables_in(connection)['article']} g WHERE g.status = %s"
            " AND g.publish_at > %s ORDER BY g.publish_at LIMIT 1"
        ), [self.Article.Status.PUBLISHED.value, connection.ops.adapt_datetimefield_value(after)]

    def load(self, article):
        """Fill ``article``'s tags, reviews, citations and ``announced_corrections``: one query
        (each list a JSON array in one row)."""
        connection = connections[article._state.db or "default"]
        children, params = self._children_json(connection, "%s", article.pk)
        with prepared_cursor(connection) as cursor:
            cursor.execute(f"SELECT {children}", params)
            (row,) = cursor.fetchall()
        self._attach_lists(connection, article, row)
        return article

    def _child_sql(self, connection, child, article_id, value=None):
        """``child``'s FROM ... ORDER BY, for the article whose id is the SQL ``article_id``
        (``%s`` with ``value``, or a column of an enclosing statement), and its values."""
        params = []
        for param in child.params:
            if param is not ARTICLE_ID:
                params.append(param() if callable(param) else param)
            elif article_id == "%s":
                params.append(value)
        return child.sql.format(article_id=article_id, **self.tables_in(connection)), params

    def _children_json(self, connection, article_id, value=None):
        """Each child read as a subquery giving its rows as a JSON array of arrays (NULL for none)."""
        parts, params = [], []
        for child in self.children:
            sql, child_params = self._child_sql(connection, child, article_id, value)
            where, order = sql.rsplit(" ORDER BY ", 1)
            select = ", ".join(c.json_select(connection) for c in child.columns)
            parts.append(f"(SELECT json_agg(json_build_array({select}) ORDER BY {order}) {where})")
            params += child_params
        return ", ".join(parts), params

    def _attach_lists(self, connection, article, lists):
        """``load()``'s lists as PostgreSQL wrote them (a JSON array of rows each, or NULL for none)."""
        for child, found in zip(self.children, lists, strict=True):
            self._attach(article, child, [split(connection, values, child.columns, from_json=True) for values in found or ()])

    def _attach(self, article, child, rows):
        """Put a child read's rows where the page reads them (see the module's docstring)."""
        if child.name == "tags":
            set_prefetched(article, "tags", [tag for (tag,) in rows])
        elif child.name == "corrections":
            article.announced_corrections = [self._child(article, event) for (event,) in rows]
        elif child.name == "reviews":
            loaded = []
            for review, reviewer in rows:
                self.review_reviewer.set_cached_value(review, reviewer)
                loaded.append(self._child(article, review))
            set_prefetched(article, "reviews", loaded)
        else:
            loaded = []
            for citation, reference, source in rows:
                self.reference_source.set_cached_value(reference, source)
                self.citation_reference.set_cached_value(citation, reference)
                loaded.append(self._child(article, citation))
            set_prefetched(article, "citations", loaded)

    @staticmethod
    def _child(article, obj):
        """``obj.article`` is ``article`` without a query, as a prefetch leaves it."""
        obj._meta.get_field("article").set_cached_value(obj, article)
        return obj


# The statements with their column lists, built on first use rather than at import (the models'
# _meta must be ready); one per process, read-only once built.
_reads = None


def _page_reads():
    global _reads
    if _reads is None:
        _reads = PageReads()
    return _reads


def load_page_relations(article):
    """Everything around ``article`` that its page shows (see the module's docstring): one query."""
    return _page_reads().load(article)


def published_article_page(slug, now):
    """The published article at ``slug`` with everything its page shows, or None: one query
    (``PageReads.published_page``)."""
    return _page_reads().published_page(slug, now)


def next_go_live(after):
    """When the next article scheduled after ``after`` (a datetime) goes live, or None: one query.

    Asked through ``articles.reads.page.next_go_live`` by every public page the cache has not kept.
    """
    return _page_reads().next_go_live(after)


RELATED_COLUMNS = Columns(Article, "a", fields=Article.RELATED_FIELDS)


def related_rows(article, now=None, *, limit, links=False, exclude=()):
    """Related posts on PostgreSQL, one prepared statement: see ``articles.reads.related.related_rows``
    for what it returns (tests/test_related_posts.py holds it to the ORM's version, row for row).

    Written out in SQL rather than built with the ORM: this is the costliest query of the article
    page, and building and compiling it with the ORM took ten times the CPU of this on every
    uncached page (docs/performance.md, "Measurements behind the code"); here it is also prepared
    (``cms.prepared``). ``published_sql()`` is ``published()``'s condition.
    """
    tag_ids = [tag.pk for tag in article.tags.all()] if article.pk else []
    entry = getattr(article, "series_entry", None) if article.pk else None
    db = connections[router.db_for_read(Article, instance=article)]  # the connection itself, not the proxy
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
