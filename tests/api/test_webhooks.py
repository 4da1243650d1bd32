"""Webhooks: queued after the editor's save commits, signed, retried with backoff for a day, logged."""

import datetime
import json

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from taggit.models import Tag

from articles.api import webhooks
from articles.api.models import Delivery, Webhook
from articles.importing.apply import import_page
from articles.importing.plaintext import parse_page
from articles.media import services as media
from articles.models import Article
from articles.workflow import revisions
from articles.workflow import rules as workflow
from references.models import Source
from tests import factories as make
from tests.admin_forms import change_form_data
from tests.media_files import picture, upload


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
    (lambda a, editor: make.edit(a, search_terms="insomnia\nsleeplessness"), "updated"),  # alternateName
    (lambda a, editor: make.edit(a, funding="Funded by the Sleep Trust."), "updated"),
    (lambda a, editor: make.edit(a, author=editor), "updated"),
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


# --- one event per transaction; citations and tags change what partners republish ---------------------


def _events(receiver):
    return [(body["event"], body["slug"]) for body in (json.loads(r["body"]) for r in receiver.requests)]


def _changed_since(api, since):
    """The slugs of the articles in the API's ``modified_since`` feed."""
    response = api(f"/api/v1/articles?order=modified&modified_since={since.isoformat().replace('+00:00', 'Z')}")
    assert response.status_code == 200, response.content
    return {item["slug"] for item in response.json()["items"] if item["type"] == "MedicalWebPage"}


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


@pytest.fixture
def live(db):
    """A live article with two citations (the first from a named source) and two tags."""
    article = make.article(slug="live", tags=["sleep", "stress"])
    make.cite(article, make.reference(source=make.source(name="Sleep Foundation")))
    make.cite(article)
    return article


def _swap_citations(article):
    first, second = article.citations.order_by("position")
    first.position = 3  # out of the way: two citations never share a position
    first.save()
    second.position = 1
    second.save()
    first.position = 2
    first.save()


def _edit_reference(**fields):
    def change(article):
        reference = article.citations.get(position=1).reference
        for name, value in fields.items():
            setattr(reference, name, value)
        reference.save()

    return change


def _rename(model, old, new):
    row = model.objects.get(name=old)
    row.name = new
    row.save()


@pytest.mark.parametrize("change", [
    pytest.param(lambda a: make.cite(a), id="citation added"),
    pytest.param(lambda a: a.citations.get(position=2).delete(), id="citation removed"),
    pytest.param(_swap_citations, id="citations reordered"),
    pytest.param(_edit_reference(url="https://example.org/moved"), id="cited reference's URL fixed"),
    pytest.param(_edit_reference(accessed_on=datetime.date(2026, 3, 1)), id="cited reference's accessed date"),
    pytest.param(lambda a: _rename(Source, "Sleep Foundation", "The Sleep Foundation"), id="cited source renamed"),
    pytest.param(lambda a: a.tags.add("insomnia", "naps"), id="tags added"),
    pytest.param(lambda a: a.tags.remove("stress"), id="tag removed"),
    pytest.param(lambda a: a.tags.set(["sleep", "diet"]), id="tags replaced"),
    pytest.param(lambda a: _rename(Tag, "stress", "Stress"), id="tag renamed"),
])
def test_a_change_of_citations_or_tags_alone_is_one_update_and_enters_the_change_feed(
    live, hook, receiver, api, change, django_capture_on_commit_callbacks
):
    """What a partner republishes (``citation``, ``keywords``) changed: one "updated" per save, however
    many rows moved, and the article is in ``modified_since`` from then on."""
    since = timezone.now()
    assert "live" not in _changed_since(api, since)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        change(Article.objects.get(pk=live.pk))
    assert _events(receiver) == [("updated", "live")]
    assert "live" in _changed_since(api, since)


def test_a_save_that_changes_nothing_a_partner_sees_sends_nothing(live, hook, receiver, django_capture_on_commit_callbacks):
    """Re-saving the same rows (and a link check's result) is no change for partners; a real one is."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        article = Article.objects.get(pk=live.pk)
        article.tags.set(["stress", "sleep"])
        for citation in article.citations.all():
            citation.save()
            citation.reference.save()
        reference = article.citations.get(position=1).reference
        reference.http_status, reference.checked_at = 404, timezone.now()
        reference.save(update_fields=["http_status", "checked_at"])
    assert receiver.requests == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make.cite(article)
    assert _events(receiver) == [("updated", "live")]


def test_a_shared_reference_fixed_once_tells_each_live_article_that_cites_it_once(
    db, hook, receiver, api, django_capture_on_commit_callbacks
):
    shared = make.reference(url="https://example.org/old-address")
    citing = [make.article(slug=slug) for slug in ("one", "two")]
    draft = make.article(slug="draft", status=Article.Status.DRAFT)
    for article in [*citing, draft]:
        make.cite(article)
        make.cite(article, shared)
    since = timezone.now()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        shared.url = "https://example.org/new-address"
        shared.save()
    assert sorted(_events(receiver)) == [("updated", "one"), ("updated", "two")]
    assert _changed_since(api, since) == {"one", "two"}


def test_a_draft_sends_nothing_when_its_citations_or_tags_change(db, hook, receiver, django_capture_on_commit_callbacks):
    """Nobody republishes a draft; the live article changed in the same save is told."""
    draft = make.article(slug="draft", status=Article.Status.DRAFT)
    article = make.article(slug="live")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for each in (draft, article):
            make.cite(each)
            each.tags.add("sleep")
    assert _events(receiver) == [("updated", "live")]
    assert not Delivery.objects.filter(slug="draft").exists()


def test_publishing_with_new_tags_and_citations_is_one_published_event(
    db, hook, receiver, editor, django_capture_on_commit_callbacks
):
    """A partner fetches a newly published article whole: no "updated" beside its "published"; the
    next change of its tags is one "updated"."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        article = make.article(slug="fresh", tags=["sleep"])
        make.cite(article)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        approved = _approved("approved")
        workflow.publish(approved, editor)
        approved.tags.add("stress")
        make.cite(approved)
    assert _events(receiver) == [("published", "fresh"), ("published", "approved")]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        article.tags.add("stress")
    assert _events(receiver)[2:] == [("updated", "fresh")]


