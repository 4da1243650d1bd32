"""Who is asking: a partner's key from the ``Authorization: Bearer`` (or ``X-API-Key``) header,
checked against its stored hash, its per-minute rate limit, and the day's usage count.

The key is read from headers only (never the query string, which servers log), and only its
prefix is ever shown or logged.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone

from .models import KEY_PREFIX, ApiKey, DailyUsage

# The one statement of where a key goes, for messages and the index.
KEY_HEADERS = "Send your key in a header: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."


class ApiError(Exception):
    """An error the API answers with ``{"error": {"code", "message"}}`` and ``status``."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status, code, message, headers=None):
    """The API's one error shape: ``{"error": {"code", "message"}}`` with ``status``."""
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class Anonymous:
    """A reader without a key, when ``API_ALLOW_ANONYMOUS`` lets one in."""

    pk = None
    prefix = "anonymous"


# Query parameters a partner might put a key in. We never read a key there: addresses end up in
# logs. Named (or a value shaped like one of our keys), the 401 says where the key goes instead.
QUERY_KEY_NAMES = frozenset({"api_key", "apikey", "api-key", "key", "access_token", "token"})


def key_in_address(request):
    """True when the query string seems to carry a key (which is never read from there)."""
    return any(
        name.lower() in QUERY_KEY_NAMES or any(value.startswith(f"{KEY_PREFIX}_") for value in values)
        for name, values in request.GET.lists()
    )


def key_from(request):
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("X-API-Key", "").strip() or None


def authenticate(request, now=None):
    """The ``ApiKey`` (or ``Anonymous``) this request may read with; raises ``ApiError`` 401/403/429."""
    raw = key_from(request)
    if raw is None:
        if settings.API_ALLOW_ANONYMOUS:
            return Anonymous()
        if key_in_address(request):
            message = ("A key is read from headers only, never from the address (servers and proxies log addresses): "
                       "send it in the X-API-Key header (or as 'Authorization: Bearer <key>').")
        else:
            message = f"An API key is required. {KEY_HEADERS}"
        raise ApiError(401, "key_required", message, {"WWW-Authenticate": 'Bearer realm="api"'})
    parts = raw.split("_")
    key = None
    if len(parts) >= 3 and parts[0] == KEY_PREFIX and len(raw) <= 100:
        key = ApiKey.objects.select_related("partner").filter(prefix=parts[1]).first()
    if key is None or not key.matches(raw):
        raise ApiError(401, "key_unknown", "This API key is not one of ours.", {"WWW-Authenticate": 'Bearer realm="api"'})
    now = now or timezone.now()
    if key.revoked_at is not None:
        raise ApiError(403, "key_revoked", "This API key has been revoked; ask us for a new one.")
    if key.is_expired(now):
        raise ApiError(403, "key_expired", "This API key has expired; ask us for a new one.")
    if not key.partner.is_active:
        raise ApiError(403, "partner_inactive", "This partner's access is suspended; contact us.")
    _count(key, now)
    return key


def _count(key, now):
    """Count the request against the key's minute (429 beyond its limit) and its day."""
    minute = int(time.time() // 60)
    cache_key = f"api-rate:{key.pk}:{minute}"
    cache.add(cache_key, 0, timeout=120)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=120)
        used = 1
    day = now.date()
    refused = used > key.rate_limit
    field = "refused" if refused else "requests"
    updated = DailyUsage.objects.filter(key=key, day=day).update(**{field: F(field) + 1})
    if not updated:
        usage, created = DailyUsage.objects.get_or_create(key=key, day=day, defaults={field: 1})
        if not created:
            DailyUsage.objects.filter(pk=usage.pk).update(**{field: F(field) + 1})
        ApiKey.objects.filter(pk=key.pk).update(last_used_on=day)
    if refused:
        retry_after = 60 - int(time.time() % 60)
        raise ApiError(429, "rate_limited", f"More than {key.rate_limit} requests this minute; try again in {retry_after} s.",
                       {"Retry-After": str(retry_after)})
