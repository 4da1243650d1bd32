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

import datetime
import functools
import hashlib
import logging
import math
import os
import secrets
import stat
import tempfile
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from cms.transactions import hook_queued

logger = logging.getLogger("vetted.cache")

GENERATION_KEY = "content-generation"


# --- the generation --------------------------------------------------------------------------


def _cache():
    return caches["default"]


def cache_is_shared():
    """Whether the cache is one store for every process (Redis, memcached), not per-process memory."""
    return isinstance(_cache(), RedisCache | BaseMemcachedCache)


def database_generation():
    """The generation as the database knows it: a token that changes on every bump."""
    from articles.models import ContentGeneration

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


class _DatabaseGenerationSeen:
    """The database's generation as this process last read it, and when (``_clock``).

    Per process on purpose: it is what lets a worker skip the table for
    ``PAGE_CACHE_RECHECK_SECONDS``; ``forget_local_generation()`` clears it after a bump.
    """

    token = None
    read_at = None


# Mutable process state of the per-process generation, each named for what it remembers:
database_generation_seen = _DatabaseGenerationSeen()
# Paths already warned about, so an unusable generation file is logged once per process, not per request.
warned_generation_paths = set()
_clock = time.monotonic  # the clock of the recheck interval; tests move it on


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


# Remembered per database (bounded): the checks below stat the directory, and generation_file()
# runs on every request. Tests clear it when they change the temporary directory.
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
    if path not in warned_generation_paths:
        warned_generation_paths.add(path)
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
    seen = database_generation_seen
    if seen.read_at is None or now - seen.read_at >= settings.PAGE_CACHE_RECHECK_SECONDS:
        seen.token, seen.read_at = database_generation(), now
    return f"{token}:{seen.token}"


def forget_local_generation():
    """Read the database's generation again on this process's next request."""
    database_generation_seen.read_at = None


def _shared_generation(value):
    """The generation token for the shared counter's ``value`` (None: lost, so seeded anew)."""
    return f"r{value}" if value is not None else _seed_shared_generation()


def current_generation():
    """The current generation token, or None when the cache cannot be trusted (Redis down)."""
    if not cache_is_shared():
        return local_generation()
    return _shared_generation(_cache().get(GENERATION_KEY))


def _bump():
    from articles.models import ContentGeneration

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
    # Already queued: Django drops a queued hook only when a savepoint it was queued in rolls
    # back, and such a savepoint is either still enclosing us (so it would drop ours too) or was
    # already released (so the hook now stands with the enclosing transaction). Either way the
    # queued hook runs whenever ours would.
    if hook_queued(lambda hook: hook is _bump):
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
    from articles.reads import page as page_reads  # lazy: cms is below articles; the page cache asks it at run time

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



# --- what invalidates ----------------------------------------------------------------------------

# Fields the link checker writes on a reference; they are not shown to readers.
_PRIVATE_FIELDS = {"references.reference": {"checked_at", "http_status", "final_url", "check_error", "updated_at"}}


def _on_change(sender, instance=None, update_fields=None, **kwargs):
    private = _PRIVATE_FIELDS.get(sender._meta.label_lower)
    if private and update_fields and set(update_fields) <= private:
        return
    invalidate()


def _on_relation_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        invalidate()


def watch(model):
    """Invalidate cached pages whenever a row of ``model`` is saved or deleted (for other apps' models).

    Calling it again for the same model connects nothing more: the ``dispatch_uid`` names the receiver.
    """
    post_save.connect(_on_change, sender=model, dispatch_uid=f"vetted-cache-save-{model._meta.label_lower}")
    post_delete.connect(_on_change, sender=model, dispatch_uid=f"vetted-cache-delete-{model._meta.label_lower}")


def watch_relation(through):
    """Invalidate cached pages whenever rows are added to or removed from a many-to-many relation
    through ``through`` (its ``m2m_changed`` signal: ``add()``, ``remove()``, ``set()``, ``clear()``,
    which may write without saving a row of ``through`` one by one), e.g. taggit's ``TaggedItem``.

    Calling it again for the same model connects nothing more: the ``dispatch_uid`` names the receiver.
    """
    m2m_changed.connect(_on_relation_changed, sender=through, dispatch_uid=f"vetted-cache-m2m-{through._meta.label_lower}")
