"""Spelling corrections from a vocabulary of the words in titles, terms, tags and equivalents.

On PostgreSQL the vocabulary is the table ``articles_searchword``, kept by triggers (migration
``0028_search_terms``) and searched by trigram distance (``pg_trgm``, GiST index): one statement
for all the words of a query. Elsewhere the same words are read from the rows themselves and
compared in Python (fine for a small catalogue; SQLite is for development and tests).

A word is corrected only when it is not in the vocabulary and a vocabulary word is at most one
letter off (words of four or five letters) or two (longer words), counting a swap of two
neighbouring letters as one; words under four letters are left alone. The search calls this only
when the words as typed found nothing (``query.search``).
"""

import re

from django.db import connection
from taggit.models import Tag

from articles.models import Article, SearchEquivalent

MIN_LENGTH = 4
CANDIDATES = 8  # nearest vocabulary words read per query word
_WORD_RE = re.compile(r"[^\W\d_]+")


def vocabulary_words(text):
    """The words of ``text`` as the vocabulary keeps them (the migration's ``articles_search_words``)."""
    return {word for word in _WORD_RE.findall((text or "").lower()) if 3 <= len(word) <= 40}


def allowed_distance(word):
    return 0 if len(word) < MIN_LENGTH else 1 if len(word) <= 5 else 2


def distance(a, b, limit=2):
    """Optimal string alignment distance (a swap of neighbours counts one), or ``limit + 1`` when
    it is over ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def corrections(words):
    """``{word: correction}`` for the words (lower case) that are not in the vocabulary and have
    a close vocabulary word. One query on PostgreSQL."""
    words = [w for w in dict.fromkeys(w.lower() for w in words) if _WORD_RE.fullmatch(w)]
    if not any(allowed_distance(w) for w in words):
        return {}
    if connection.vendor == "postgresql":
        candidates = _postgres_candidates([w for w in words if allowed_distance(w)])
    else:
        candidates = _python_candidates(words)
    found = {}
    for word in words:
        options = candidates.get(word, [])
        if not allowed_distance(word) or word in options:
            continue
        scored = [(distance(word, option, allowed_distance(word)), n, option) for n, option in enumerate(options)]
        scored = [entry for entry in scored if entry[0] <= allowed_distance(word)]
        if scored:
            found[word] = min(scored)[2]
    return found


def _postgres_candidates(words):
    if not words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT q.word, c.word FROM unnest(%s::text[]) AS q(word) CROSS JOIN LATERAL ("
            " SELECT v.word FROM articles_searchword v ORDER BY v.word <-> q.word LIMIT %s) c",
            [words, CANDIDATES],
        )
        candidates = {}
        for word, candidate in cursor.fetchall():
            candidates.setdefault(word, []).append(candidate)
    return candidates


def python_vocabulary():
    """The vocabulary read from the rows: titles and terms of every article, tags, equivalents."""
    words = set()
    for title, terms in Article.objects.values_list("title", "search_terms").iterator():
        words |= vocabulary_words(f"{title} {terms}")
    for name in Tag.objects.values_list("name", flat=True):
        words |= vocabulary_words(name)
    for terms in SearchEquivalent.objects.values_list("terms", flat=True):
        words |= vocabulary_words(terms)
    return words


def _python_candidates(words):
    vocabulary = python_vocabulary()
    candidates = {}
    for word in words:
        if word in vocabulary:
            candidates[word] = [word]
        elif allowed_distance(word):
            close = [v for v in vocabulary if abs(len(v) - len(word)) <= allowed_distance(word)]
            candidates[word] = sorted(close, key=lambda v: (distance(word, v), v))[:CANDIDATES]
    return candidates
