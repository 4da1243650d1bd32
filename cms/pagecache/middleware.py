"""Serving fresh cached pages before Django's handler runs (WSGI application) or before the view (middleware)."""

from django.core.handlers.wsgi import WSGIRequest
from django.utils import timezone

from cms.pagecache import http  # http._lookup read at call time (tests count the lookups)
from cms.pagecache.generation import logger, page_cache_seconds
from cms.pagecache.http import (
    _CONDITIONAL_HEADERS,
    _SIGNED_IN_KEY,
    HIT,
    _fresh,
    _hit_headers,
    _is_public_page,
    _respond,
    _store,
    _stored_headers,
    is_private_request,
    page_key,
)

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
    generation, stored = looked_up[1:] if looked_up and looked_up[0] == key else http._lookup(key)
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


