"""Hypothesis strategies for request targets: every URL pattern of the site filled with real, plausible and hostile values.

Used by the fuzz tests through the WSGI handler (``tests/test_url_fuzz.py``) and through a real
gunicorn (``tests/test_production_server.py``). A target is ``(path, query)`` as it would appear
on the request line: ASCII when percent-encoded, otherwise the UTF-8 bytes read as Latin-1.
"""

import re
import urllib.parse

from hypothesis import strategies as st

from tests.urlwalk import api_routes, public_routes, staff_routes

ROUTES = public_routes() + staff_routes() + api_routes()
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
