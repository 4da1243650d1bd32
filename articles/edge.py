"""Which edge keys an article's change purges, and the keys each public page carries.

The edge (Varnish, a CDN; ``cms/pagecache/edge.py``, docs/edge-cache.md) stores public pages with
surrogate keys. Two families, so a purge is exact:

- **a page's identity**: ``article-12`` (the article's page, wherever its address was), ``series-3``
  (the series page and its feed), ``tag-7`` (the tag page and its feed), ``reviewer-2``, ``home``,
  ``feeds`` (the site feed), ``sitemap``, ``series-index``, ``corrections`` (the corrections log
  ``/corrections/`` and its feed);
- **what an article page mentions**: ``shows-article-15`` (a related post), ``shows-tag-7``,
  ``shows-series-3``, ``shows-reviewer-2`` (names shown on the page).

A change to a public article purges :func:`article_change_keys`: its page, its neighbours in its
series (their previous/next links), its series, tag and reviewer pages, the pages that mention it,
home, feeds and sitemap (and the series index when it appears or disappears; the corrections log
when it has public corrections). Publishing, editing or withdrawing a public correction purges the
corrections log and its article's keys (its page lists it, its ``dateModified`` moves in feeds and
the sitemap, which lists ``/corrections/`` with the newest correction's date). Renaming a tag,
series or reviewer purges its page and the pages that mention it; editing a library image (its
text, file, focal point or renditions) purges the live articles that show it and the pages of the
reviewers it portrays. Receivers at the bottom collect
the changes of a transaction and queue one purge task when it commits (every write path: admin,
workflow, importers, commands), like the page cache's generation (``cms.pagecache.generation.invalidate``). A
scheduled article is purged at its go-live time by a deferred task (:func:`go_live`).
"""

import logging
import threading

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.tasks import task
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.media.models import Image, ImageUse
from cms.pagecache import edge, tasks
from cms.transactions import hook_queued
from references.models import Citation, Reference, Source

from .models import Article, ArticleEvent, MedicalReview, Redirect, RelatedLink, Reviewer, Series, SeriesEntry

logger = logging.getLogger("vetted.edge")

HOME, FEEDS, SITEMAP, SERIES_INDEX, CORRECTIONS = "home", "feeds", "sitemap", "series-index", "corrections"
# Every public page carries it (cms.pagecache.edge.EVERY_PAGE): purged when a transaction changed
# more articles than are worth working out one by one, and by bulk writers (purge_all).
EVERYTHING = "all"
# Beyond this many articles in one transaction (an import), the whole edge is purged instead.
MAX_ARTICLES_PER_PURGE = 500


def article_key(pk):
    return f"article-{pk}"


def series_key(pk):
    return f"series-{pk}"


def tag_key(pk):
    return f"tag-{pk}"


def reviewer_key(pk):
    return f"reviewer-{pk}"


def shows(key):
    """The key of the pages that mention ``key``'s object (a name or title shown there)."""
    return f"shows-{key}"


# --- the keys a page carries -----------------------------------------------------------------------


def mark_article_page(request, article, related):
    """The article page: itself, and every article, tag, series and reviewer it names."""
    keys = [article_key(article.pk)]
    keys += [shows(article_key(other.pk)) for other in related]
    keys += [shows(tag_key(tag.pk)) for tag in article.tags.all()]
    keys += [shows(reviewer_key(review.reviewer_id)) for review in article.reviews.all()]
    entry = getattr(article, "series_entry", None)
    if entry is not None:
        keys.append(shows(series_key(entry.series_id)))
    edge.mark(request, *keys)


# --- the keys a change purges ----------------------------------------------------------------------


