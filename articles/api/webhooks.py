"""Webhooks: what a partner's server receives when an article changes, signed, delivered by a
background task (``django.tasks``), retried with backoff for a day, every attempt kept.

Signature: ``X-Vetted-Signature: t=<unix seconds>,v1=<hex>`` where ``hex`` is
HMAC-SHA256(the webhook's secret, ``"<t>." + raw body``). docs/api.md has the check in Python.
"""

import hashlib
import hmac
import json
import logging
import threading
import time

import httpx
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from articles.content.addresses import address
from articles.models import Article
from cms.site import absolute_url
from cms.transactions import hook_queued

from .models import RETRY_DELAYS, RETRY_WINDOW, Delivery, Webhook

logger = logging.getLogger("vetted.api.webhooks")
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SIGNATURE_HEADER = "X-Vetted-Signature"
# Events about an article that must still be public when sent (a scheduled one waits for go-live).
LIVE_EVENTS = {Webhook.Event.PUBLISHED, Webhook.Event.UPDATED, Webhook.Event.REVIEWED}


def sign(secret, timestamp, body):
    """The ``X-Vetted-Signature`` value for ``body`` (bytes) sent at ``timestamp`` (int seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret, header, body, *, tolerance=300, now=None):
    """What a partner runs: True when ``header`` signs ``body`` with ``secret`` within ``tolerance`` s."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


def payload(event, slug, *, at, moved_to=""):
    data = {
        "event": event,
        "slug": slug,
        "url": absolute_url(address("articles:detail", slug)),
        "apiUrl": absolute_url(address("syndication:article", slug)),
        "time": at.isoformat(),
    }
    if moved_to:
        data["movedTo"] = {"slug": moved_to, "url": absolute_url(address("articles:detail", moved_to))}
    return data


class _Outbox:
    """What one transaction has queued for partners, so that each event goes out once however many
    rows of the transaction announced it: one "updated" for a save that moved ten citations and two
    tags, none beside a "published" of the same article (a partner fetches a new article whole)."""

    def __init__(self):
        self.sent = set()
        self.committed = False

    def claim(self, event, slug):
        """True the first time ``event`` about ``slug`` is sent from this transaction."""
        self.committed = True  # a hook runs: its transaction is over, the next one has an outbox of its own
        if (event, slug) in self.sent or (event == Webhook.Event.UPDATED and (Webhook.Event.PUBLISHED, slug) in self.sent):
            return False
        self.sent.add((event, slug))
        return True


_local = threading.local()


def _outbox():
    """This transaction's outbox: the one whose hooks still wait for its commit, else a new one.

    Each event keeps a hook of its own (so one announced inside a savepoint that rolls back goes
    with it), and the outbox they share decides at commit which of them is sent. "Published" is
    always announced before an "updated" of the same save (rows about an article are written once
    it is saved), so claiming in the order the hooks run is enough.
    """
    current = getattr(_local, "outbox", None)
    if current is None or current.committed or not hook_queued(lambda hook: getattr(hook, "outbox", None) is current):
        current = _local.outbox = _Outbox()
    return current


def announce(event, slug, *, at=None, moved_to="", go_live=None):
    """After the current transaction commits, queue ``event`` about ``slug`` for every active
    webhook (``go_live``: not before that time, for a scheduled article): once per transaction
    (``_Outbox``); outside a transaction, at once, each time."""
    at = at or timezone.now()
    outbox = _outbox()

    def queue():
        if not outbox.claim(event, slug):
            return
        hooks = list(Webhook.objects.filter(is_active=True, partner__is_active=True))
        if not hooks:
            return
        data = payload(event, slug, at=max(at, go_live) if go_live else at, moved_to=moved_to)
        deliveries = Delivery.objects.bulk_create(
            [Delivery(webhook=hook, event=event, slug=slug, payload=data, next_attempt_at=go_live) for hook in hooks]
        )
        for delivery in deliveries:
            _enqueue(delivery.pk, go_live)

    queue.outbox = outbox
    transaction.on_commit(queue, robust=True)


def _enqueue(delivery_id, run_after=None):
    chosen = deliver
    if run_after is not None and run_after > timezone.now():
        if not deliver.get_backend().supports_defer:
            return  # an immediate backend (tests): left waiting, as a worker would leave it until then
        chosen = deliver.using(run_after=run_after)
    chosen.enqueue(delivery_id)


def is_live(slug, now=None):
    return Article.objects.published(now).filter(slug=slug).exists()


@task
def deliver(delivery_id):
    """Send one delivery; on failure schedule the next attempt, until a day has passed."""
    attempt(Delivery.objects.select_related("webhook__partner").filter(pk=delivery_id).first())


def attempt(delivery, now=None):
    """One try at ``delivery``: returns its state afterwards."""
    if delivery is None or delivery.state in (Delivery.State.DELIVERED, Delivery.State.FAILED):
        return getattr(delivery, "state", None)
    now = now or timezone.now()
    hook = delivery.webhook
    if not hook.is_active or not hook.partner.is_active:
        return _finish(delivery, Delivery.State.FAILED, now, error="Webhook or partner switched off; not sent.")
    if delivery.event in LIVE_EVENTS and not is_live(delivery.slug, now):
        return _finish(delivery, Delivery.State.FAILED, now, error="The article is not public any more; not sent.")
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Vetted-Webhooks/1",
        "X-Vetted-Event": delivery.event,
        "X-Vetted-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(hook.secret, int(now.timestamp()), body),
    }
    status, error = None, ""
    try:
        response = httpx.post(hook.url, content=body, headers=headers, timeout=TIMEOUT, follow_redirects=False)
        status = response.status_code
        if 200 <= status < 300:
            return _finish(delivery, Delivery.State.DELIVERED, now, status=status)
        error = f"Answered {status}."
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    return _retry_later(delivery, now, status, error)


def _finish(delivery, state, now, *, status=None, error=""):
    delivery.state = state
    delivery.last_status = status
    delivery.last_error = error
    if status is not None:  # a request was made (an attempt not made, e.g. for a withdrawn article, is no attempt)
        delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "last_status", "last_error", "attempts", "last_attempt_at", "next_attempt_at"])
    return state


def next_attempt(delivery, now):
    """When to try again after ``delivery.attempts`` failures, or None once a day has passed."""
    delay = RETRY_DELAYS[min(delivery.attempts - 1, len(RETRY_DELAYS) - 1)]
    when = now + delay
    return when if when <= delivery.created_at + RETRY_WINDOW else None


def _retry_later(delivery, now, status, error):
    delivery.attempts += 1
    delivery.last_status = status
    delivery.last_error = error
    delivery.last_attempt_at = now
    when = next_attempt(delivery, now)
    delivery.state = Delivery.State.RETRYING if when else Delivery.State.FAILED
    delivery.next_attempt_at = when
    delivery.save(update_fields=["state", "last_status", "last_error", "attempts", "last_attempt_at", "next_attempt_at"])
    if when:
        transaction.on_commit(lambda: _enqueue(delivery.pk, when), robust=True)
    else:
        logger.warning("Webhook delivery %s to %s gave up after %s attempts", delivery.pk, delivery.webhook.url, delivery.attempts)
    return delivery.state

