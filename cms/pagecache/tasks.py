"""The purge as a background task: retried with growing pauses, and a failure kept for staff to see.

``purge_keys.enqueue(keys=[...])`` from wherever something changed (``articles/edge.py``). A purge
the edge does not confirm is logged and tried again after 2, 4, 8... seconds, ``EDGE_PURGE_ATTEMPTS``
times in all; the last failure raises, so the task result is "Failed" in the admin (Background
tasks > Task results, with the error and a "Run again" action). Until then the pages' ``s-maxage``
bounds how stale the edge can be.
"""

import datetime
import logging

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from . import edge

logger = logging.getLogger("vetted.edge")


@task
def purge_keys(keys, attempt=1):
    """Purge ``keys`` at the edge; returns the keys purged (shown on the task result)."""
    try:
        return edge.purge(keys)
    except Exception as error:
        attempts = settings.EDGE_PURGE_ATTEMPTS
        if attempt >= attempts:
            logger.error("Purge of %s failed %s time(s), giving up: %s", " ".join(sorted(keys)), attempt, error)
            raise
        pause = 2**attempt
        logger.warning(
            "Purge of %s failed (attempt %s of %s), trying again in %ss: %s",
            " ".join(sorted(keys)), attempt, attempts, pause, error,
        )
        enqueue(keys, attempt=attempt + 1, after=timezone.now() + datetime.timedelta(seconds=pause))
        return {"retrying": attempt + 1, "error": str(error)}


def enqueue(keys, *, attempt=1, after=None):
    """Queue a purge of ``keys`` (at ``after`` when the backend can wait; at once otherwise)."""
    keys = sorted(set(keys))
    if not keys:
        return None
    chosen = purge_keys
    if after is not None and chosen.get_backend().supports_defer:
        chosen = chosen.using(run_after=after)
    return chosen.enqueue(keys=keys, attempt=attempt)
