"""The edge: what a shared cache in front of the app (Varnish, a CDN) may store, and purges.

Two halves of one contract with the edge (docs/edge-cache.md; the Varnish side is
``cms/pagecache/vetted.vcl``):

- **Headers.** A public page carries ``Cache-Control: public, max-age=0, s-maxage=N``
  (``HTTP_CACHE_SECONDS``, 300 by default, never past the next scheduled go-live) and a
  surrogate-key header (``EDGE_KEY_HEADER``, ``xkey`` by default) naming what it shows: its own
  identity (``article-12``, ``tag-3``, ``home``...) and, on an article page, the things it
  mentions (``shows-article-15``, ``shows-tag-3``...). Views name them with :func:`mark`; the page
  cache writes the header (:func:`apply_keys`) so a page served from the app's own cache carries it
  too. :class:`EdgeHeadersMiddleware` makes sure nothing else is stored by a shared cache: a
  response that sets a cookie, any response to a signed-in reader, and any response the app did
  not mark for shared caching are ``private``, without keys.
- **Purges.** :func:`purge` hands keys to the configured :class:`PurgeBackend`. Callers go through
  the background task ``cms.pagecache.tasks.purge_keys`` (retries, failures in the admin).
  Backends: :class:`VarnishPurge` (xkey), :class:`NullPurge` (development, tests),
  :class:`RecordingPurge` (tests); a CDN's purge API is one small subclass
  (docs/edge-cache.md, "A CDN").
"""

import functools
import logging
import re

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string

logger = logging.getLogger("vetted.edge")

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")  # what a key may be: safe in any CDN's header
_REQUEST_KEYS = "_vetted_edge_keys"
EVERY_PAGE = "all"  # carried by every shared page, so one purge can empty the edge
_NOT_SHARED = "_vetted_edge_not_shared"


# --- headers -------------------------------------------------------------------------------------


def mark(request, *keys):
    """Name what the page for ``request`` shows (keys such as ``article-12``); any number of calls add up."""
    found = getattr(request, _REQUEST_KEYS, None)
    if found is None:
        found = set()
        setattr(request, _REQUEST_KEYS, found)
    for key in keys:
        if not _KEY.match(key):
            raise ValueError(f"Not a surrogate key: {key!r} (lower-case letters, digits and hyphens)")
        found.add(key)


def keys_of(request):
    return frozenset(getattr(request, _REQUEST_KEYS, ()))


def not_shared(request):
    """This public page may be cached by the app, never by a shared cache (search with a query:
    each query its own page, and what readers look up is their own business)."""
    setattr(request, _NOT_SHARED, True)


def is_shared(request):
    return not getattr(request, _NOT_SHARED, False)


def key_header():
    return settings.EDGE_KEY_HEADER


def apply_keys(request, response):
    """Write the keys that the view named into the response (before the page cache stores it)."""
    keys = keys_of(request)
    if is_shared(request):
        response.headers[key_header()] = " ".join([*sorted(keys), EVERY_PAGE])


def shared_cache_control(seconds, shared=True):
    """The Cache-Control of a public page: the browser revalidates (ETag), a shared cache keeps it ``seconds``."""
    if not shared:
        return "private, max-age=0"
    return f"public, max-age=0, s-maxage={max(0, int(seconds))}"


def is_marked_shared(response):
    value = response.get("Cache-Control", "")
    return "public" in value and "private" not in value and "no-store" not in value


