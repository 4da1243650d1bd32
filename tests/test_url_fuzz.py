"""Fuzzing every URL pattern through the production WSGI stack: no address or query string answers 5xx.

The patterns come from the URL resolver (``tests/urlwalk.py``), so a public page added later is
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
import re
import urllib.parse

import pytest
from gunicorn.util import unquote_to_wsgi_str
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.urlwalk import public_routes, staff_routes

pytestmark = pytest.mark.django_db

# About 200 requests over today's 17 patterns: seconds, not minutes. VETTED_FUZZ_EXAMPLES=500 for a deeper run.
EXAMPLES_PER_ROUTE = int(os.environ.get("VETTED_FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, suppress_health_check=list(HealthCheck))

ROUTES = public_routes() + staff_routes()
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# Characters a bot or a mangled link puts in an address: any script, bidi and zero-width marks,
# NUL and other controls, and the URL's own syntax.
ODD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\u202e", "\u200d", "%", "/", "?", "#", ".", " ", "+", "乳", "é", "😀", "\ufffd"]),
    ),
    min_size=1,
    max_size=40,
)
LONG_TEXT = st.builds(lambda char, n: char * n, st.sampled_from(["a", "é", "乳", "9", "%"]), st.integers(300, 5000))
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["0", "-1", "1e9", "NaN", "inf", "1.5", "２", "٣", "9223372036854775808", "0x10", ""]),
)
BAD_DATES = st.sampled_from(["0000-00-00", "9999-12-31", "10000-01-01", "2024-02-30", "1-1-1", "yesterday", "2024-13-01"])
ANY_VALUE = st.one_of(NUMBERS, BAD_DATES, ODD_TEXT, LONG_TEXT)
QUERY_KEYS = st.one_of(st.sampled_from(["page", "q", "p", "year", "month", "date", "utm_source", "format", "next"]), ODD_TEXT)


def encoded(text, how):
    """``text`` as a client would put it in a request target: percent-encoded UTF-8, or its raw bytes."""
    if how == "quoted":
        return urllib.parse.quote(text, safe="")
    if how == "half":  # only what would break the request line
        return urllib.parse.quote(text, safe="%/=&;+,")
    return text.encode("utf-8", "surrogatepass").decode("latin-1")  # raw bytes, read as Latin-1 as gunicorn does


@st.composite
def argument(draw, converter, real_values):
    """A value for one captured argument: a real one, one the converter accepts, or junk."""
    choices = [st.one_of(ODD_TEXT, LONG_TEXT, NUMBERS)]
    if real_values:
        choices.append(st.sampled_from(real_values))
    if converter is not None:
        choices.append(st.from_regex(f"(?:{converter.regex})", fullmatch=True).filter(lambda v: len(v) < 300))
    return draw(st.one_of(choices))


@st.composite
def query_string(draw):
    """Empty, or up to four pairs; keys and values encoded as a browser would or sent raw."""
    pairs = draw(st.lists(st.tuples(QUERY_KEYS, ANY_VALUE), max_size=4))
    how = draw(st.sampled_from(["quoted", "half", "raw"]))
    return "&".join(f"{encoded(key, how)}={encoded(value, how)}" for key, value in pairs)


@st.composite
def request_target(draw, route, real_values):
    """The path of ``route`` with each argument filled by ``argument()``, and a query string."""
    how = draw(st.sampled_from(["quoted", "half", "raw"]))

    def fill(match):
        converter = route.converters.get(match.group("name"))
        return encoded(draw(argument(converter, real_values.get(match.group("name"), []))), how)

    path = "/" + PLACEHOLDER.sub(fill, route.route)
    if draw(st.integers(0, 3)) == 0:
        path = path.rstrip("/") if draw(st.booleans()) else path + encoded(draw(ODD_TEXT), how)
    return path, draw(query_string())


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


COOKIES = st.sampled_from(["", "sessionid=x", "sessionid=" + "a" * 4000, "csrftoken=\u00e9; sessionid=\x7f"])


def describe(target, status, body):
    return f"{target!r} answered {status}: {body[:300]!r}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r in public_routes()], ids=str)
def test_no_public_address_answers_5xx(wsgi, fuzz_site, route):
    """Any filling of a public pattern, with any query string, answers below 500 through the production stack."""

    @FUZZ
    @given(target=request_target(route, fuzz_site), cookie=COOKIES)
    def check(target, cookie):
        status, _, body = fetch(wsgi, target, cookie)
        assert status < 500, describe(target, status, body)

    check()


@pytest.mark.parametrize("route", staff_routes(), ids=str)
def test_no_staff_address_serves_an_anonymous_visitor_or_answers_5xx(wsgi, fuzz_site, route):
    """Staff patterns, fuzzed as an anonymous visitor: a redirect to the login page or a refusal, never a page or a 5xx."""

    @FUZZ
    @given(target=request_target(route, fuzz_site), cookie=COOKIES)
    def check(target, cookie):
        status, headers, body = fetch(wsgi, target, cookie)
        assert status < 500, describe(target, status, body)
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
