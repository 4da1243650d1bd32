"""Suggestions as a reader types: published articles whose title or terms start words typed.

On PostgreSQL, each typed word matches the beginning of a word of the title or of the terms
(the column ``search_heading``, kept by the search vector's trigger and GIN-indexed: small, so
checking it costs little, where the weight-A part of the whole vector meant reading every
candidate's body vector, far too slow on a large catalogue: docs/search.md), among the newest
``NEWEST`` matches; elsewhere ``icontains`` on the title and terms. Then ranked here: a title
that starts with what was typed first, then a term that does, then the newest. One query.
"""

from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Q
from django.db.models.expressions import RawSQL

from articles.models import Article, split_terms
from articles.search import terms
from articles.search.query import SEARCH_CONFIG, clean_query, uses_postgres_search

LIMIT = 8
NEWEST = 50
MIN_LENGTH = 2
MAX_WORDS = 5


class Suggestion(NamedTuple):
    title: str
    url: str
    term: str  # the "also known as" term that matched, when the title did not ('' otherwise)


def suggestions(raw):
    """At most ``LIMIT`` suggestions for what was typed so far (none under ``MIN_LENGTH`` letters)."""
    typed, _ = clean_query(raw)
    words = [w.lower() for w in terms.WORD_RE.findall(typed)][:MAX_WORDS]
    if sum(len(w) for w in words) < MIN_LENGTH:
        return []
    articles = Article.objects.published().only("slug", "title", "search_terms", "publish_at")
    if uses_postgres_search():
        source = " & ".join(f"{word}:*" for word in words)
        heading = RawSQL('"search_heading"', [], output_field=SearchVectorField())
        found = articles.alias(search_heading=heading).filter(
            search_heading=SearchQuery(source, search_type="raw", config=SEARCH_CONFIG)
        )
    else:
        condition = Q()
        for word in words:
            condition &= Q(title__icontains=word) | Q(search_terms__icontains=word)
        found = articles.filter(condition)
    rows = list(found.order_by("-publish_at", "-id")[:NEWEST])
    scored = [(*_score(article, words), n, article) for n, article in enumerate(rows)]
    scored.sort(key=lambda row: (row[0], row[2]))
    return [Suggestion(article.title, article.get_absolute_url(), term) for _, term, _, article in scored[:LIMIT]]


def _starts_words(text, words):
    """Whether each typed word starts a word of ``text`` (lower case)."""
    text_words = terms.WORD_RE.findall(text.lower())
    return all(any(w.startswith(word) for w in text_words) for word in words)


def _score(article, words):
    """``(rank, term)``: lower is better; ``term`` is the matching term when the title does not match."""
    typed = " ".join(words)
    title = article.title.lower()
    if title.startswith(typed):
        return 0, ""
    found = split_terms(article.search_terms)
    for term in found:
        if term.lower().startswith(typed):
            return 1, term
    if _starts_words(title, words):
        return 2, ""
    for term in found:
        if _starts_words(term, words):
            return 3, term
    return 4, ""
