"""A query read as clauses, with the site-wide equivalents applied ("tumour" finds "tumor").

The site search's syntax (as PostgreSQL's ``websearch_to_tsquery``): words must all match, a
phrase in quotes must match as written, ``or`` between two parts matches either, a ``-`` before
a part leaves out what matches it. Each part becomes a :class:`Clause`: the alternatives any one
of which satisfies it. A run of words, or a quoted phrase, that is a term of an equivalents group
(``SearchEquivalent``) gains the group's other terms as alternatives, each matched as a phrase.

The same clauses build PostgreSQL's ``tsquery`` (:func:`tsquery_source`) and the fallback's
filter elsewhere (``query._fallback_search``), so both databases read a query the same way.
"""

import re
from dataclasses import dataclass

from django.db import connection

from articles.models import SearchEquivalent, split_terms
from cms.pagecache.generation import invalidate

SEARCH_CONFIG = "english"  # PostgreSQL's text search configuration, as in the migrations' triggers
MAX_TERMS = 10  # words of a query searched
MAX_PHRASE = 4  # longest run of words looked up among the equivalents
_PART_RE = re.compile(r'(?:^|(?<=\s))(-?)("[^"]*"?|[^\s"]+)')
WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Alternative:
    """Words that satisfy a clause together: as a phrase (``adjacent``) or each anywhere."""

    words: tuple
    adjacent: bool


@dataclass(frozen=True)
class Clause:
    alternatives: tuple
    excluded: bool = False
    joined_by_or: bool = False  # ``or`` joins this clause to the one before it

    @property
    def words(self):
        return self.alternatives[0].words


def key(phrase):
    """How a term is compared with what a reader typed: lower case, words only, a plural's ``s`` off."""
    return " ".join(_singular(word) for word in WORD_RE.findall(phrase.lower()))


def _singular(word):
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def equivalents():
    """``{key: (term, ...)}``: each term of each group (one query) mapped to its group's terms.

    A term in two groups joins both groups' terms."""
    groups = {}
    for text in SearchEquivalent.objects.values_list("terms", flat=True):
        terms = split_terms(text)
        for term in terms:
            groups.setdefault(key(term), {})
            for other in terms:
                groups[key(term)][key(other)] = other
    return {k: tuple(v.values()) for k, v in groups.items()}


def parse(query, groups=None):
    """The clauses of ``query``; with ``groups`` (from :func:`equivalents`) the equivalents added."""
    clauses, count, pending_or = [], 0, False
    for excluded, part in _PART_RE.findall(query):
        quoted = part.startswith('"')
        if not excluded and not quoted and part.lower() == "or":
            pending_or = bool(clauses)
            continue
        words = WORD_RE.findall(part)[: MAX_TERMS - count]
        if not words:
            continue
        count += len(words)
        if quoted or len(words) > 1:
            # A phrase: "breast-cancer" and "women's" are phrases too, as PostgreSQL reads them.
            clauses.append(_clause([words], True, excluded, pending_or, groups))
        else:
            clauses.append(_clause([words], False, excluded, pending_or, groups))
        pending_or = False
        if count >= MAX_TERMS:
            break
    return _join_runs(clauses, groups) if groups else clauses


def _clause(word_lists, adjacent, excluded, joined_by_or, groups):
    words = tuple(word for words in word_lists for word in words)
    alternatives = [Alternative(words, adjacent)]
    for term in (groups or {}).get(key(" ".join(words)), ()):
        if key(term) != key(" ".join(words)):
            alternatives.append(Alternative(tuple(WORD_RE.findall(term)), True))
    return Clause(tuple(alternatives), excluded, joined_by_or)


def _join_runs(clauses, groups):
    """Runs of plain single words that together are an equivalents term ("arm swelling") become
    one clause: those words (each anywhere, as typed) or the group's other terms."""
    joined, i = [], 0
    while i < len(clauses):
        for length in range(min(MAX_PHRASE, len(clauses) - i), 1, -1):
            run = clauses[i : i + length]
            plain = all(len(c.words) == 1 and not c.excluded and not c.alternatives[0].adjacent for c in run)
            if plain and not any(c.joined_by_or for c in run[1:]) and key(" ".join(c.words[0] for c in run)) in groups:
                joined.append(_clause([c.words for c in run], False, False, run[0].joined_by_or, groups))
                i += length
                break
        else:
            joined.append(clauses[i])
            i += 1
    return joined


def tsquery_source(clauses, prefix=False, weight=""):
    """A ``to_tsquery`` source for ``clauses`` ('' for none): only letters and digits reach it.

    With ``prefix``, a typed word of three letters or more matches the beginnings of words; with
    ``weight`` ("A"), only words of that weight (the title and terms) match, and what is excluded
    is left out of the query."""
    groups = []
    for clause in clauses:
        if weight and clause.excluded:
            continue
        if clause.joined_by_or and groups:
            groups[-1].append(clause)
        else:
            groups.append([clause])
    parts = []
    for group in groups:
        sources = [_clause_source(clause, prefix, weight) for clause in group]
        parts.append(sources[0] if len(sources) == 1 else "(" + " | ".join(sources) + ")")
    return " & ".join(parts)


def _clause_source(clause, prefix, weight=""):
    sources = []
    for n, alternative in enumerate(clause.alternatives):
        operator = " <-> " if alternative.adjacent else " & "
        typed = n == 0 and prefix
        words = [f"{w}:*{weight}" if typed and len(w) >= 3 else f"{w}:{weight}" if weight else w for w in alternative.words]
        sources.append("(" + operator.join(words) + ")")
    source = sources[0] if len(sources) == 1 else "(" + " | ".join(sources) + ")"
    return f"!{source}" if clause.excluded else source


def words_of(clauses):
    """Every word the clauses search for (not those excluded), for highlighting snippets."""
    seen = []
    for clause in clauses:
        if clause.excluded:
            continue
        for alternative in clause.alternatives:
            for word in alternative.words:
                if word.lower() not in (w.lower() for w in seen):
                    seen.append(word)
    return seen


def reindex(changed_terms):
    """Recompute the search vector of the articles holding any of ``changed_terms`` (a group's
    terms before and after an edit, or a deleted group's), so the index carries the equivalents as
    they are now; and move the page cache on, so cached search pages do too. PostgreSQL only
    (elsewhere the equivalents apply to the query alone). Returns how many articles were updated."""
    invalidate()
    phrases = [term for term in dict.fromkeys(changed_terms) if WORD_RE.search(term)]
    if connection.vendor != "postgresql" or not phrases:
        return 0
    condition = " || ".join(["phraseto_tsquery(%s, %s)"] * len(phrases))
    params = [arg for phrase in phrases for arg in (SEARCH_CONFIG, phrase)]
    with connection.cursor() as cursor:
        # search_terms = search_terms fires the vector's trigger (BEFORE UPDATE OF ... search_terms).
        cursor.execute(
            f"UPDATE articles_article SET search_terms = search_terms WHERE search_vector @@ ({condition})", params
        )
        return cursor.rowcount