def article_change_keys(article_ids, *, visibility=False, now=None):
    """Every key whose pages change when these articles change (published, edited, reviewed, taken down).

    ``visibility``: an article appeared or disappeared (the series index lists series with a
    published article). Read from the database as it is now: tags removed or a series left in the
    same change are added by the receivers, which saw them go.
    """
    ids = sorted(set(article_ids))
    if not ids:
        return set()
    now = now or timezone.now()
    keys = {HOME, FEEDS, SITEMAP}
    for pk in ids:
        keys |= {article_key(pk), shows(article_key(pk))}
    tagged = TaggedItem.objects.filter(content_type__app_label="articles", content_type__model="article", object_id__in=ids)
    keys |= {tag_key(tag_id) for tag_id in tagged.values_list("tag_id", flat=True)}
    keys |= {reviewer_key(r) for r in MedicalReview.objects.filter(article_id__in=ids).values_list("reviewer_id", flat=True)}
    entries = list(SeriesEntry.objects.filter(article_id__in=ids).values_list("series_id", "position"))
    for series_id, position in entries:
        keys.add(series_key(series_id))
        keys |= {article_key(pk) for pk in neighbours(series_id, position, now)}
    if visibility and entries:
        keys.add(SERIES_INDEX)
    if ArticleEvent.objects.announced_corrections().filter(article_id__in=ids).exists():
        keys.add(CORRECTIONS)  # the log names the article (its title, its address)
    return keys


def neighbours(series_id, position, now):
    """The published articles just before and after ``position`` in the series: their previous/next links change."""
    published = SeriesEntry.objects.filter(series_id=series_id, article__in=Article.objects.published(now))
    before = published.filter(position__lt=position).order_by("-position").values_list("article_id", flat=True)[:1]
    after = published.filter(position__gt=position).order_by("position").values_list("article_id", flat=True)[:1]
    return [*before, *after]


# --- collecting a transaction's changes --------------------------------------------------------------


class _Changes:
    """What one transaction changed; sent once, when it commits (dropped with it if it rolls back)."""

    def __init__(self):
        self.keys = set()
        self.articles = set()
        self.visibility = False
        self.go_live = {}  # article id -> publish time
        self.public = {}  # article id -> whether it is public, asked once per transaction

    @property
    def everything(self):
        return EVERYTHING in self.keys

    def send(self):
        if _local.changes is self:
            _local.changes = None
        keys = set(self.keys)
        try:
            if self.everything:
                keys = {EVERYTHING}
            else:
                keys |= article_change_keys(self.articles, visibility=self.visibility)
        except Exception:  # the content is committed whatever happens here; s-maxage bounds staleness
            logger.exception("Could not work out the edge keys of articles %s; they expire within s-maxage", self.articles)
        if keys:
            tasks.enqueue(keys)
        for pk, when in self.go_live.items():
            schedule_go_live(pk, when)


_local = threading.local()
_local.changes = None


def _changes():
    """This transaction's change set (a new one, queued to send on commit, when there is none yet)."""
    current = getattr(_local, "changes", None)
    if current is not None and hook_queued(lambda hook: hook == current.send):
        return current
    current = _Changes()
    _local.changes = current
    # Outside a transaction on_commit runs at once, so the caller's additions would come too late:
    # send on the next line instead.
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(current.send, robust=True)
    return current


def _record(*, keys=(), articles=(), visibility=False, go_live=None):
    connection = transaction.get_connection()
    changes = _changes()
    if not changes.everything:
        changes.keys |= set(keys)
        changes.articles |= set(articles)
        changes.visibility = changes.visibility or visibility
        if len(changes.articles) > MAX_ARTICLES_PER_PURGE:
            changes.keys, changes.articles = {EVERYTHING}, set()
    if go_live:
        changes.go_live.update(go_live)
    if not connection.in_atomic_block:
        changes.send()


def purge_all():
    """Purge every public page at the edge once the transaction commits: for writers that bypass
    model signals (``bulk_create``, ``QuerySet.update``), as they call ``generation.invalidate()``."""
    _record(keys=[EVERYTHING])


def _is_public(article_id):
    """Whether the article is public now: asked once per transaction, and not at all once the whole
    edge is to be purged (a mass delete sends a signal per row)."""
    changes = _changes()
    if changes.everything:
        return False
    if article_id not in changes.public:
        changes.public[article_id] = Article.objects.published().filter(pk=article_id).exists()
    return changes.public[article_id]


# --- scheduled go-live -------------------------------------------------------------------------------


