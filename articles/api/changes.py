"""What partners are told when an article changes: tombstones for withdrawals, webhook events.

Receivers on the rows themselves (like the page cache's), so every write path (the workflow's
transitions, the admin, restores, importers, deletes) is covered without knowing about the API.
Each article remembers, when loaded, whether it was public and at which slug; a save compares.
A public article is one of ``Article.objects.published()`` (``Article.is_public``).
"""

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article, MedicalReview

from . import webhooks
from .models import Webhook, Withdrawal

_UNLOADED = object()
_WATCHED = ("status", "publish_at", "slug", "title", "summary", "body")
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


@receiver(post_save, sender=MedicalReview)
def _reviewed(sender, instance, created, raw=False, **kwargs):
    """A new review of a public article: its row is touched so the change feed (ordered by
    ``updated_at``) shows it, and the webhooks hear "reviewed"."""
    if raw or not created:
        return
    now = timezone.now()
    touched = Article.objects.published(now).filter(pk=instance.article_id)
    slug = touched.values_list("slug", flat=True).first()
    if slug is not None:
        touched.update(updated_at=now)
        webhooks.announce(Event.REVIEWED, slug, at=now)
