"""Site search: PostgreSQL full-text search with a portable fallback (``query``), the site-wide
equivalents (``terms``), spelling corrections (``spelling``), suggestions as you type
(``suggest``) and the log of missed searches (``misses``). See docs/search.md."""

from articles.search.misses import token as log_token  # noqa: F401
from articles.search.query import (  # noqa: F401
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    MIN_PREFIX_LENGTH,
    RANKED_MATCHES,
    SEARCH_CONFIG,
    SNIPPET_CHARS,
    SNIPPET_REWRITES,
    Results,
    articles_matching,
    clean_query,
    editor_search,
    find_articles,
    is_capped,
    prefix_query,
    search,
    search_articles,
    snippet,
    split_exclusions,
    terms_of,
    uses_postgres_search,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "SNIPPET_CHARS",
    "RANKED_MATCHES",
    "SEARCH_CONFIG",
    "MIN_PREFIX_LENGTH",
    "Results",
    "clean_query",
    "terms_of",
    "uses_postgres_search",
    "search",
    "search_articles",
    "find_articles",
    "editor_search",
    "split_exclusions",
    "articles_matching",
    "SNIPPET_REWRITES",
    "prefix_query",
    "is_capped",
    "snippet",
    "log_token",
]
