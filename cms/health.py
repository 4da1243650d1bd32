"""``/healthz``: database and cache state for a load balancer."""

import concurrent.futures
import logging
import os
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .middleware import DATABASE_ERRORS

logger = logging.getLogger("cms.faults")


def database_state():
    """"ok" when the database answers ``SELECT 1`` within ``HEALTHZ_TIMEOUT`` seconds, else "down".

    Asked from one thread of this process on a connection of its own, closed after each check,
    so a database that accepts connections but never answers costs the load balancer
    ``HEALTHZ_TIMEOUT``, not the worker's whole timeout. While an earlier check still waits, a new
    one waits behind it (and says "down"): never more than one thread per process.
    """
    future = _checker().submit(_ask_database)
    try:
        return future.result(timeout=settings.HEALTHZ_TIMEOUT)
    except concurrent.futures.TimeoutError:
        future.cancel()
        logger.error("Health check: the database did not answer within %ss", settings.HEALTHZ_TIMEOUT)
        return "down"


_checkers = {}  # process id -> its one checking thread (a forked worker does not inherit threads)


def _checker():
    pid = os.getpid()
    if pid not in _checkers:
        _checkers.clear()
        _checkers[pid] = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
    return _checkers[pid]


def _ask_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        logger.error("Health check: database unavailable: %s", error)
        return "down"
    finally:
        connection.close()  # this thread's own connection: none left open between checks
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