class EdgeHeadersMiddleware:
    """Nothing reaches a shared cache unless it was meant to.

    Second in ``MIDDLEWARE`` (inside the page cache's, so what it stores has these headers). A
    response is shared-cacheable only when the app marked it ``public`` (only ``@public_page`` does,
    and never for a signed-in reader: those get ``no-store``) and it sets no cookie; everything else
    gets ``private`` and loses its surrogate keys. Static files (WhiteNoise: long-lived, hashed names)
    keep their own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(settings.STATIC_URL) and "Cache-Control" in response:
            return response
        if response.cookies:
            patch_cache_control(response, private=True, no_store=True)
            _drop_shared(response)
        elif not is_marked_shared(response):
            if "Cache-Control" not in response:
                response.headers["Cache-Control"] = "private"
            _drop_shared(response)
        return response


def _drop_shared(response):
    value = response.get("Cache-Control", "")
    if "s-maxage" in value or "public" in value:
        directives = [d.strip() for d in value.split(",") if d.strip()]
        kept = [d for d in directives if not d.startswith("s-maxage") and d != "public"]
        if "private" not in kept:
            kept.insert(0, "private")
        response.headers["Cache-Control"] = ", ".join(kept)
    if key_header() in response:
        del response.headers[key_header()]


# --- purge backends ------------------------------------------------------------------------------


class PurgeError(Exception):
    """The edge did not confirm a purge: the task retries, then fails visibly."""


class PurgeBackend:
    """What a purge backend does: forget every cached page carrying any of ``keys``.

    Subclass it for a CDN (Fastly's surrogate keys, Cloudflare's cache tags, CloudFront via a
    Lambda@Edge key table): implement :meth:`purge_batch` to send one API call, raise
    :class:`PurgeError` (or let ``httpx`` errors out) when the CDN does not confirm it. ``options``
    come from ``EDGE_PURGE_OPTIONS``. ``max_keys`` keys at most go in one call.
    """

    max_keys = 100

    def __init__(self, **options):
        self.options = options

    def purge(self, keys):
        keys = sorted(set(keys))
        for start in range(0, len(keys), self.max_keys):
            self.purge_batch(keys[start : start + self.max_keys])

    def purge_batch(self, keys):
        raise NotImplementedError


class NullPurge(PurgeBackend):
    """No edge in front (development, ``make run``): nothing to purge."""

    def purge_batch(self, keys):
        logger.debug("No edge to purge: %s", " ".join(keys))


class RecordingPurge(PurgeBackend):
    """For tests: remembers every purge (``RecordingPurge.purged``: a list of key sets, in order).

    ``RecordingPurge.failures = n`` makes the next ``n`` purges raise :class:`PurgeError`.
    """

    purged = []
    failures = 0

    def purge(self, keys):
        if RecordingPurge.failures > 0:
            RecordingPurge.failures -= 1
            raise PurgeError("The recording backend was told to fail")
        RecordingPurge.purged.append(frozenset(keys))

    @classmethod
    def reset(cls):
        cls.purged = []
        cls.failures = 0

    @classmethod
    def keys(cls):
        """Every key purged since the last reset."""
        return frozenset().union(*cls.purged)


class VarnishPurge(PurgeBackend):
    """Varnish with the xkey module: ``PURGE /`` with ``xkey-purge: key key...`` to every Varnish.

    ``urls``: each Varnish's address (``EDGE_PURGE_URLS``); the VCL (``vetted.vcl``) accepts the
    method only from its ``purgers`` ACL and answers ``200`` with the number of objects removed.
    A Varnish that does not answer 200 fails the purge (the others still get it), so the task retries.
    """

    max_keys = 200

    def __init__(self, urls=(), timeout=2.0, **options):
        super().__init__(**options)
        if not urls:
            raise ImproperlyConfigured("VarnishPurge needs the Varnish addresses (EDGE_PURGE_URLS)")
        self.urls = list(urls)
        self.timeout = timeout

    def purge_batch(self, keys):
        problems = []
        client = _http_client()
        for url in self.urls:
            try:
                answer = client.request("PURGE", url.rstrip("/") + "/", headers={"xkey-purge": " ".join(keys)},
                                        timeout=self.timeout)
            except httpx.HTTPError as error:
                problems.append(f"{url}: {error.__class__.__name__}: {error}")
                continue
            if answer.status_code != 200:
                problems.append(f"{url}: HTTP {answer.status_code}")
            else:
                logger.info("Purged %s object(s) at %s for %s", answer.headers.get("x-purged", "?"), url, " ".join(keys))
        if problems:
            raise PurgeError("Purge not confirmed by " + "; ".join(problems))


@functools.cache
def _http_client():
    """One client per process: its connections to each Varnish are kept open between purges
    (building a client costs more than a purge)."""
    return httpx.Client()


def backend():
    """The configured purge backend (``EDGE_PURGE_BACKEND`` with ``EDGE_PURGE_OPTIONS``)."""
    return import_string(settings.EDGE_PURGE_BACKEND)(**settings.EDGE_PURGE_OPTIONS)


def purge(keys):
    """Purge ``keys`` now, in this process (the task calls this; so can a shell)."""
    keys = sorted(set(keys))
    for key in keys:
        if not _KEY.match(key):
            raise ValueError(f"Not a surrogate key: {key!r}")
    if keys:
        backend().purge(keys)
    return keys
