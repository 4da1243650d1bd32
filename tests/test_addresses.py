"""``articles.content.addresses``: the address of a row, reversed once and filled in, is what ``reverse()`` gives."""

import pytest
from django.urls import include, path, reverse, set_script_prefix

from articles.content.addresses import address


@pytest.mark.parametrize(
    "viewname, value",
    [
        ("articles:detail", "stage-4-breast-cancer-treatment-options"),
        ("articles:series", "breast-cancer-by-stage"),
        ("articles:reviewer", "dr-k"),
        ("articles:tag", "ménières-disease"),
        ("articles:tag", "乳腺癌"),
        ("articles:tag_feed", "asthma"),
        ("admin:articles_article_change", 12345),
    ],
)
def test_the_same_address_as_reverse(viewname, value):
    assert address(viewname, value) == reverse(viewname, args=[value])


def test_a_site_under_a_path_prefix_gets_its_prefix():
    try:
        set_script_prefix("/health/")
        assert address("articles:detail", "asthma") == "/health/articles/asthma/" == reverse("articles:detail", args=["asthma"])
    finally:
        set_script_prefix("/")
    assert address("articles:detail", "asthma") == "/articles/asthma/"


# A URLconf that mounts the public site under /library/ (for the test below).
urlpatterns = [path("library/", include("articles.public.urls"))]


def test_another_urlconf_is_not_served_a_remembered_pattern(settings):
    assert address("articles:detail", "asthma") == "/articles/asthma/"
    settings.ROOT_URLCONF = __name__
    assert address("articles:detail", "asthma") == "/library/articles/asthma/" == reverse("articles:detail", args=["asthma"])


@pytest.mark.parametrize("viewname", ["articles:home", "articles:search", "articles:feed", "articles:series_index"])
def test_a_route_without_arguments_has_the_address_reverse_gives(viewname):
    assert address(viewname) == reverse(viewname)
    try:
        set_script_prefix("/health/")
        assert address(viewname) == reverse(viewname) and address(viewname).startswith("/health/")
    finally:
        set_script_prefix("/")
