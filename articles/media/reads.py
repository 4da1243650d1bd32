"""The pages' reads of their pictures: rows made into ``Image`` instances, kept per process.

The article page on PostgreSQL reads its pictures inside its own statement
(``articles/reads/postgresql.py``, with :func:`versioned_rows_sql`) and hands what came here
(:func:`images_from_versioned_rows`); elsewhere (SQLite, the preview, the API, the workflow's
checks) they are read by one fixed statement (:func:`images_by_id`). Building and compiling an ORM
queryset for ``Image.objects.filter(pk__in=...)`` cost the article page about as much CPU as the
rest of its pictures' share (the same finding as ``articles/reads/postgresql.py``,
docs/performance.md). Both make instances with ``cms.rows.Columns`` from the model's ``_meta`` (a
new field is read without a change here): the database's converters, then ``Model.from_db()``.
tests/test_media_articles.py holds both to what the ORM reads for the same rows.

The page shows the same pictures request after request, and making 11 instances from their rows
(converters, JSON, ``from_db``) was most of what pictures cost a page. So each instance is kept
per process and the page gets a copy, never the kept one. Elsewhere it is kept under its row,
exactly as read: a row that differs in any column (a new caption, a new file, an ``update()``
that did not touch ``updated_at``) makes a new instance. On PostgreSQL's page it is kept under the
row's version (``row_version``, a random token that a trigger replaces on every write of the row,
whatever the path: migration ``media/0004_row_version``), and the statement sends a row's columns
only when the process does not hold its version for that page yet (:func:`known_versions`, the
statement's one parameter): writing 11 rows as JSON on every request, 21 KB, took the database
longer than the rest of the page's statement, and the page waited for it (docs/media.md).
"""

import json

from django.db import connections, router
from django.db.models.base import ModelState

from cms.prepared import prepared_cursor, prepares
from cms.rows import Columns

from .models import Image

_prepared = {}  # database alias -> (Columns, SELECT ... WHERE id)
_made = {}  # (database alias, row as read: a tuple; or its row_version on PostgreSQL's page) -> Image
_MADE_MAX = 5_000
# (database alias, page key) -> the versions of the rows that page read last, as the statement's
# parameter (one text); emptied with _made, so a version named here is always kept there.
_known = {}
_KNOWN_MAX = 20_000
VERSION_LENGTH = 36  # a UUID as text: the row_version that heads each part of versioned_rows_sql()'s text
ROW_SEPARATOR = chr(30)  # between the parts of versioned_rows_sql()'s text


def columns(alias):
    """The image's columns under the table ``alias``, in the order :func:`images_from_versioned_rows` reads them."""
    return Columns(Image, alias)


def _statement(connection):
    found = _prepared.get(connection.alias)
    if found is None:
        quote = connection.ops.quote_name
        table = quote(Image._meta.db_table)
        image = columns(table)
        select = f"SELECT {image.select(connection)} FROM {table} WHERE {table}.{quote(Image._meta.pk.column)}"
        found = _prepared[connection.alias] = (image, select)
    return found


def _where_ids(connection, ids):
    """The statement's condition and parameters: on a connection that prepares statements, one
    text whatever the number of ids (an array), so it is planned once per connection (cms.prepared)."""
    if prepares(connection):
        return " = ANY(%s::bigint[])", [ids]
    return " IN (" + ", ".join(["%s"] * len(ids)) + ")", ids


def images_by_id(ids):
    """{id: Image} for ``ids`` (an iterable of ints): one statement, none for no ids."""
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        return {}
    connection = connections[router.db_for_read(Image)]
    image, select = _statement(connection)
    condition, params = _where_ids(connection, ids)
    with prepared_cursor(connection) as cursor:
        cursor.execute(select + condition, params)
        rows = cursor.fetchall()
    return _kept(connection, image, rows)


# Mutable process state, on purpose: the statement's part for each (database, table alias,
# condition), and the Columns that read its rows.
_versioned = {}
_json_columns = columns("i")


def versioned_rows_sql(connection, alias, condition):
    """SQL for one text (NULL for none) of the images under the table ``alias`` for which the SQL
    ``condition`` holds; its one parameter (``%s``) is :func:`known_versions`.

    Each part, apart by ``ROW_SEPARATOR``, is the row's version (``VERSION_LENGTH`` characters)
    followed by the row as the JSON text of an array of :func:`columns` (``json_select``: a JSON
    column as its text; JSON writes a control character inside a string as ``\\u001e``, so no row
    holds the separator), or by nothing when the version is in the parameter: then PostgreSQL does
    not write the row at all (``CASE`` leaves the branch it does not take). One text costs the
    client less than half of what an array of texts or a JSON array does (docs/media.md)."""
    found = _versioned.get((connection.alias, alias, condition))
    if found is None:
        version = f"CAST({alias}.row_version AS text)"
        row = f"CAST(json_build_array({columns(alias).json_select(connection)}) AS text)"
        table = connection.ops.quote_name(Image._meta.db_table)
        found = _versioned[connection.alias, alias, condition] = (
            f"(SELECT string_agg(CASE WHEN strpos(%s, {version}) > 0 THEN {version} ELSE {version} || {row} END, chr(30))"
            f" FROM {table} {alias} WHERE {condition})"
        )
    return found


def known_versions(page, using="default"):
    """The parameter of :func:`versioned_rows_sql` for the page ``page`` (any hashable key, e.g. its
    address): the versions of the rows it read last, which this process keeps; '' for none."""
    return _known.get((using, page), "")


def images_from_versioned_rows(text, page, using="default"):
    """{id: Image} from what :func:`versioned_rows_sql` sent (``text``; None for no image) for the
    page ``page``: no query. A row sent is made into an instance once and kept under its version;
    a version sent alone finds the instance kept under it. One the process no longer keeps (only
    if the memo was emptied between the statement and here) is left out, and the page reads that
    image on its own (``rendering.page_context``)."""
    if not text:
        return {}
    found, changed = {}, False
    for part in text.split(ROW_SEPARATOR):
        key = (using, part[:VERSION_LENGTH])
        kept = _made.get(key)
        if len(part) > VERSION_LENGTH:
            changed = True  # a row this page did not name (kept already if another page shows it)
            if kept is None:
                kept = _keep(key, _json_columns.instance_from_json(connections[using], json.loads(part[VERSION_LENGTH:])))
        elif kept is None:
            changed = True  # named, but no longer kept: name it no more, so the next read sends it
            continue
        made = _copy(kept)
        found[made.pk] = made
    if changed:
        if len(_known) >= _KNOWN_MAX:
            _known.clear()
        _known[using, page] = ",".join(
            part[:VERSION_LENGTH] for part in text.split(ROW_SEPARATOR) if (using, part[:VERSION_LENGTH]) in _made
        )
    return found


def _kept(connection, image, rows):
    found = {}
    for row in rows:
        key = (connection.alias, row)
        kept = _made.get(key)
        if kept is None:
            kept = _keep(key, image.instance(connection, row))
        made = _copy(kept)
        found[made.pk] = made
    return found


def _keep(key, image):
    if len(_made) >= _MADE_MAX:
        _made.clear()
        _known.clear()  # its versions would name instances no longer kept
    _made[key] = image
    return image


def _copy(image):
    """A copy of a kept instance for one page: its own attributes and state (``copy.copy`` goes through
    ``Model.__reduce__`` and costs 7 µs an image; this, a dictionary copy, under 1 µs)."""
    made = Image.__new__(Image)
    attributes = image.__dict__.copy()
    attributes["_state"] = state = ModelState()
    state.db, state.adding = image._state.db, False
    made.__dict__ = attributes
    return made
