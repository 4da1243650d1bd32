"""The models of the articles app, one module per concern; every public name is importable from here.

- ``article``: reviewers, articles, medical reviews, reminders, imports, review policy, drafts;
- ``series``: series and each article's place in one;
- ``links``: related links, redirects, links waiting for an import;
- ``events``: the audit trail.

The query sets are in ``articles/querysets.py``; receivers in ``articles/receivers.py``.
"""

from articles.models.article import (  # noqa: F401
    Article,
    AutosavedDraft,
    ContentGeneration,
    EditConflict,
    ImportedPost,
    MedicalReview,
    Reviewer,
    ReviewPolicy,
    ReviewReminder,
    RevisionSnapshot,
    SlugNaturalKeyManager,
    tag_name_problem,
)
from articles.models.events import (  # noqa: F401
    ArticleEvent,
)
from articles.models.links import (  # noqa: F401
    PendingLink,
    Redirect,
    RelatedLink,
)
from articles.models.series import (  # noqa: F401
    Series,
    SeriesEntry,
    SeriesLink,
    label_before_title,
)
from articles.querysets import ArticleQuerySet, SeriesQuerySet, published_condition, published_sql  # noqa: F401

__all__ = [
    "SlugNaturalKeyManager",
    "Reviewer",
    "tag_name_problem",
    "EditConflict",
    "RevisionSnapshot",
    "Article",
    "MedicalReview",
    "ReviewReminder",
    "ImportedPost",
    "ReviewPolicy",
    "ContentGeneration",
    "AutosavedDraft",
    "ArticleEvent",
    "RelatedLink",
    "Redirect",
    "PendingLink",
    "Series",
    "SeriesEntry",
    "label_before_title",
    "SeriesLink",
    "ArticleQuerySet",
    "SeriesQuerySet",
    "published_condition",
    "published_sql",
]
