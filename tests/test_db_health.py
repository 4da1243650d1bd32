"""A kept database connection is checked before each request uses it, without a round trip while
it is sound (``cms/postgresql/base.py``): a server that ended it since is noticed and the request
gets a new connection, not an error."""

import select
import time

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.db.backends.postgresql.base import DatabaseWrapper as DjangosWrapper

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the health check is PostgreSQL's")


def end_this_connection_from_the_server():
    """What a database restart does to a kept connection: the server ends it."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not select.select([connection.connection.pgconn.socket], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "the server's goodbye never arrived"


def test_a_sound_idle_connection_is_usable_without_asking_the_server(monkeypatch):
    connection.ensure_connection()
    asked = []
    monkeypatch.setattr(DjangosWrapper, "is_usable", lambda self: asked.append(1) or True)
    assert connection.is_usable()
    assert asked == []


def test_a_connection_the_server_ended_is_not_usable():
    connection.ensure_connection()
    end_this_connection_from_the_server()
    assert not connection.is_usable()
    connection.close()


def test_the_next_request_after_the_server_ended_the_connection_is_served(client, make):
    article = make.article(title="Still here")
    assert client.get(article.get_absolute_url()).status_code == 200  # the connection is kept after
    end_this_connection_from_the_server()
    # What every request starts with; the test client leaves it out (it keeps the test's connection).
    close_old_connections()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "Still here" in response.text
