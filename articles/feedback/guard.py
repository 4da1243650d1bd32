"""What stands between the public feedback endpoint and abuse, without cookies or stored addresses.

The article page is cached and shared by every anonymous reader, so its form cannot carry a
per-visitor CSRF token. The endpoint is CSRF-exempt and instead:

- **same origin**: the browser says where the POST comes from. ``Sec-Fetch-Site`` (every current
  browser) must be ``same-origin``; without it, ``Origin`` must be this site's own origin (or one of
  ``CSRF_TRUSTED_ORIGINS``); without either, ``Referer`` must be. A forged form on another site is
  refused with 403 before anything is read or stored.
- **a honeypot** field that people never see and bots fill in (``services``).
- **rate limits** per visitor: the visitor is a keyed hash (HMAC-SHA256 with ``SECRET_KEY``) of
  their address and the day, so the key changes every day and cannot be turned back into an
  address; only counters under that hash live in the cache, for an hour. No address is stored.
"""

import hashlib
import hmac
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from cms.security import client_ip

WINDOW_SECONDS = 3600


def _own_origin(request):
    return f"{request.scheme}://{request.get_host()}"


def _allowed_origins(request):
    return {_own_origin(request), *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}


def _origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def is_same_origin(request):
    """Whether the browser says this request comes from a page of this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in _allowed_origins(request)
    referer = request.headers.get("Referer")
    return referer is not None and _origin_of(referer) in _allowed_origins(request)


def visitor_key(request, today=None):
    """A keyed hash of the visitor's address and today's date: stable for a day, then a new one."""
    day = (today or timezone.localdate()).isoformat()
    message = f"{day}\x00{client_ip(request)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"vetted-feedback\x00" + message, hashlib.sha256).hexdigest()[:32]


def take(request, kind, limit):
    """Count one ``kind`` ("report" or "vote") for this visitor in the current hour; False when over ``limit``.

    A fixed one-hour window per visitor key. With a per-process cache (local memory) each worker
    counts on its own, so the effective limit is ``limit`` times the number of workers; with Redis
    it is exact (docs/feedback.md).
    """
    if limit <= 0:
        return True
    cache = caches["default"]
    window = int(time.time()) // WINDOW_SECONDS
    key = f"feedback-rate:{kind}:{visitor_key(request)}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    if count is None:  # the cache is unreachable: let the report through rather than lose it
        return True
    return count <= limit


def retry_after(now=None):
    """Seconds until the current window ends, from ``now`` (a POSIX timestamp; the clock's by default).

    Windows are whole hours since the epoch, so this is the time to the next clock hour (UTC), which
    the 429's ``Retry-After`` and its words ("after 14:00") both give.
    """
    now = time.time() if now is None else now
    return WINDOW_SECONDS - int(now) % WINDOW_SECONDS