def schedule_go_live(article_id, when):
    """Purge the article's keys at ``when`` (its publish time), when the task backend can wait.

    Pages are also never kept at the edge past the next go-live (their s-maxage), so a backend that
    cannot defer (the tests' immediate one) still shows the article on time, from the next request.
    """
    chosen = go_live
    if not chosen.get_backend().supports_defer:
        return None
    return chosen.using(run_after=when).enqueue(article_id=article_id, publish_at=when.isoformat())


@task
def go_live(article_id, publish_at):
    """At an article's publish time: purge what its appearance changes, if it is still due then."""
    article = Article.objects.filter(pk=article_id).only("status", "publish_at").first()
    if article is None or article.publish_at is None or article.publish_at.isoformat() != publish_at:
        return []  # deleted or rescheduled: the new schedule has its own task
    if not article.is_public():
        return []
    keys = article_change_keys([article_id], visibility=True)
    tasks.enqueue(keys)
    return sorted(keys)


# --- receivers -----------------------------------------------------------------------------------------


def _remember_visibility(sender, instance, raw=False, **kwargs):
    """Before an article is saved: its status and publish time as stored (one read by primary key)."""
    instance._edge_was = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._edge_was = Article.objects.filter(pk=instance.pk).values_list("status", "publish_at").first()


def _public(status, publish_at, now):
    return status == Article.Status.PUBLISHED and publish_at is not None and publish_at <= now


def _article_saved(sender, instance, raw=False, **kwargs):
    """A live article changed, or one appeared or disappeared: purge its pages; a newly scheduled
    one: purge at its publish time."""
    if raw:
        return
    now = timezone.now()
    was = getattr(instance, "_edge_was", None)
    was_public = was is not None and _public(*was, now)
    is_public = _public(instance.status, instance.publish_at, now)
    if is_public or was_public:
        _record(articles=[instance.pk], visibility=is_public != was_public)
    scheduled = instance.status == Article.Status.PUBLISHED and instance.publish_at and instance.publish_at > now
    if scheduled and (was is None or tuple(was) != (instance.status, instance.publish_at)):
        _record(go_live={instance.pk: instance.publish_at})


def _article_deleted(sender, instance, **kwargs):
    if _public(instance.status, instance.publish_at, timezone.now()):
        _record(keys=[HOME, FEEDS, SITEMAP, SERIES_INDEX, article_key(instance.pk), shows(article_key(instance.pk))])


def _review_changed(sender, instance, raw=False, **kwargs):
    if not raw and _is_public(instance.article_id):
        _record(keys=[reviewer_key(instance.reviewer_id)], articles=[instance.article_id])


def _remember_correction(sender, instance, raw=False, **kwargs):
    """Before an event is changed (not added): whether it was a public correction (one read by primary key)."""
    instance._edge_was_correction = False
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._edge_was_correction = ArticleEvent.objects.announced_corrections().filter(pk=instance.pk).exists()


def _correction_saved(sender, instance, raw=False, **kwargs):
    """A public correction published or edited, or one withdrawn (no longer announced): the
    corrections log and its feed, and its article's keys (its page lists it; its ``dateModified``
    in feeds and the sitemap)."""
    if not raw and (instance.is_announced_correction or instance._edge_was_correction):
        _correction_shown_changed(instance)


def _correction_deleted(sender, instance, **kwargs):
    if instance.is_announced_correction:
        _correction_shown_changed(instance)


def _correction_shown_changed(event):
    if _is_public(event.article_id):
        _record(keys=[CORRECTIONS], articles=[event.article_id])


def _remember_series(sender, instance, raw=False, **kwargs):
    instance._edge_old_series = None
    if not raw and instance.pk:
        instance._edge_old_series = SeriesEntry.objects.filter(pk=instance.pk).values_list("series_id", flat=True).first()


def _entry_changed(sender, instance, raw=False, **kwargs):
    if raw or not _is_public(instance.article_id):
        return
    keys = {series_key(instance.series_id), SERIES_INDEX}
    old = getattr(instance, "_edge_old_series", None)
    if old and old != instance.series_id:
        keys.add(series_key(old))
    _record(keys=keys, articles=[instance.article_id])


