"""Webhooks: queued after the editor's save commits, signed, retried with backoff for a day, logged."""

import datetime
import json

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.api import webhooks
from articles.api.models import Delivery, Webhook
from articles.models import Article
from articles.workflow import rules as workflow
from tests import factories as make


class Receiver:
    """The partner's server: records each POST and answers ``status`` (or raises ``error``)."""

    def __init__(self):
        self.requests, self.status, self.error = [], 200, None

    def __call__(self, url, *, content, headers, **kwargs):
        self.requests.append({"url": url, "body": content, "headers": headers})
        if self.error:
            raise self.error
        return httpx.Response(self.status, request=httpx.Request("POST", url))


@pytest.fixture
def receiver(monkeypatch):
    fake = Receiver()
    monkeypatch.setattr(webhooks.httpx, "post", fake)
    return fake


@pytest.fixture
def hook(partner):
    return Webhook.objects.create(partner=partner, url="https://partner.example/hooks/vetted")


@pytest.fixture
def editor(db):
    return make.staff_in("Editor")


def _approved(slug):
    article = make.article(slug=slug, status=Article.Status.APPROVED, reviewed_on=datetime.date(2026, 1, 5))
    return Article.objects.get(pk=article.pk)


def test_publishing_sends_a_signed_post_after_the_save_commits(db, hook, receiver, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.publish(_approved("new-one"), editor)
        assert receiver.requests == []  # nothing is sent inside the editor's save
    for callback in callbacks:
        callback()
    (sent,) = receiver.requests
    body = json.loads(sent["body"])
    assert body["event"] == "published" and body["slug"] == "new-one"
    assert body["url"].endswith("/articles/new-one/") and body["time"]
    assert webhooks.verify(hook.secret, sent["headers"]["X-Vetted-Signature"], sent["body"])
    assert not webhooks.verify("another secret", sent["headers"]["X-Vetted-Signature"], sent["body"])
    assert not webhooks.verify(hook.secret, sent["headers"]["X-Vetted-Signature"], sent["body"] + b" ")
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.last_status, delivery.attempts) == ("delivered", 200, 1)


def test_an_old_signature_is_refused():
    body = b'{"event":"updated"}'
    header = webhooks.sign("s3cret", 1_000_000, body)
    assert webhooks.verify("s3cret", header, body, now=1_000_100)
    assert not webhooks.verify("s3cret", header, body, now=1_000_000 + 301)


@pytest.mark.parametrize("change,event", [
    (lambda a, editor: make.edit(a, title="New title"), "updated"),
    (lambda a, editor: make.review(a), "reviewed"),
    (lambda a, editor: workflow.unpublish(Article.objects.get(pk=a.pk), editor), "withdrawn"),
])
def test_each_change_of_a_public_article_is_an_event(db, hook, receiver, editor, change, event, django_capture_on_commit_callbacks):
    article = make.article(slug="live")
    with django_capture_on_commit_callbacks(execute=True):
        change(article, editor)
    assert [json.loads(r["body"])["event"] for r in receiver.requests] == [event]


def test_a_failed_delivery_is_retried_with_backoff_then_given_up_after_a_day(db, hook, receiver):
    receiver.status = 503
    created = timezone.now()
    delivery = Delivery.objects.create(webhook=hook, event="updated", slug="x", payload={"event": "updated"},
                                       created_at=created)
    make.article(slug="x")
    waits = []
    moment = created
    while webhooks.attempt(Delivery.objects.get(pk=delivery.pk), now=moment) == Delivery.State.RETRYING:
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - moment)
        moment = delivery.next_attempt_at
    delivery.refresh_from_db()
    assert waits[:3] == [datetime.timedelta(minutes=1), datetime.timedelta(minutes=5), datetime.timedelta(minutes=15)]
    assert waits == sorted(waits)
    assert delivery.state == "failed" and delivery.last_status == 503
    assert moment - created <= datetime.timedelta(days=1)
    assert delivery.attempts == len(waits) + 1 == len(receiver.requests)


def test_a_network_error_is_recorded_and_retried(db, hook, receiver):
    receiver.error = httpx.ConnectError("connection refused")
    make.article(slug="y")
    delivery = Delivery.objects.create(webhook=hook, event="updated", slug="y", payload={})
    assert webhooks.attempt(delivery) == Delivery.State.RETRYING
    delivery.refresh_from_db()
    assert "connection refused" in delivery.last_error and delivery.last_status is None


def test_an_update_is_not_sent_once_the_article_is_withdrawn(db, hook, receiver):
    delivery = Delivery.objects.create(webhook=hook, event="updated", slug="not-public", payload={})
    assert webhooks.attempt(delivery) == Delivery.State.FAILED
    assert receiver.requests == []


def test_a_webhook_must_be_https(partner):
    with pytest.raises(ValidationError):
        Webhook(partner=partner, url="http://partner.example/hook").full_clean()


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection, as in production
def test_the_database_backend_keeps_a_delivery_until_the_worker_sends_it(hook, receiver):
    """The production backend (django-tasks-db): the task is a row until ``db_worker`` runs it."""
    make.article(slug="queued")  # committed: its own "published" event went out at once (immediate backend)
    receiver.requests.clear()
    delivery = Delivery.objects.create(webhook=hook, event="updated", slug="queued", payload={"event": "updated"})
    result = webhooks.deliver.using(backend="database").enqueue(delivery.pk)
    assert DBTaskResult.objects.filter(id=result.id).exists() and receiver.requests == []
    call_command("db_worker", "--backend", "database", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and len(receiver.requests) == 1
    result.refresh()
    assert result.status == "SUCCESSFUL"


def test_a_scheduled_article_is_announced_when_it_goes_live(db, hook, receiver, editor, django_capture_on_commit_callbacks):
    go_live = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(_approved("tomorrow"), editor, at=go_live)
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.state, delivery.next_attempt_at) == ("published", "pending", go_live)
    assert receiver.requests == []  # the worker runs it at go_live (run_after); an immediate backend leaves it


def test_two_saves_of_a_live_article_in_one_transaction_send_one_update(
    db, hook, receiver, editor, django_capture_on_commit_callbacks
):
    """Partners hear of a transaction's changes once; a rolled-back savepoint's event is not sent, and
    the next transaction's change is an event of its own."""
    article = make.article(slug="twice")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make.edit(article, title="A new title")
        make.edit(article, summary="A new summary.")
        try:
            with transaction.atomic():
                workflow.unpublish(Article.objects.get(pk=article.pk), editor)
                raise RuntimeError("the editor's save failed")
        except RuntimeError:
            pass
    assert _events(receiver) == [("updated", "twice")]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make.edit(article, title="Another title")
    assert _events(receiver) == [("updated", "twice"), ("updated", "twice")]


def _events(receiver):
    return [(body["event"], body["slug"]) for body in (json.loads(r["body"]) for r in receiver.requests)]
