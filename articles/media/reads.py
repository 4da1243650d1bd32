"""The article page's one read of its pictures, as a fixed statement.

Building and compiling an ORM queryset for ``Image.objects.filter(pk__in=...)`` cost the article
page about as much CPU as the rest of its pictures' share (the same finding as
``articles/reads/postgresql.py``, docs/performance.md). Here the statement is written once per database
from the model's ``_meta`` (a new field is read without a change here) and its rows become
instances the way the ORM makes them: the database's converters, then ``Model.from_db()``.
tests/test_media_articles.py holds it to what the ORM reads for the same rows.

The page shows the same pictures request after request, and making 11 instances from their rows
(converters, JSON, ``from_db``) was most of what pictures cost a page. So each instance is kept
per process under its row, exactly as read: a row that differs in any column (a new caption, a
new file, an ``update()`` that did not touch ``updated_at``) makes a new instance, and the page
gets a copy, never the kept one.
"""

from django.db import connections, router
from django.db.models.base import ModelState

from cms.prepared import prepared_cursor, prepares

from .models import Image

_FIELDS = [field for field in Image._meta.concrete_fields]
_ATTNAMES = [field.attname for field in _FIELDS]
_prepared = {}  # database alias -> (SELECT ... WHERE id, converters)
_made = {}  # (database alias, row as read) -> Image
_MADE_MAX = 5_000


def _statement(connection):
    found = _prepared.get(connection.alias)
    if found is None:
        quote = connection.ops.quote_name
        table = quote(Image._meta.db_table)
        columns = ", ".join(f"{table}.{quote(field.column)}" for field in _FIELDS)
        converters = []
        for index, field in enumerate(_FIELDS):
            column = field.get_col(Image._meta.db_table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if functions:
                converters.append((index, functions, column))
        select = f"SELECT {columns} FROM {table} WHERE {table}.{quote(Image._meta.pk.column)}"
        found = _prepared[connection.alias] = (select, converters)
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
    select, converters = _statement(connection)
    condition, params = _where_ids(connection, ids)
    with prepared_cursor(connection) as cursor:
        cursor.execute(select + condition, params)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        key = (connection.alias, row)
        image = _made.get(key)
        if image is None:
            image = _made[key] = _from_row(connection, converters, row)
            if len(_made) > _MADE_MAX:
                _made.clear()
        image = _copy(image)
        found[image.pk] = image
    return found


def _copy(image):
    """A copy of a kept instance for one page: its own attributes and state (``copy.copy`` goes through
    ``Model.__reduce__`` and costs 7 µs an image; this, a dictionary copy)."""
    made = Image.__new__(Image)
    made.__dict__.update(image.__dict__)
    made._state = ModelState()
    made._state.db, made._state.adding = image._state.db, False
    return made


def _from_row(connection, converters, row):
    values = list(row)
    for index, functions, column in converters:
        value = values[index]
        for function in functions:
            value = function(value, column, connection)
        values[index] = value
    return Image.from_db(connection.alias, _ATTNAMES, values)
