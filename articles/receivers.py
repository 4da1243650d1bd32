"""The signal receivers of the articles app, connected once from ``ArticlesConfig.ready()``.

- the page cache: every model whose rows appear on public pages moves the generation on when
  saved or deleted (``cms.pagecache.generation.watch``);
- content fingerprints (``articles.reviews.integrity``) and revision snapshots
  (``articles.workflow.revisions``) connect their receivers when imported;
- stored review dates and due dates follow reviews, intervals and series placement
  (the receivers in ``articles.models.article``, connected by ``@receiver`` at import).
"""

from django.apps import apps
from django.db.models.signals import m2m_changed

from articles.reviews import integrity  # noqa: F401  (connects the receivers that keep content fingerprints)
from articles.workflow import revisions  # noqa: F401  (connects the revision snapshot signal)
from cms.pagecache.generation import _on_tags_changed, watch

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
]


def connect():
    """Watch every model whose rows appear on public pages (called from the app config)."""
    for label in PUBLIC_MODELS:
        watch(apps.get_model(label))
    m2m_changed.connect(_on_tags_changed, sender=apps.get_model("taggit.TaggedItem"), dispatch_uid="vetted-cache-tags")
