"""The pages' reads of their pictures: rows made into ``Image`` instances, kept per process.

The article page on PostgreSQL reads its pictures inside its own statement
(``articles/reads/postgresql.py``, as a JSON array of rows) and hands the rows here
(:func:`images_from_rows`); elsewhere (SQLite, the preview, the API, the workflow's checks) they are
read by one fixed statement (:func:`images_by_id`). Building and compiling an ORM queryset for
``Image.objects.filter(pk__in=...)`` cost the article page about as much CPU as the rest of its
pictures' share (the same finding as ``articles/reads/postgresql.py``, docs/performance.md). Both
make instances with ``cms.rows.Columns`` from the model's ``_meta`` (a new field is read without a
change here): the database's converters, then ``Model.from_db()``. tests/test_media_articles.py
holds both to what the ORM reads for the same rows.

The page shows the same pictures request after request, and making 11 instances from their rows
(converters, JSON, ``from_db``) was most of what pictures cost a page. So each instance is kept
per process under its row, exactly as read: a row that differs in any column (a new caption, a
new file, an ``update()`` that did not touch ``updated_at``) makes a new instance, and the page
gets a copy, never the kept one.
"""

import json

from django.db import connections, router
from django.db.models.base import ModelState

from cms.prepared import prepared_cursor, prepares
from cms.rows import Columns

from .models import Image

_prepared = {}  # database alias -> (Columns, SELECT ... WHERE id)
_made = {}  # (database alias, row as read: a tuple, or its JSON text) -> Image
_MADE_MAX = 5_000


def columns(alias):
    """The image's columns under the table ``alias``, in the order :func:`images_from_rows` reads them."""
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


# Mutable process state, on purpose: one Columns per database for rows written as JSON.
_json_columns = {}


def images_from_rows(rows, using="default"):
    """{id: Image} for rows another statement read: no query. Each row is the JSON text of an
    array of the image's columns in :func:`columns`' order, a JSON column as its text
    (``Columns.json_select``); an instance already made from the same text is copied, not remade
    (its text is decoded only then)."""
    if not rows:
        return {}
    connection = connections[using]
    found = {}
    for text in rows:
        key = (using, text)
        kept = _made.get(key)
        if kept is None:
            image = _json_columns.get(using)
            if image is None:
                image = _json_columns[using] = columns("i")
            kept = _keep(key, image.instance_from_json(connection, json.loads(text)))
        made = _copy(kept)
        found[made.pk] = made
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
    _made[key] = image
    return image


def _copy(image):
    """A copy of a kept instance for one page: its own attributes and state (``copy.copy`` goes through
    ``Model.__reduce__`` and costs 7 µs an image; this, a dictionary copy)."""
    made = Image.__new__(Image)
    made.__dict__.update(image.__dict__)
    made._state = ModelState()
    made._state.db, made._state.adding = image._state.db, False
    return made
