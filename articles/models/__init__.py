"""The models of the articles app, one module per concern; every public name is importable from here.

- ``article``: reviewers, articles, medical reviews, reminders, imports, review policy, drafts;
- ``series``: series and each article's place in one;
- ``links``: related links, redirects, links waiting for an import;
- ``events``: the audit trail;
- ``search``: site-wide search equivalents and the missed-search log (docs/search.md).

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
from articles.models.search import (  # noqa: F401
    ResolvedSearch,
    SearchEquivalent,
    SearchMiss,
    split_terms,
    validate_terms,
)
from articles.models.series import (  # noqa: F401
    Series,
    SeriesEntry,
    SeriesLink,
    label_before_title,
)
from articles.querysets import (  # noqa: F401
    ArticleEventQuerySet,
    ArticleQuerySet,
    SeriesQuerySet,
    published_condition,
    published_sql,
)

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
    "ArticleEventQuerySet",
    "published_condition",
    "published_sql",
]
