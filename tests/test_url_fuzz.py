"""Fuzzing every URL pattern through the production WSGI stack: no address or query string answers 5xx.

The patterns come from the URL resolver (``tests/urlwalk.py``, strategies in ``tests/urlfuzz.py``), so a public page added later is
fuzzed without touching this file. Each request goes through ``cms.wsgi.application`` as gunicorn
calls it (PATH_INFO percent-decoded to bytes and read as Latin-1, the query string as sent), with
DEBUG off, the production middleware and the page cache on, so the cache's WSGI fast path, its
middleware and Django's handler are all in the way. Hypothesis fills each captured argument with
a real slug or key, something that matches the converter, or junk (any script, control
characters and NUL, percent signs, thousands of characters), and adds a query string with odd
``page``, ``q``, ``p`` and date-like values. The admin is walked separately, role by role
(``tests/test_admin_walk.py``); here staff pages are fuzzed as an anonymous visitor, who must
be sent to the login page or refused, never served.
"""

import os

import pytest
from gunicorn.util import unquote_to_wsgi_str
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.urlfuzz import LONG_TEXT, ODD_TEXT, ROUTES, encoded, query_string, request_target
from tests.urlwalk import api_routes, public_routes

pytestmark = pytest.mark.django_db

# About 200 requests over today's 17 patterns: seconds, not minutes. VETTED_FUZZ_EXAMPLES=500 for a deeper run.
EXAMPLES_PER_ROUTE = int(os.environ.get("VETTED_FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, suppress_health_check=list(HealthCheck))



@pytest.fixture
def fuzz_site(make):
    """Real rows, so valid-looking arguments also reach real pages (and their cached copies)."""
    reviewer = make.reviewer(name="Dr. Kay", slug="dr-k")
    article = make.article(title="Breast cancer", slug="breast-cancer", tags=["乳腺癌", "Ménière's disease", "oncology"])
    make.review(article, reviewer_=reviewer)
    series = make.series(title="By stage", slug="by-stage")
    make.series_entry(series, article, 1)
    make.article(title="A draft", slug="a-draft", status="draft", tags=["draft only"])
    return {
        "slug": ["breast-cancer", "a-draft", "by-stage", "dr-k", "乳腺癌", "ménières-disease", "oncology", "draft-only",
                 "articles", "tags", "series"],
        "pk": [str(article.pk), "0", "2147483648"],
        "history_id": ["1", "99999999999999999999"],
        "section": ["articles", "series", "tags", "reviewers", "nope"],
    }


def fetch(wsgi, target, cookie):
    """Send ``target`` (path and query as on the request line) through the WSGI application as gunicorn would."""
    path, query = target
    extra = {"RAW_URI": f"{path}?{query}" if query else path}
    if cookie:
        extra["HTTP_COOKIE"] = cookie
    status, headers, body, _ = wsgi(unquote_to_wsgi_str(path), query=query, **extra)
    return status, headers, body


PUBLIC = public_routes()
API = api_routes()  # a key or its docs page: fuzzed for 5xx here, for its contract in tests/api/test_contract.py
COOKIES = st.sampled_from(["", "sessionid=x", "sessionid=" + "a" * 4000, "csrftoken=\u00e9; sessionid=\x7f"])


def describe(target, status, body):
    return f"{target!r} answered {status}: {body[:300]!r}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_address_answers_5xx_and_no_staff_page_serves_an_anonymous_visitor(wsgi, fuzz_site, route):
    """Any filling of a pattern, with any query string, answers below 500 through the production stack;
    a staff pattern (fuzzed as an anonymous visitor) is a redirect to the login page or a refusal, never the page."""
    staff = route not in PUBLIC and route not in API

    @FUZZ
    @given(target=request_target(route, fuzz_site), cookie=COOKIES)
    def check(target, cookie):
        status, headers, body = fetch(wsgi, target, cookie)
        assert status < 500, describe(target, status, body)
        if staff:
            assert status != 200, describe(target, status, body)
            if status == 302:
                assert headers["Location"].startswith("/admin/login/"), headers["Location"]

    check()


@FUZZ
@given(path=st.lists(ODD_TEXT | LONG_TEXT, min_size=1, max_size=4), how=st.sampled_from(["quoted", "half", "raw"]),
       query=query_string(), prefix=st.sampled_from(["", "admin/", "staff/", "preview/", "tags/", "articles/", "static/"]))
def test_an_address_matching_no_pattern_answers_below_500(wsgi, path, how, query, prefix):
    """Paths that follow no pattern at all (under any prefix, the admin's included) answer 4xx or a redirect."""
    target = ("/" + prefix + "/".join(encoded(part, how) for part in path), query)
    status, _, body = fetch(wsgi, target, "")
    assert status < 500, describe(target, status, body)
