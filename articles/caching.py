"""Caching of public pages for anonymous readers, and HTTP conditional requests.

One mechanism for the whole site (docs/performance.md):

- The **content generation** names the current state of everything readers can see. Every
  cached page remembers the generation it was rendered at and is served only while that is
  still the current one. ``invalidate()`` moves the generation on after the transaction
  commits; the receivers at the bottom call it whenever a row that a page shows is saved or
  deleted, so any service (publish, edit, review, import) invalidates without knowing about
  caching. Code that writes with ``QuerySet.update()`` or ``bulk_create`` (no signals) calls
  ``invalidate()`` itself.
- Where the generation lives depends on the cache. A shared cache (Redis) keeps it as a
  counter beside the pages, so a hit costs one round trip: for the counter alone while this
  process still holds the page under it (``RecentPages``), else for both.
- A per-process cache (local memory, the default) cannot see another worker's invalidation.
  Its generation has two parts: a token in a small file that every worker on the machine reads
  on each request (a few microseconds, so the workers of one machine agree at once), and the
  one-row ``ContentGeneration`` table, which each worker reads again at most every
  ``PAGE_CACHE_RECHECK_SECONDS``, for edits made on other machines. Without a usable file every
  request reads the table.
- Scheduled go-live needs no write: a page is kept no longer than the next ``publish_at``
  still in the future, in the cache and in ``Cache-Control``.
- Readers signed in (a session cookie naming a live session with a user: staff) bypass the
  cache and get ``no-store`` pages; a stale or forged session cookie does not. All cached
  pages say ``Vary: Cookie``.
- Every response of a decorated view carries a strong ``ETag`` (a hash of the body) and is
  answered with 304 when the reader's copy is current; cached pages also carry
  ``Last-Modified``, the time the cache first saw this body.
"""

import collections
import datetime
import functools
import hashlib
import logging
import math
import os
import secrets
import stat
import tempfile
import threading
import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.core.cache import caches
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger("vetted.cache")

GENERATION_KEY = "content-generation"
# Request headers that can turn a page into a 304 or 412 (get_conditional_response reads only these).
_CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
HIT, MISS, OFF, BYPASS, UNAVAILABLE = "hit", "miss", "off", "bypass", "unavailable"
STATUS_HEADER = "X-Vetted-Cache"
# Headers that describe one response, not the page: never stored with it.
_UNSTORED_HEADERS = {
    "set-cookie", "date", "expires", "cache-control", "etag", "last-modified", "content-length", "vary", "x-vetted-cache"
}


# --- the generation --------------------------------------------------------------------------


def _cache():
    return caches["default"]


def cache_is_shared():
    """Whether the cache is one store for every process (Redis, memcached), not per-process memory."""
    return isinstance(_cache(), RedisCache | BaseMemcachedCache)


def database_generation():
    """The generation as the database knows it: a token that changes on every bump."""
    from .models import ContentGeneration

    # Raw SQL: this runs on every cached request, and building the ORM query would cost more
    # than running it.
    table = connection.ops.quote_name(ContentGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value, changed_at FROM {table} WHERE id = 1")  # noqa: S608 (no input)
        row = cursor.fetchone()
    if row is None:
        return "d0"
    # The time tells a recreated row from the one before; hashed to keep cache keys plain.
    return f"d{row[0]}-" + hashlib.md5(str(row[1]).encode(), usedforsecurity=False).hexdigest()[:10]


def _seed_shared_generation():
    # A value never used before: pages cached under an older counter (if only the counter was
    # lost) can then never match again.
    _cache().add(GENERATION_KEY, time.time_ns(), timeout=None)
    value = _cache().get(GENERATION_KEY)
    return None if value is None else f"r{value}"


# --- the generation of a per-process cache: a file for this machine, the database for others ---

_UNUSABLE = object()  # the generation file cannot be used: every request reads the database
_database = {"token": None, "read_at": None}  # the database's generation as this process last read it
_warned = set()
_clock = time.monotonic  # tests move it on


def generation_file():
    """The file the workers of this machine share the generation through, or None if it cannot be used.

    ``PAGE_CACHE_GENERATION_FILE``, or one named after the database in a private directory of the
    temporary directory: every process on this machine that uses the same database (web workers,
    management commands) finds the same file. A directory that another user could write to is
    refused, since a token written there could bring back a stale page.
    """
    path = settings.PAGE_CACHE_GENERATION_FILE or _default_generation_file(
        connection.vendor, str(connection.settings_dict["NAME"])
    )
    return None if path is _UNUSABLE else path


@functools.lru_cache(maxsize=8)
def _default_generation_file(vendor, name):
    directory = os.path.join(tempfile.gettempdir(), f"vetted-{os.getuid()}")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        status = os.stat(directory, follow_symlinks=False)
    except OSError as error:
        _warn_once(directory, "Cannot use %s for the page cache's generation (%s); every request reads it from the database", error)
        return _UNUSABLE
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
        _warn_once(directory, "%s is not a directory of this user that no one else can write to (%s); "
                   "every request reads the generation from the database", "owner or mode")
        return _UNUSABLE
    digest = hashlib.md5(f"{vendor}:{name}".encode(), usedforsecurity=False).hexdigest()[:16]
    return os.path.join(directory, f"generation-{digest}")


def _warn_once(path, message, detail):
    if path not in _warned:
        _warned.add(path)
        logger.warning(message, path, detail)


def _read_file_token(path):
    try:
        with open(path, "rb") as file:
            token = file.read(64)
    except FileNotFoundError:
        return _write_file_token(path)
    except OSError as error:
        _warn_once(path, "Cannot read the page cache's generation file %s (%s); every request reads the database", error)
        return None
    return token.decode("ascii", "replace") if token else _write_file_token(path)


def _write_file_token(path):
    """Replace the file with a new random token (atomically: a reader sees the old or the new one)."""
    token = secrets.token_hex(8)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".generation-")
        with os.fdopen(descriptor, "wb") as file:
            file.write(token.encode())
        os.replace(temporary, path)
    except OSError as error:
        _warn_once(path, "Cannot write the page cache's generation file %s (%s); other machines' workers see edits within PAGE_CACHE_RECHECK_SECONDS", error)
        return None
    return token


