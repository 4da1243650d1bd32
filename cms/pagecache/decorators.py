"""``@public_page``: cache a public page for anonymous readers and answer conditional requests."""

import functools
import hashlib
import math

from django.conf import settings
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from cms.pagecache import http  # http._lookup read at call time (tests count the lookups)
from cms.pagecache.generation import _next_go_live_for, page_cache_seconds
from cms.pagecache.http import (
    BYPASS,
    HIT,
    MISS,
    OFF,
    STATUS_HEADER,
    UNAVAILABLE,
    _fresh,
    _respond,
    _storable,
    _store,
    _stored_headers,
    is_private_request,
    page_key,
)


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
                generation, stored = http._lookup(key)
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