def _entry_deleted(sender, instance, **kwargs):
    if _is_public(instance.article_id):
        keys = {series_key(instance.series_id), SERIES_INDEX}
        keys |= {article_key(pk) for pk in neighbours(instance.series_id, instance.position, timezone.now())}
        _record(keys=keys, articles=[instance.article_id])


def _tagging_changed(sender, instance, raw=False, **kwargs):
    if raw or ContentType.objects.get_for_id(instance.content_type_id).model_class() is not Article:
        return
    if not _is_public(instance.object_id):
        return
    _record(keys=[tag_key(instance.tag_id)], articles=[instance.object_id])


def _renamed(key_of, *extra):
    def receiver(sender, instance, raw=False, created=False, **kwargs):
        if not raw and not created:  # a new tag, series or reviewer has no page yet
            key = key_of(instance.pk)
            _record(keys=[key, shows(key), *extra])

    return receiver


def _own_page(sender, instance, raw=False, **kwargs):
    """A related link or a citation: only its article's page shows it."""
    if not raw and _is_public(instance.article_id):
        _record(keys=[article_key(instance.article_id)])


def _redirect_changed(sender, instance, raw=False, **kwargs):
    """A new old address: its article's page under the old address (key ``article-N``) goes."""
    if not raw:
        _record(keys=[article_key(instance.article_id)])


_CHECKER_FIELDS = {"checked_at", "http_status", "final_url", "check_error", "updated_at"}


def _reference_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= _CHECKER_FIELDS):
        return  # the link checker's fields are not shown to readers
    citing = Citation.objects.filter(reference=instance, article__in=Article.objects.published())
    _record(keys={article_key(pk) for pk in citing.values_list("article_id", flat=True)})


def _source_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    citing = Citation.objects.filter(reference__source=instance, article__in=Article.objects.published())
    _record(keys={article_key(pk) for pk in citing.values_list("article_id", flat=True)})


def _image_changed(sender, instance, raw=False, created=False, **kwargs):
    """A library image edited: the live articles showing it (``ImageUse``) and the pages of the
    reviewers it portrays, and the pages naming those reviewers. A new image is shown nowhere yet."""
    if raw or created:
        return
    showing = ImageUse.objects.filter(image=instance, article__in=Article.objects.published())
    keys = {article_key(pk) for pk in showing.values_list("article_id", flat=True)}
    for pk in Reviewer.objects.filter(photo=instance).values_list("pk", flat=True):
        keys |= {reviewer_key(pk), shows(reviewer_key(pk))}
    if keys:
        _record(keys=keys)


def connect_signals():
    """Called from the app config: every write path that changes what readers see reaches a purge."""
    connections = [
        (pre_save, Article, _remember_visibility),
        (post_save, Article, _article_saved),
        (post_delete, Article, _article_deleted),
        (post_save, MedicalReview, _review_changed),
        (post_delete, MedicalReview, _review_changed),
        (pre_save, ArticleEvent, _remember_correction),
        (post_save, ArticleEvent, _correction_saved),
        (post_delete, ArticleEvent, _correction_deleted),
        (pre_save, SeriesEntry, _remember_series),
        (post_save, SeriesEntry, _entry_changed),
        (post_delete, SeriesEntry, _entry_deleted),
        (post_save, TaggedItem, _tagging_changed),
        (post_delete, TaggedItem, _tagging_changed),
        (post_save, Tag, _renamed(tag_key, HOME)),
        (post_save, Series, _renamed(series_key, HOME, SERIES_INDEX)),
        (post_save, Reviewer, _renamed(reviewer_key)),
        (post_save, RelatedLink, _own_page),
        (post_delete, RelatedLink, _own_page),
        (post_save, Citation, _own_page),
        (post_delete, Citation, _own_page),
        (post_save, Redirect, _redirect_changed),
        (post_save, Reference, _reference_changed),
        (post_save, Source, _source_changed),
        (post_save, Image, _image_changed),
    ]
    for signal, model, receiver in connections:
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"vetted-edge-{signal_name(signal)}-{model._meta.label_lower}")


def signal_name(signal):
    return {id(post_save): "save", id(post_delete): "delete", id(pre_save): "presave"}[id(signal)]

