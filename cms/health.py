"""``/healthz``: database and cache state for a load balancer."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .middleware import DATABASE_ERRORS

logger = logging.getLogger("cms.faults")


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        logger.error("Health check: database unavailable: %s", error)
        return "down"
    return "ok"


def cache_state():
    key = f"healthz:{uuid.uuid4().hex}"
    try:  # the resilient backend swallows Redis errors (a miss); others may raise
        cache.set(key, "1", 10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 - a health check reports, it does not crash
        logger.error("Health check: cache unavailable: %s", error)
        return "down"
    return "ok" if value == "1" else "down"


@require_safe
@never_cache
def healthz(request):
    """200 while the site can serve pages (the database answers), else 503.

    A cache outage is reported ("cache": "down", "status": "degraded") but is not
    a failure: pages are then served uncached.
    """
    state = {"database": database_state(), "cache": cache_state()}
    if state["database"] != "ok":
        status = "down"
    else:
        status = "ok" if state["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **state}, status=200 if status != "down" else 503)
