"""Prepared statements for the few statements every uncached article page runs (PostgreSQL).

PostgreSQL plans each statement it is sent. For the article page's eight short reads, planning
cost more than running them, against a fraction of that with each
statement prepared once per connection and then executed with new values
(docs/performance.md, "Measurements behind the code"). Django sends every statement with its values written in (psycopg's client-side
binding) and cannot prepare them. ``prepared_cursor()`` gives a cursor that sends the values apart and prepares the statement
the first time a connection runs it; psycopg keeps the last 100 per connection.

Only statements whose best plan does not depend on their values belong here: a row by its key or
its slug, an article's children by the article's id. PostgreSQL may reuse one plan for every
value of a prepared statement, which suits those and would not suit a search or a deep page.

Off with ``DB_PREPARED_STATEMENTS=0`` (e.g. behind PgBouncer in transaction mode without
``max_prepared_statements``). On SQLite ``prepared_cursor()`` is Django's plain cursor.
The wrapper is Django's own, so the statements are counted and logged like any other.
"""

import psycopg
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

_TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid


class PreparedCursor(psycopg.Cursor):
    """psycopg's server-side binding cursor, preparing each statement it executes."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


def prepares(connection):
    """Whether ``connection`` prepares statements: PostgreSQL, with a prepare threshold (settings)."""
    return connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None


def prepared_cursor(connection):
    """A cursor on ``connection`` (used as ``with prepared_cursor(connection) as cursor:``) whose
    statements are prepared on PostgreSQL; Django's plain cursor elsewhere."""
    if not prepares(connection):
        return connection.cursor()
    # What connection.cursor() does, with this cursor class: a live connection, the time zone
    # the connection expects for timestamps, and Django's wrapper (query logging and counting).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = PreparedCursor(connection.connection)
        loader = connection.connection.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        connection.validate_thread_sharing()
        return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