def local_generation():
    """The generation for a per-process cache: this machine's file token and the database's token.

    The file changes with every bump made on this machine, so its workers agree at once; the
    database's part is read again at most every ``PAGE_CACHE_RECHECK_SECONDS`` (and at once after
    a bump in this process), so an edit made through another machine is served within that time.
    """
    path = generation_file()
    token = _read_file_token(path) if path else None
    if token is None:
        return database_generation()
    now = _clock()
    read_at = _database["read_at"]
    if read_at is None or now - read_at >= settings.PAGE_CACHE_RECHECK_SECONDS:
        _database["token"], _database["read_at"] = database_generation(), now
    return f"{token}:{_database['token']}"


def forget_local_generation():
    """Read the database's generation again on this process's next request."""
    _database["read_at"] = None


def _shared_generation(value):
    """The generation token for the shared counter's ``value`` (None: lost, so seeded anew)."""
    return f"r{value}" if value is not None else _seed_shared_generation()


def current_generation():
    """The current generation token, or None when the cache cannot be trusted (Redis down)."""
    if not cache_is_shared():
        return local_generation()
    return _shared_generation(_cache().get(GENERATION_KEY))


def _bump():
    from .models import ContentGeneration

    updated = ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1, changed_at=timezone.now())
    if not updated:
        ContentGeneration.objects.get_or_create(pk=1, defaults={"value": 1})
    if not cache_is_shared():
        forget_local_generation()
        path = generation_file()
        if path:
            _write_file_token(path)
    else:
        try:
            if _cache().incr(GENERATION_KEY) is None:
                logger.warning("Could not reach the cache to invalidate pages; they expire within %ss", page_cache_seconds())
        except ValueError:  # the counter is gone, and with it any way to match old pages
            _cache().add(GENERATION_KEY, time.time_ns(), timeout=None)


