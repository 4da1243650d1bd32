"""Readers who hit an error see a plain, friendly page: never a traceback."""

import pytest

from articles.models import ArticleQuerySet

pytestmark = pytest.mark.django_db


def test_a_server_error_shows_the_friendly_500_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(ArticleQuerySet, "published", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and '<a href="/">Go to the home page</a>' in response.text
    assert "database on fire" not in response.text and "Traceback" not in response.text


def test_a_missing_page_shows_the_friendly_404_page_with_search(client):
    response = client.get("/articles/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.text and 'role="search"' in response.text
