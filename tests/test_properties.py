"""Property-based: any path argument or query string on a public URL answers 200, 301/302, 304, 400 or 404, never 500.

Routes come from the URL resolver, so public pages added later are covered too.
"""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.urlwalk import public_routes

pytestmark = pytest.mark.django_db

ALLOWED = {200, 301, 302, 304, 400, 404, 405}  # 405: GET of the search log beacon, which takes POST only
ODD = ["\x00", "\u200f", "\u200e", "\u202e", "\u200d", "\u200b", "\ufeff", "%", "%00", "/", "..", "?", "#", "&", "=",
       "'", '"', "<", ">", "\\", " ", "\t", "\n", "é", "ß", "İ", "ﬁ", "😷", "مرحبا", "עברית", "-", "_", "0", "9"]

text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(ODD), max_size=20).map("".join),
    st.builds(lambda piece, n: piece * n, st.text(min_size=1, max_size=4), st.integers(300, 3000)),  # very long
    st.sampled_from(["", "0", "-1", "1e9", "99999999999999999999999", "last", "NaN", "0x10", " 2 "]),
)
query = st.dictionaries(
    keys=st.one_of(st.sampled_from(["page", "q", "sort", "tag", "format", "utm_source", "next"]), st.text(min_size=1, max_size=10)),
    values=st.one_of(text, st.lists(text, max_size=3)),
    max_size=4,
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ROUTES = public_routes()


def fill(route, values):
    """The route with each <converter:name> replaced by the percent-encoded value."""
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: quote(values[m.group(1)], safe=""), route.route)


@pytest.fixture
def content(make):
    article = make.article(slug="fatigue", tags=["fatigue"])
    reviewer = make.reviewer(slug="dr-k")
    make.review(article, reviewer_=reviewer)
    make.series_entry(make.series(slug="stages"), article, 1)


@pytest.mark.parametrize("route", ROUTES, ids=str)
@SETTINGS
@given(data=st.data())
def test_any_argument_and_query_string_never_answers_500(client, content, route, data):
    values = {name: data.draw(text, label=name) for name in route.kwargs}
    params = data.draw(query, label="query")
    response = client.get(fill(route, values), params)
    assert response.status_code in ALLOWED, (fill(route, values), params, response.status_code)


@pytest.mark.parametrize("route", ROUTES, ids=str)
@SETTINGS
@given(params=query)
def test_real_pages_survive_any_query_string(client, content, route, params):
    """The same with valid path arguments, so the query reaches the view."""
    real = {"articles": "fatigue", "series": "stages", "reviewers": "dr-k", "tags": "fatigue"}.get(route.route.split("/")[0], "fatigue")
    values = {name: real if name == "slug" else "1" for name in route.kwargs}
    response = client.get(fill(route, values), params)
    assert response.status_code in ALLOWED, (route, params, response.status_code)


@SETTINGS
@given(path=st.lists(text, min_size=1, max_size=4))
def test_any_path_never_answers_500(client, content, path):
    response = client.get("/" + "/".join(quote(part, safe="") for part in path))
    assert response.status_code in ALLOWED


@pytest.mark.parametrize("url", ["/?q=%00", "/articles/fa%00tigue/", "/?page=%00"])
def test_a_nul_character_is_a_bad_request(client, content, url):
    assert client.get(url).status_code in {400, 404}
    assert client.get("/?q=a\x00b").status_code == 400


def test_every_public_route_is_covered():
    assert {r.name for r in ROUTES} >= {"articles:home", "articles:detail", "articles:series", "articles:reviewer", "articles:tag"}


@pytest.mark.parametrize("url", ["/static/%00", "/static/css/site.css%00", "/static/%2e%2e/%2e%2e/etc/passwd"])
def test_hostile_static_paths_are_refused_not_500(client, url):
    assert client.get(url).status_code in {400, 404}
