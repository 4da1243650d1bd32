"""The article page's statements are prepared once per connection on PostgreSQL (``cms.prepared``).

Prepared, PostgreSQL plans each of them once instead of on every uncached page. They must read the
same rows, count as queries like any other, leave Django's own statements unprepared, and stop
being prepared when the setting turns them off (a pooler that cannot keep them).
"""

import ast
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.prepared import PreparedCursor, prepared_cursor, prepares

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def sent(logged):
    """The statement of a logged query: Django logs one sent with its values apart as
    ``QUERY = '<statement>' - PARAMS = (...)``."""
    found = re.fullmatch(r"QUERY = (.*) - PARAMS = .*", logged, re.DOTALL)
    assert found, f"not sent with its values apart: {logged[:80]}"
    return ast.literal_eval(found[1])


def forget_prepared():
    """A clean slate: ``DEALLOCATE ALL`` drops the server's prepared statements, and psycopg,
    seeing it, forgets its record of them."""
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")


@pytest.fixture
def article_page(make, client):
    article = make.article(title="Stage 4 Breast Cancer Treatment Options", tags=["stage 4", "breast cancer"])
    make.review(article)
    make.cite(article, make.reference(title="Metastatic disease"), position=1)
    make.article(title="Another article", tags=["stage 4"])  # a related post
    return lambda: client.get(article.get_absolute_url())


def test_the_article_pages_reads_are_prepared_and_django_statements_are_not(article_page):
    forget_prepared()
    with CaptureQueriesContext(connection) as page:
        response = article_page()
    assert response.status_code == 200
    statements = prepared_statements()
    # The article with its tags, corrections, reviews, citations, series neighbours and the next
    # go-live time (one statement), and related posts: every statement of the page is prepared,
    # and each is counted as a query as before.
    assert len(statements) == 2
    assert sorted(sent(query["sql"]) for query in page.captured_queries) == sorted(
        re.sub(r"\$\d+", "%s", statement) for statement in statements
    )
    # Django's statements (here a count through the ORM) stay client-side and unprepared.
    from articles.models import Article

    Article.objects.filter(title__startswith="Stage").count()
    assert len(prepared_statements()) == 2


def test_a_second_view_reuses_the_prepared_statements_and_reads_the_same_page(article_page):
    forget_prepared()
    first = article_page()
    second = article_page()
    assert second.content == first.content
    assert len(prepared_statements()) == 2


def test_turned_off_nothing_is_prepared_and_the_page_is_the_same(article_page, monkeypatch):
    forget_prepared()
    prepared = article_page().content
    forget_prepared()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", None)
    assert not prepares(connection)
    with prepared_cursor(connection) as cursor:
        assert not isinstance(cursor.cursor, PreparedCursor)
    assert article_page().content == prepared
    assert prepared_statements() == []
