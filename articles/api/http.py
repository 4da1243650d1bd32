"""Conditional requests for the API: a strong ``ETag`` (a hash of the body, so it changes exactly
when the content a partner receives changes, with the same edits that invalidate the public pages)
and ``Last-Modified``, answered with 304 when the partner's copy is current."""

import functools
import hashlib

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from .access import error_response


def conditional(view):
    """Wrap an API view: ETag on every 200, 304 for a matching ``If-None-Match``, private caching."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405:  # Ninja's own answer is plain text
            allowed = response.get("Allow")
            response = error_response(405, "method_not_allowed", f"{request.method} is not allowed here; the API only reads (GET).")
            if allowed:
                response["Allow"] = allowed
        patch_vary_headers(response, ["Authorization", "X-API-Key"])
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            response.setdefault("Cache-Control", "no-store")
            return response
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        # Partners' own caches may keep it, but must ask again (cheaply, with If-None-Match) each time.
        response["Cache-Control"] = "private, no-cache"
        last_modified = getattr(request, "api_last_modified", None)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified.timestamp() if last_modified else None, response=response
        ) or response

    return wrapped
