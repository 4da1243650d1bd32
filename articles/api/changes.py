"""What partners are told when an article changes: tombstones for withdrawals, webhook events.

Receivers on the rows themselves (like the page cache's), so every write path (the workflow's
transitions, the admin, restores, importers, deletes) is covered without knowing about the API.
Each article remembers, when loaded, whether it was public and at which slug; a save compares.
A public article is one of ``Article.objects.published()`` (``Article.is_public``).

What a partner republishes also changes with the rows around a public article: a new review, its
citations and what they cite, its tags. :func:`touch` is the one answer to those: the article's
row is touched so the ``modified_since`` feed (``updated_at``) shows it, and the webhooks hear of
it, once per transaction (``webhooks.announce``). Citations, references, sources and pictures
reach it through ``integrity.content_changed`` (the one place that sees every write of them, bulk
writes included, and only real changes); tags, tag names and a reference's accessed date, which
no review covers, through receivers below.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, MedicalReview
from articles.workflow import integrity
from references.models import Citation, Reference

from . import webhooks
from .models import Webhook, Withdrawal

_UNLOADED = object()
# Status, publish time and slug decide published/withdrawn/moved; from the title on, a change while
# public is "updated": every field of the article's own row that its JSON shows (``documents.py``).
_WATCHED = ("status", "publish_at", "slug", "title", "summary", "body", "search_terms", "funding", "lead_image_id",
            "author_id")
Event = Webhook.Event


def _state(article):
    return tuple(article.__dict__.get(name, _UNLOADED) for name in _WATCHED)


def _was_public(state, now):
    status, publish_at = state[0], state[1]
    return status == Article.Status.PUBLISHED and publish_at not in (None, _UNLOADED) and publish_at <= now


@receiver(post_init, sender=Article)
def _remember(sender, instance, **kwargs):
    instance._syndication_state = _state(instance)


@receiver(post_save, sender=Article)
def _article_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = instance._syndication_state
    instance._syndication_state = _state(instance)
    if before[0] is _UNLOADED or before[2] is _UNLOADED:
        return  # a partial copy that never loaded its state: nothing to compare
    now = timezone.now()
    was_public = not created and _was_public(before, now)
    old_slug = before[2]
    if instance.is_public(now):
        Withdrawal.objects.filter(slug=instance.slug).delete()  # public here again
        if not was_public:
            webhooks.announce(Event.PUBLISHED, instance.slug, at=now)
        elif old_slug != instance.slug:
            withdraw(old_slug, before[3], Withdrawal.Reason.MOVED, now, moved_to=instance.slug)
            webhooks.announce(Event.PUBLISHED, instance.slug, at=now)
        elif before[3:] != _state(instance)[3:]:
            webhooks.announce(Event.UPDATED, instance.slug, at=now)
    elif instance.is_scheduled(now) and not was_public and (before[:2] != _state(instance)[:2] or created):
        webhooks.announce(Event.PUBLISHED, instance.slug, at=now, go_live=instance.publish_at)
    elif was_public:
        reason = Withdrawal.Reason.ARCHIVED if instance.status == Article.Status.ARCHIVED else Withdrawal.Reason.UNPUBLISHED
        withdraw(old_slug, before[3], reason, now)


@receiver(post_delete, sender=Article)
def _article_deleted(sender, instance, **kwargs):
    now = timezone.now()
    if _was_public(instance._syndication_state, now):
        withdraw(instance._syndication_state[2], instance.title, Withdrawal.Reason.DELETED, now)


def withdraw(slug, title, reason, now, *, moved_to=""):
    """Record the tombstone of what was public at ``slug`` and tell the webhooks."""
    title = title if isinstance(title, str) else ""
    Withdrawal.objects.update_or_create(
        slug=slug, defaults={"title": title[:200], "reason": reason, "withdrawn_at": now, "moved_to": moved_to}
    )
    webhooks.announce(Event.WITHDRAWN, slug, at=now, moved_to=moved_to)


def touch(article_ids, event=Event.UPDATED, *, at=None):
    """The public articles among ``article_ids`` (ids or a query of them) changed for partners
    through rows other than their own: their ``updated_at`` moves, so the change feed shows them,
    and the webhooks hear ``event`` about each, once per transaction. Drafts and scheduled articles:
    nothing (nobody republishes them yet). Two queries, one when none is public."""
    now = at or timezone.now()
    public = Article.objects.published(now).filter(pk__in=article_ids)
    slugs = list(public.values_list("slug", flat=True))
    if slugs:
        public.update(updated_at=now)
    for slug in slugs:
        webhooks.announce(event, slug, at=now)


@receiver(post_save, sender=MedicalReview)
def _reviewed(sender, instance, created, raw=False, **kwargs):
    """A new review of a public article: "reviewed"."""
    if not raw and created:
        touch([instance.article_id], Event.REVIEWED)


@receiver(integrity.content_changed)
def _content_changed(sender, article_ids, **kwargs):
    """Its citations, what they cite, or the pictures it shows changed: "updated"."""
    touch(article_ids)


def _is_article(tagged_item):
    return ContentType.objects.get_for_id(tagged_item.content_type_id).model_class() is Article  # cached: no query


@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def _tagged(sender, instance, raw=False, **kwargs):
    """A tag put on or taken off an article (``tags.add()``, ``set()``, ``remove()``, the admin's
    field): its ``keywords`` changed. A row per tag; the transaction's outbox sends one event."""
    if not raw and _is_article(instance):
        touch([instance.object_id])


# What partners receive of a row shown in other articles, remembered when loaded (as an article's
# state above): a tag's name (the ``keywords`` of every article with it) and a reference's accessed
# date (``citation.accessedOn``, which the review's fingerprint leaves out, so no content_changed).
_SHOWN = {Tag: "name", Reference: "accessed_on"}


@receiver(post_init, sender=Tag)
@receiver(post_init, sender=Reference)
def _remember_shown(sender, instance, **kwargs):
    instance._syndication_shown = instance.__dict__.get(_SHOWN[sender], _UNLOADED)


@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Reference)
def _shown_field_saved(sender, instance, created, raw=False, **kwargs):
    """A tag renamed, a cited reference's accessed date changed: "updated" for every public article
    showing it."""
    before = instance._syndication_shown
    instance._syndication_shown = instance.__dict__.get(_SHOWN[sender], _UNLOADED)
    if raw or created or before is _UNLOADED or before == instance._syndication_shown:
        return
    if sender is Tag:
        article_type = ContentType.objects.get_for_model(Article)
        touch(TaggedItem.objects.filter(tag=instance, content_type=article_type).values("object_id"))
    else:
        touch(Citation.objects.filter(reference=instance).values("article_id"))
