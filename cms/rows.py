"""Rows of a hand-written SELECT made into model instances the way the ORM makes them.

``Columns`` is a model's concrete columns under a table alias: their select list, and a row's
slice back to an instance (the database's converters, then ``Model.from_db()``), from a plain row
or from one the database wrote as a JSON array (PostgreSQL's ``json_agg``; dates and times come
as ISO 8601 text, a JSON column as its text: ``json_select``). Used by the article page's
statements (``articles/reads/postgresql.py``) and the media library's read of pictures
(``articles/media/reads.py``); it imports no app, so either room may use it.
"""

import datetime


def _json_kind(field):
    """The column's type as Django names it; a relation's is its target's (an id)."""
    while field.is_relation:
        field = field.target_field
    return field.get_internal_type()


# PostgreSQL writes these in JSON as the values themselves (numbers, text, true and false)...
_JSON_NATIVE = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "BooleanField",
    "FileField",  # the stored name
    "JSONField",  # as its text (json_select), decoded by the field's own converter
}
# ... and these as ISO 8601 text (a timestamptz with its offset).
_JSON_PARSERS = {
    "DateField": datetime.date.fromisoformat,
    "DateTimeField": datetime.datetime.fromisoformat,
    "TimeField": datetime.time.fromisoformat,
}


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
        self._json_select = {}
        self._json_parsers = None

    def select(self, connection):
        """The select list, e.g. ``a."id", a."title"``; worked out once per database."""
        found = self._select.get(connection.alias)
        if found is None:
            quote = connection.ops.quote_name
            found = self._select[connection.alias] = ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)
        return found

    def json_select(self, connection):
        """As ``select()``, for ``json_build_array()``: a JSON column as its text, which the
        field's converter decodes as it decodes the column read alone (``instance_from_json``)."""
        found = self._json_select.get(connection.alias)
        if found is None:
            quote = connection.ops.quote_name
            found = self._json_select[connection.alias] = ", ".join(
                f"CAST({self.alias}.{quote(f.column)} AS text)" if f.get_internal_type() == "JSONField"
                else f"{self.alias}.{quote(f.column)}"
                for f in self.fields
            )
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

    def json_parsers(self):
        """``(index, parse)`` for each column whose value JSON carries as text (dates and times);
        worked out once. A column of a type JSON cannot carry exactly (decimals...) stops here."""
        if self._json_parsers is None:
            parsers = []
            for index, field in enumerate(self.fields):
                kind = _json_kind(field)
                if kind not in _JSON_NATIVE:
                    parse = _JSON_PARSERS.get(kind)
                    if parse is None:
                        raise NotImplementedError(
                            f"{self.model.__name__}.{field.name}: a {kind} cannot be read from JSON on the article page"
                        )
                    parsers.append((index, parse))
            self._json_parsers = parsers
        return self._json_parsers

    def instance_from_json(self, connection, values):
        """As ``instance()``, for this model's slice of a row that PostgreSQL wrote as a JSON array."""
        parsers = self.json_parsers()
        if parsers:
            values = list(values)
            for index, parse in parsers:
                if values[index] is not None:
                    values[index] = parse(values[index])
        return self.instance(connection, values)

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
