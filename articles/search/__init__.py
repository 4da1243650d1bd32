"""Site search: PostgreSQL full-text search with a fallback elsewhere (``query``)."""

from .query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    MIN_PREFIX_LENGTH,
    RANKED_MATCHES,
    SEARCH_CONFIG,
    articles_matching,
    clean_query,
    editor_search,
    find_articles,
    is_capped,
    prefix_query,
    search_articles,
    snippet,
    split_exclusions,
    terms_of,
    uses_postgres_search,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "MIN_PREFIX_LENGTH",
    "RANKED_MATCHES",
    "SEARCH_CONFIG",
    "articles_matching",
    "clean_query",
    "editor_search",
    "find_articles",
    "is_capped",
    "prefix_query",
    "search_articles",
    "snippet",
    "split_exclusions",
    "terms_of",
    "uses_postgres_search",
]