def test_the_article_admin_saving_citations_and_tags_sends_one_update(
    admin_client, hook, receiver, django_capture_on_commit_callbacks
):
    """The admin's inline rows and its tags field, in one save: one "updated"; a save that changes
    nothing sends none."""
    article = make.article(slug="in-admin", tags=["sleep"])
    first, second = make.cite(article), make.cite(article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, change_form_data(admin_client.get(url))).status_code == 302
    assert receiver.requests == []
    data = change_form_data(admin_client.get(url))
    data.update({"citations-0-position": 2, "citations-1-position": 1, "citations-TOTAL_FORMS": 3,
                 "citations-2-position": 3, "citations-2-reference": make.reference().pk, "tags": "sleep, stress"})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert [c.pk for c in article.citations.order_by("position")][:2] == [second.pk, first.pk]
    assert _events(receiver) == [("updated", "in-admin")]


IMPORTED = """---
Slug: imported
{fields}---
Sleep And Stress

Medically Reviewed by Dr. L. Moreno on March 26, 2021

Worry keeps many people awake.
{references}"""


def test_a_reimport_that_adds_tags_and_references_sends_one_update(db, hook, receiver, api, django_capture_on_commit_callbacks):
    """The importer writes citations in bulk (no signals) and adds tags; the page's text is the same."""
    import_page(parse_page(IMPORTED.format(fields="", references="")), publish=True)
    assert Article.objects.published().filter(slug="imported").exists()
    since = timezone.now()
    page = IMPORTED.format(fields="Tags: sleep, stress\n",
                           references="\nReferenced on 2021-03-20\n\n  1. Sleep Foundation: “Stress and Insomnia.”\n")
    with django_capture_on_commit_callbacks(execute=True):
        import_page(parse_page(page))
    article = Article.objects.get(slug="imported")
    assert article.citations.count() == 1 and sorted(article.tags.names()) == ["sleep", "stress"]
    assert _events(receiver) == [("updated", "imported")]
    assert "imported" in _changed_since(api, since)


def test_restoring_a_revision_with_other_citations_and_tags_sends_one_update(
    db, hook, receiver, api, editor, django_capture_on_commit_callbacks
):
    """The workflow's restore writes tags one by one and citations in bulk, in one transaction."""
    article = make.article(slug="restored", tags=["sleep"])
    make.cite(article)
    revisions.refresh_snapshot(article)
    record = revisions.revisions(article).first()
    article.citations.all().delete()
    article.tags.set(["stress", "diet"])
    since = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        revisions.restore_revision(Article.objects.get(pk=article.pk), record, editor, live_confirmed=True)
    assert article.citations.count() == 1 and list(article.tags.names()) == ["sleep"]
    assert _events(receiver) == [("updated", "restored")]
    assert "restored" in _changed_since(api, since)


def test_a_tag_renamed_tells_every_live_article_that_has_it(db, hook, receiver, django_capture_on_commit_callbacks):
    for slug in ("one", "two"):
        make.article(slug=slug, tags=["stress"])
    make.article(slug="draft", status=Article.Status.DRAFT, tags=["stress"])
    make.article(slug="other", tags=["sleep"])
    with django_capture_on_commit_callbacks(execute=True):
        _rename(Tag, "stress", "Stress")
    assert sorted(_events(receiver)) == [("updated", "one"), ("updated", "two")]


def test_a_new_lead_image_or_an_edit_of_a_picture_shown_is_one_update(
    db, hook, receiver, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The API's ``image`` (and the figures in its body) changed: the article's own lead image, or the
    alt text of a library picture it shows."""
    settings.MEDIA_ROOT = str(tmp_path)
    first, second = (media.create_image(upload(picture()), alt_text=text) for text in ("A port", "A scan"))
    article = make.article(slug="pictured", lead_image=first)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make.edit(article, lead_image=second)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        second.alt_text = "A scan of the chest"
        second.save()
    assert _events(receiver) == [("updated", "pictured"), ("updated", "pictured")]