def invalidate():
    """Make every cached page stale once the current transaction commits (at once outside one).

    Cheap to call many times: a transaction bumps the generation once, however many rows it saved.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Already queued: Django drops a queued hook only when a savepoint it was queued in rolls
        # back, and such a savepoint is either still enclosing us (so it would drop ours too) or was
        # already released (so the hook now stands with the enclosing transaction). Either way the
        # queued hook runs whenever ours would.
        if any(hook is _bump for _sids, hook, *_ in connection.run_on_commit):
            return
    # robust: the content is committed whatever happens here; a failed bump is logged, and
    # pages then expire within PAGE_CACHE_SECONDS.
    transaction.on_commit(_bump, robust=True)


# --- lifetimes ---------------------------------------------------------------------------------


def page_cache_seconds():
    return settings.PAGE_CACHE_SECONDS


def next_go_live(generation=None, now=None):
    """When the next scheduled article becomes public (a timestamp), or None if none is scheduled.

    Remembered per generation, since any change to a schedule bumps the generation.
    """
    from . import page_reads

    now = now if now is not None else timezone.now().timestamp()
    key = f"go-live:{generation}"
    if generation is not None:
        remembered = _cache().get(key)
        if remembered is not None and (remembered == 0 or remembered > now):
            return remembered or None
    when = page_reads.next_go_live(datetime.datetime.fromtimestamp(now, tz=datetime.UTC))
    value = when.timestamp() if when else None
    if generation is not None:
        _cache().set(key, value or 0, timeout=page_cache_seconds() or None)
    return value


def found_next_go_live(request, found):
    """A view whose own read found when the next scheduled article goes live hands it over here
    (``found``: ``(as of, datetime or None)``), and the page's lifetime is bounded by it without
    asking again (the article page's one statement reads it on PostgreSQL)."""
    if found is not None:
        request._vetted_next_go_live = found


def _next_go_live_for(request, generation, now):
    found = getattr(request, "_vetted_next_go_live", None)
    if found is None:
        return next_go_live(generation, now)
    when = found[1]
    return when.timestamp() if when is not None else None


def count_cache(request, name):
    """A ``count_cache`` for ``DeferredJoinPaginator``: the count of list ``name``, kept for this generation.

    Only when the page cache looked the generation up for this request; never past the next go-live.
    """
    generation = getattr(request, "content_generation", None)
    if generation is None:
        return None

    def remembered(count):
        key = f"count:{generation}:{name}"
        value = _cache().get(key)
        if value is None:
            value = count()
            now = timezone.now().timestamp()
            go_live = next_go_live(generation, now)
            lifetime = min(page_cache_seconds(), (go_live - now) if go_live else math.inf)
            _cache().set(key, value, timeout=max(1, math.ceil(lifetime)))
        return value

    return remembered


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


def public_page(view=None, *, params=("page",)):
    """Cache a public page for anonymous readers and answer conditional requests.

    ``params``: the query parameters the view reads; others (utm_source...) share its cache entry.
    """
    if view is None:
        return functools.partial(public_page, params=params)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if is_private_request(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            patch_vary_headers(response, ("Cookie",))
            response.headers[STATUS_HEADER] = BYPASS
            return response

        now = timezone.now().timestamp()
        enabled = page_cache_seconds() > 0
        generation = stored = None
        key = page_key(request, params)
        if enabled:
            looked_up = getattr(request, "_vetted_lookup", None)
            if looked_up and looked_up[0] == key:  # the middleware looked already: a miss
                generation, stored = looked_up[1], looked_up[2]
            else:
                generation, stored = _lookup(key)
                if _fresh(stored, generation, now):
                    return _respond(request, stored, None, HIT, now)
            request.content_generation = generation

        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # e.g. the sitemap's TemplateResponse: the body is hashed and stored below
        if not _storable(request, response):
            patch_vary_headers(response, ("Cookie",))
            return response

        body = response.content
        etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
        go_live = _next_go_live_for(request, generation, now)
        lifetime = page_cache_seconds() if enabled and generation is not None else settings.HTTP_CACHE_SECONDS
        entry = {
            "generation": generation,
            "etag": etag,
            "expires": min(now + lifetime, go_live or math.inf),
        }
        if not enabled:
            return _respond(request, entry, response, OFF, now)
        if generation is None:
            return _respond(request, entry, response, UNAVAILABLE, now)
        # Last-Modified: when this body was first seen; kept while re-renders produce the same bytes.
        entry["last_modified"] = stored["last_modified"] if stored and stored.get("etag") == etag else now
        entry["body"] = body
        entry["headers"] = _stored_headers(response)
        if getattr(request, "_vetted_middleware", False):
            request._vetted_store = (key, entry)  # stored by the middleware, with every header
        else:
            _store(key, entry, now)
        return _respond(request, entry, response, MISS, now)

    wrapper.vetted_public_page = True
    return wrapper


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


_LOOKUP_KEY = "vetted.page_cache_lookup"  # in the WSGI environ: what PageCacheApplication found


def _look_up(request):
    """``(now, key, generation, stored entry)`` for a request the page cache may serve, else None.

    The one rule of who is served from the cache, for both ``PageCacheApplication`` and
    ``PageCacheMiddleware``: a GET or HEAD, page caching on, no session cookie, a path of a
    ``@public_page`` view. The key uses all the query parameters; a request with parameters the view
    does not read goes on to the view's ``@public_page``, which serves it from the same entry.
    """
    if not (
        request.method in ("GET", "HEAD")
        and page_cache_seconds() > 0
        and not is_private_request(request)
        and _is_public_page(request.path_info)
    ):
        return None
    now = timezone.now().timestamp()
    key = page_key(request, sorted(set(request.GET.keys())))
    looked_up = request.META.pop(_LOOKUP_KEY, None)  # PageCacheApplication looked already: a miss
    generation, stored = looked_up[1:] if looked_up and looked_up[0] == key else _lookup(key)
    return now, key, generation, stored


class PageCacheApplication:
    """WSGI: answers a fresh cached page before Django's request handling starts (``cms/wsgi.py``).

    A hit through ``PageCacheMiddleware`` still pays for Django's handler around it (the request
    signals, the middleware chain, a response object turned into WSGI): about a third of a hit.
    Here the plainest requests (GET, no query string, no conditional header) are looked up by the
    same rule (:func:`_look_up`) and answered at once with the same headers; anything else goes to
    Django as before. A miss is handed on in the environ, so it is not looked up a second time.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("QUERY_STRING")
            and not any(name in environ for name in _CONDITIONAL_HEADERS)
            and page_cache_seconds() > 0
        ):
            # Django's request signals are not sent: the local-memory cache's generation query
            # reuses the worker's connection as is. (Retiring it here as Django does would add a
            # health-check query to every hit; a broken connection makes the lookup fail, and
            # Django's handler, which the request then goes to, retires it.)
            try:
                # A copy: WSGIRequest writes the decoded path back into the environ it is given
                # (``PATH_INFO``), and Django's handler would then read that text as Latin-1 bytes
                # again, turning /tags/%E4%B9%B3/ into a 500 and /tags/m%C3%A9/ into a 404.
                looked_at = environ.copy()
                found = _look_up(WSGIRequest(looked_at))
                if _SIGNED_IN_KEY in looked_at:
                    environ[_SIGNED_IN_KEY] = looked_at[_SIGNED_IN_KEY]
            except Exception:  # a disallowed host, a database away: Django answers those properly
                logger.debug("The page cache's fast path passed a request on to Django", exc_info=True)
                found = None
            if found is not None:
                now, key, generation, stored = found
                if _fresh(stored, generation, now):
                    start_response("200 OK", _hit_headers(stored, now))
                    return [stored["body"]]
                environ[_LOOKUP_KEY] = (key, generation, stored)
        return self.application(environ, start_response)


class PageCacheMiddleware:
    """Serves a cached page before the rest of the middleware runs, and stores pages with their final headers.

    First in ``MIDDLEWARE``: a hit costs one cache lookup and skips sessions, authentication,
    messages and URL resolving, so a cached article is about as cheap as the simplest view.
    The fast path uses the URL with all its query parameters; a request with parameters the
    view does not read (``utm_source``) goes on to the view's ``@public_page``, which serves it
    from the same entry. Only pages of ``@public_page`` views are ever stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._vetted_middleware = True
        found = _look_up(request)
        if found is not None:
            now, key, generation, stored = found
            if _fresh(stored, generation, now):
                return _respond(request, stored, None, HIT, now)
            request._vetted_lookup = (key, generation, stored)
        response = self.get_response(request)
        pending = getattr(request, "_vetted_store", None)
        if pending and response.status_code == 200 and not response.cookies:
            key, entry = pending
            entry["headers"] = _stored_headers(response)
            _store(key, entry, timezone.now().timestamp())
        return response


@receiver(setting_changed)
def _forget_resolved_paths(setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests that swap the URLconf
        _is_public_page.cache_clear()


# --- what invalidates ----------------------------------------------------------------------------

# Fields the link checker writes on a reference; they are not shown to readers.
_PRIVATE_FIELDS = {"references.reference": {"checked_at", "http_status", "final_url", "check_error", "updated_at"}}


def _on_change(sender, instance=None, update_fields=None, **kwargs):
    private = _PRIVATE_FIELDS.get(sender._meta.label_lower)
    if private and update_fields and set(update_fields) <= private:
        return
    invalidate()


def _on_tags_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        invalidate()


_watched = set()


def watch(model):
    """Invalidate cached pages whenever a row of ``model`` is saved or deleted (for other apps' models)."""
    if model in _watched:
        return
    _watched.add(model)
    post_save.connect(_on_change, sender=model, dispatch_uid=f"vetted-cache-save-{model._meta.label_lower}")
    post_delete.connect(_on_change, sender=model, dispatch_uid=f"vetted-cache-delete-{model._meta.label_lower}")


def connect_signals():
    """Watch every model whose rows appear on public pages (called from the app config)."""
    from django.apps import apps

    for label in [
        "articles.Article",
        "articles.MedicalReview",
        "articles.Reviewer",
        "articles.Series",
        "articles.SeriesEntry",
        "articles.RelatedLink",
        "articles.ArticleEvent",
        "references.Citation",
        "references.Reference",
        "references.Source",
        "taggit.Tag",
        "taggit.TaggedItem",
        "media.Image",
    ]:
        watch(apps.get_model(label))
    m2m_changed.connect(_on_tags_changed, sender=apps.get_model("taggit.TaggedItem"), dispatch_uid="vetted-cache-tags")
