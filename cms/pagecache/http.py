"""The page cache's HTTP side: which requests it serves, page keys, the recent pages a process keeps, stored entries and the headers of a hit."""

import collections
import functools
import hashlib
import math
import threading
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from cms.pagecache.generation import GENERATION_KEY, _cache, _shared_generation, cache_is_shared, local_generation

# Request headers that can turn a page into a 304 or 412 (get_conditional_response reads only these).
_CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
HIT, MISS, OFF, BYPASS, UNAVAILABLE = "hit", "miss", "off", "bypass", "unavailable"
STATUS_HEADER = "X-Vetted-Cache"
# Headers that describe one response, not the page: never stored with it.
_UNSTORED_HEADERS = {
    "set-cookie", "date", "expires", "cache-control", "etag", "last-modified", "content-length", "vary", "x-vetted-cache"
}
# --- the page cache ----------------------------------------------------------------------------


def is_private_request(request):
    """Whether ``request`` comes from someone signed in: never cached nor served from the cache.

    A session cookie alone is not enough: one that names no session, or a session nobody is
    signed in to (stale, forged, ``sessionid=x``), gets the cached page like any reader, so a
    cookie cannot turn every request into a full render. The answer is kept in the request's
    environ, so the fast path, the middleware and the view read the session once between them.
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    known = request.META.get(_SIGNED_IN_KEY)
    if known is None or known[0] != key:
        known = request.META[_SIGNED_IN_KEY] = (key, _names_signed_in_session(key))
    return known[1]


_SIGNED_IN_KEY = "vetted.signed_in"  # in the WSGI environ: (session key, whether it is signed in), read once


def _names_signed_in_session(key):
    """Whether session ``key`` exists and holds a signed-in user (one read; none for a malformed key)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    if store.session_key is None:  # refused by the backend's own key check (too short, not a string)
        return False
    return auth.SESSION_KEY in store


def page_key(request, params):
    """The cache key of a page: scheme, host, path and only the query parameters the view reads."""
    if request.META.get("QUERY_STRING"):
        query = urlencode(sorted((name, value) for name in params for value in request.GET.getlist(name)))
    else:
        query = ""  # most requests: no query string to parse
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "page:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


class RecentPages:
    """A shared cache's pages that this process served lately, so a hit fetches only the counter.

    An entry here is the same one the shared cache holds, under the same generation, and is used
    only while that generation is current (read from the shared cache on every request), so it
    is exactly as fresh as the shared copy; what it saves is bringing the page (tens of KB) over
    the network and unpickling it on every hit. Least recently used pages go first, beyond
    ``max_bytes`` of bodies.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._entries = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = len(entry.get("body", b""))
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.get("body", b""))
            if size > self.max_bytes:
                return
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.get("body", b""))

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0


recent_pages = RecentPages(max_bytes=16 * 2**20)


def _lookup(key):
    """The current generation and the stored entry for ``key``.

    Shared cache: one round trip, for the counter alone when this process holds the page under
    it (``RecentPages``), else for both. Local memory: no round trip (``local_generation``).
    """
    if not cache_is_shared():
        return local_generation(), _cache().get(key)
    recent = recent_pages.get(key)
    if recent is not None:
        generation = _shared_generation(_cache().get(GENERATION_KEY))
        if generation is not None and recent["generation"] == generation:
            return generation, recent
        stored = _cache().get(key) if generation is not None else None
    else:
        found = _cache().get_many([GENERATION_KEY, key])
        generation = _shared_generation(found.get(GENERATION_KEY))
        stored = found.get(key)
    if stored is not None and generation is not None and stored["generation"] == generation:
        recent_pages.put(key, stored)
    return generation, stored


def _storable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _own_headers(entry, now):
    """The headers of this response of a page: for shared caches, its validators."""
    shared_seconds = max(0, int(min(settings.HTTP_CACHE_SECONDS, entry["expires"] - now)))
    own = {"Cache-Control": f"public, max-age=0, s-maxage={shared_seconds}", "ETag": entry["etag"]}
    if entry.get("last_modified"):
        own["Last-Modified"] = http_date(entry["last_modified"])
    return own


def _hit_headers(entry, now):
    """Every header of a plain 200 hit, as WSGI wants them. The stored headers never include Vary
    (see _UNSTORED_HEADERS), so it is just Cookie; Content-Length is set here because a hit skips
    CommonMiddleware, and without a length gunicorn would chunk."""
    return [
        *entry["headers"], *_own_headers(entry, now).items(),
        ("Vary", "Cookie"), (STATUS_HEADER, HIT), ("Content-Length", str(len(entry["body"]))),
    ]


def _respond(request, entry, response, status, now):
    """Headers for a public page, then a 304 if the reader's copy is current."""
    last_modified = entry.get("last_modified")
    if response is None:
        response = HttpResponse(entry["body"], headers=dict(_hit_headers(entry, now)))
    else:
        for name, value in _own_headers(entry, now).items():
            response.headers[name] = value
        patch_vary_headers(response, ("Cookie",))
    if any(name in request.META for name in _CONDITIONAL_HEADERS):
        response = get_conditional_response(
            request, etag=entry["etag"], last_modified=int(last_modified) if last_modified else None, response=response
        )
    response.headers[STATUS_HEADER] = status
    if response.status_code == 200:
        # Set here: a hit skips CommonMiddleware, and without a length gunicorn would chunk.
        response.headers["Content-Length"] = str(len(response.content))
        if request.method == "HEAD":
            response.content = b""
    return response


def _fresh(stored, generation, now):
    return generation is not None and stored is not None and stored["generation"] == generation and stored["expires"] > now


def _stored_headers(response):
    return [(k, v) for k, v in response.headers.items() if k.lower() not in _UNSTORED_HEADERS]


def _store(key, entry, now):
    _cache().set(key, entry, timeout=max(1, math.ceil(entry["expires"] - now)))
    if cache_is_shared():
        recent_pages.put(key, entry)


@functools.lru_cache(maxsize=4096)
def _is_public_page(path):
    """Whether ``path`` is served by a ``@public_page`` view: other paths (static files, the admin) skip the cache.

    Remembered per path (bounded): resolving a URL costs about a third of a cache hit.
    """
    try:
        return getattr(resolve(path).func, "vetted_public_page", False)
    except Resolver404:
        return False


@receiver(setting_changed)
def _forget_resolved_paths(setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests that swap the URLconf
        _is_public_page.cache_clear()

