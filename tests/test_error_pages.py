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


@pytest.mark.parametrize("url", ["/articles/no-such-article/", "/no/such/address/", "/tags/no-such-tag/"])
def test_with_debug_on_readers_still_get_the_sites_404_page(client, settings, url):
    """`make run` runs with DEBUG on: a missing article is the site's page, not Django's technical one."""
    settings.DEBUG = True
    response = client.get(url)
    assert response.status_code == 404
    assert "Using the URLconf" not in response.text and "Raised by" not in response.text
    assert "Page not found" in response.text and 'role="search"' in response.text


def test_with_debug_on_a_developer_can_ask_for_djangos_technical_404(client, settings):
    """?debug in the address shows Django's page, with what was tried."""
    settings.DEBUG = True
    response = client.get("/articles/no-such-article/?debug")
    assert response.status_code == 404
    assert "Raised by" in response.text or "Using the URLconf" in response.text
