"""The signal receivers of the articles app, connected once from ``ArticlesConfig.ready()``.

- the page cache: every model whose rows appear on public pages moves the generation on when
  saved or deleted (``cms.pagecache.generation.watch``), and tags added to or taken from an article
  (``watch_relation``);
- the edge: what a change purges at a cache in front (``articles.edge``, docs/edge-cache.md);
- content fingerprints (``articles.workflow.integrity``) and revision snapshots
  (``articles.workflow.revisions``) connect their receivers when imported;
- stored review dates and due dates follow reviews, intervals and series placement (below,
  connected by ``@receiver`` when this module is imported).

Why receivers, and why they read ``instance.__dict__`` (the one place this is explained; the
derived data and every write path that keeps it are listed in docs/architecture.md):

- Receivers rather than ``save()``: they also run on delete, and on every ORM write whatever the
  path (admin, inlines, importers, restore, the review services), with no side effect hidden in a
  model's ``save()``. ``QuerySet.update()`` and ``bulk_create`` send no signal: code that writes
  that way calls the refresh itself (``generate_content``, the importers' citations, a restore).
- ``post_init`` remembers what a row was loaded with, so ``post_save`` can tell whether the
  interval or the series placement changed and skip the refresh (a save that changes none of it
  costs no query), and a review moved to another article refreshes both articles.
- ``__dict__.get()`` rather than the attribute: a field left out by ``only()``/``defer()`` is
  not in ``__dict__``, and reading it as an attribute would load it with one query per row
  (``post_init`` runs for every row of every queryset). ``_UNLOADED`` marks such a field, which is
  then never compared as changed.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from articles import edge
from articles.models import Article, MedicalReview, Series, SeriesEntry
from articles.reviews.queries import refresh_due_dates
from articles.workflow import (
    integrity,  # noqa: F401  (connects the receivers that keep content fingerprints)
    revisions,  # noqa: F401  (connects the revision snapshot signal)
)
from cms.pagecache.generation import watch, watch_relation

# Models whose rows appear on public pages.
PUBLIC_MODELS = [
    "articles.Article",
    "articles.MedicalReview",
    "articles.Reviewer",
    "articles.Series",
    "articles.SeriesEntry",
    "articles.RelatedLink",
    "articles.ArticleEvent",
    "references.Citation",
    "references.Reference",
    "references.Source",
    "taggit.Tag",
    "taggit.TaggedItem",
    "media.Image",
]


def connect():
    """Watch every model whose rows appear on public pages (called from the app config)."""
    for label in PUBLIC_MODELS:
        watch(apps.get_model(label))
    watch_relation(apps.get_model("taggit.TaggedItem"))  # article.tags.add()/set()/clear()
    edge.connect_signals()


# --- Stored review dates follow reviews (see articles.workflow.integrity.refresh_review_dates) ---


@receiver(post_init, sender=MedicalReview)
def _remember_reviewed_article(sender, instance, **kwargs):
    instance._article_id_at_load = instance.article_id


@receiver(post_save, sender=MedicalReview)
@receiver(post_delete, sender=MedicalReview)
def _review_dates_follow_reviews(sender, instance, raw=False, **kwargs):
    # Both articles when a review was moved from one to another. A fixture (a backup being
    # restored) brings its articles' due dates, worked out with series that may not be loaded yet.
    article_ids = {instance.article_id, getattr(instance, "_article_id_at_load", None)} - {None}
    integrity.refresh_review_dates(article_ids)
    if not raw:
        refresh_due_dates(article_ids)
    instance._article_id_at_load = instance.article_id


# --- Stored due dates follow what they are worked out from (see articles.reviews.queries.refresh_due_dates) ---
# Reviews: refresh_review_dates() above. Here: an article's or a series' own interval, and which
# series an article is in. Each remembers what it was loaded with, so a save that changes none of
# it costs nothing.

_UNLOADED = object()  # a deferred field: never read here (reading it would cost a query)


def _placement(entry):
    return entry.__dict__.get("article_id", _UNLOADED), entry.__dict__.get("series_id", _UNLOADED)


@receiver(post_init, sender=Article)
@receiver(post_init, sender=Series)
def _remember_interval(sender, instance, **kwargs):
    instance._interval_at_load = instance.__dict__.get("review_interval_months", _UNLOADED)


@receiver(post_save, sender=Article)
@receiver(post_save, sender=Series)
def _due_dates_follow_interval(sender, instance, created, raw=False, **kwargs):
    if created or raw or instance._interval_at_load == instance.__dict__.get("review_interval_months", _UNLOADED):
        return  # a new article has no review yet; a fixture brings its own dates

    if sender is Article:
        refresh_due_dates([instance.pk])
    else:
        refresh_due_dates(SeriesEntry.objects.filter(series_id=instance.pk).values("article_id"))
    instance._interval_at_load = instance.review_interval_months


@receiver(post_init, sender=SeriesEntry)
def _remember_series_entry(sender, instance, **kwargs):
    instance._placement_at_load = _placement(instance)


@receiver(post_save, sender=SeriesEntry)
@receiver(post_delete, sender=SeriesEntry)
def _due_dates_follow_series(sender, instance, raw=False, **kwargs):
    before = instance._placement_at_load
    if raw or (kwargs.get("created") is False and before == _placement(instance)):
        return  # only its position or label changed

    refresh_due_dates({instance.article_id, before[0]} - {None, _UNLOADED})
    instance._placement_at_load = _placement(instance)


