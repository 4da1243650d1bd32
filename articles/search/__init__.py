"""Site search: PostgreSQL full-text search with a fallback elsewhere (``query``), the site-wide
equivalents (``terms``), spelling corrections (``spelling``), suggestions as you type
(``suggest``) and the log of missed searches (``misses``). See docs/search.md."""

from .misses import token as log_token
from .query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    MIN_PREFIX_LENGTH,
    RANKED_MATCHES,
    SEARCH_CONFIG,
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
    "MIN_PREFIX_LENGTH",
    "RANKED_MATCHES",
    "SEARCH_CONFIG",
    "Results",
    "articles_matching",
    "clean_query",
    "editor_search",
    "find_articles",
    "is_capped",
    "log_token",
    "prefix_query",
    "search",
    "search_articles",
    "snippet",
    "split_exclusions",
    "terms_of",
    "uses_postgres_search",
]
