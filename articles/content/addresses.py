"""Addresses of rows (an article's page, a tag's, a row's admin page), reversed once and filled in.

``reverse()`` is not free (docs/performance.md, "Measurements behind the code"); an article page links to a dozen rows, a list page to
twenty articles, the review schedule to 200, and every public page to the home page, the search and
the feed. Each route is reversed once per URLconf and script prefix, with a marker in its one
argument's place, and filled in with ``format``.
The value is percent-encoded as ``reverse()`` would (a tag's slug may hold letters beyond ASCII;
an article's or a series' slug is ASCII and comes out unchanged).
"""

import functools
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

MARKER = "0000000000"


# Mutable process state, on purpose: one reverse() per route (and URLconf, script prefix), then the
# addresses of rows are filled in; bounded, and keyed on what could change the answer.
@functools.lru_cache(maxsize=64)
def _pattern(viewname, arguments, script_prefix, urlconf):
    return reverse(viewname, args=[MARKER] * arguments, urlconf=urlconf).replace(MARKER, "{}")


def pattern(viewname, arguments=1):
    """``reverse(viewname, args=[value])`` as a format string with ``{}`` for the value
    (``arguments=0``: the address of a route without arguments, e.g. the home page)."""
    return _pattern(viewname, arguments, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def address(viewname, *values):
    """``reverse(viewname, args=values)`` for a route with no argument or one, without reversing."""
    if not values:
        return pattern(viewname, 0)
    (value,) = values
    return pattern(viewname).format(quote(str(value), safe=""))
