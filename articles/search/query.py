"""Site search over published articles.

On PostgreSQL: full-text search on a stored ``tsvector`` column, ``articles_article.search_vector``,
weighted title and terms (A) > summary (B) > body (C) > tags' names (D), kept current by database
triggers on every insert or update of those columns, and on every change to the article's tags
(so admin saves, importers, ``bulk_create`` and ``QuerySet.update()`` are all covered, with
nothing hidden in ``save()``), indexed with GIN. The column, triggers and index exist only on
PostgreSQL (migrations ``0007_issue6_search_vector``, ``0028_search_terms``, ``0031_search_tags``);
Django's model does not know the column, so SQLite and every other query are unaffected.

On SQLite (development and half the test runs): every word must appear in the title, terms,
summary, body or tags' names; title and term hits rank above summary hits above body hits above
tag hits.

Snippets are plain text with the matched words wrapped in ``<mark>``: built from the text, escaped
here, never from editor markup.
"""

import html
import re
import unicodedata
from typing import NamedTuple

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Func, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import Tag

from articles.models import Article
from articles.search import spelling, terms
from articles.search.terms import MAX_TERMS, SEARCH_CONFIG

MAX_QUERY_LENGTH = 200
SNIPPET_CHARS = 220
RANKED_MATCHES = 1000  # on PostgreSQL, the newest matches that are ranked and counted
MIN_PREFIX_LENGTH = 3

# Private-use characters mark the matches in a PostgreSQL headline; they cannot come from a query.
_START, _STOP = "\ue000", "\ue001"
_TAG_RE = r"<[^>]+>"


def clean_query(raw):
    """The query as searched: control characters dropped, whitespace collapsed, cut at ``MAX_QUERY_LENGTH``.

    Returns ``(query, was_cut)``.
    """
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} else ch for ch in str(raw or ""))
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rstrip(), True


def terms_of(query):
    """The words of a query, for the SQLite fallback and for highlighting."""
    words = re.findall(r"\w[\w'’-]*", query)
    seen = []
    for word in words:
        if word.lower() not in (w.lower() for w in seen):
            seen.append(word)
    return seen[:MAX_TERMS]


def uses_postgres_search():
    return connection.vendor == "postgresql"


def search_articles(query, now=None):
    """Published articles matching ``query``, best first, each with ``rank`` (and ``headline`` on PostgreSQL)."""
    return find_articles(query, now)[0]


def find_articles(query, now=None):
    """``search_articles`` and how many it found, when counting them was needed to choose the query (else None).

    The search page hands that count to its paginator, so choosing costs no extra query.
    """
    found = search(query, now=now)
    return found.articles, found.count


class Results(NamedTuple):
    """What a search found: ``articles`` (best first), ``count`` when it was counted (else None),
    ``corrected``: the query as searched when its spelling was corrected ('' when not), and
    ``words``: the words searched for (equivalents included), to highlight."""

    articles: QuerySet
    count: int | None
    corrected: str
    words: list


def search(query, *, exact=False, now=None):
    """Published articles matching ``query``, with the site-wide equivalents applied.

    When the words as typed find nothing, and unless ``exact``, misspelt words are corrected from
    the vocabulary (``spelling``) and the corrected query is searched; failing that, on
    PostgreSQL, the words are tried as beginnings of words. A fixed number of queries each way.
    """
    articles = Article.objects.published(now).for_listing()
    if not query:
        return Results(articles.none(), 0, "", [])
    groups = terms.equivalents()
    clauses = terms.parse(query, groups)
    if not any(not clause.excluded for clause in clauses):
        return Results(articles.none(), 0, "", [])
    found = _matching(articles, clauses)
    count = found.count()
    if count:
        return Results(found, count, "", terms.words_of(clauses))
    if not exact:
        fixes = spelling.corrections([word for clause in clauses if not clause.excluded for word in clause.words])
        if fixes:
            corrected = _apply(query, fixes)
            corrected_clauses = terms.parse(corrected, groups)
            found = _matching(articles, corrected_clauses)
            count = found.count()
            if count:
                return Results(found, count, corrected, terms.words_of(corrected_clauses))
    if uses_postgres_search():
        if terms.tsquery_source(clauses, prefix=True):
            # Nothing for the whole words: try them as beginnings of words, as a reader may type.
            found = _postgres_matches(
                articles, _ts_query(clauses, prefix=True), _ts_query(clauses, prefix=True, weight="A")
            )
            return Results(found, None, "", terms.words_of(clauses))
    return Results(found, 0, "", terms.words_of(clauses))


def _matching(articles, clauses):
    if uses_postgres_search():
        return _postgres_matches(articles, _ts_query(clauses), _ts_query(clauses, weight="A"))
    return _fallback_search(articles, clauses)


def _ts_query(clauses, **options):
    return SearchQuery(terms.tsquery_source(clauses, **options), search_type="raw", config=SEARCH_CONFIG)


def _apply(query, fixes):
    """``query`` with each misspelt word replaced by its correction."""
    return terms.WORD_RE.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), query)


def editor_search(queryset, raw_query):
    """Articles of any status matching what an editor typed in the admin's search box, or None
    where there is no search index (SQLite: Django's own search runs instead).

    Django's admin search would read every body with ``UPPER(body) LIKE '%WORD%'``, three times
    a page (the count, the rows, the date drill-down): about 10 seconds on 100,000 articles for a
    word found nowhere. Here each word matches as a whole word (with the site search's syntax:
    quotes for a phrase, ``or``, ``-`` to exclude) or, from three letters, as the beginning of a
    word ("lymph" finds "lymphedema"), in the title, summary or body, through the GIN index; a
    slug pasted from an address finds its article.

    What is excluded is left out by key: the articles that contain it are found through the
    index and subtracted. Inside one search query PostgreSQL could only test every article's
    vector for the absence of a word, for each statement of a page (docs/performance.md, "Measurements behind the code").
    """
    if not uses_postgres_search():
        return None
    query, _ = clean_query(raw_query)
    if not query:
        return queryset
    kept, left_out = split_exclusions(query)
    vector = RawSQL('"search_vector"', [], output_field=SearchVectorField())  # see _postgres_matches
    found = queryset.alias(search_vector=vector)
    if kept:
        matches = Q(search_vector=SearchQuery(kept, search_type="websearch", config=SEARCH_CONFIG)) | Q(slug=query)
        prefixes = prefix_query(kept)
        if prefixes:
            matches |= Q(search_vector=SearchQuery(prefixes, search_type="raw", config=SEARCH_CONFIG))
        found = found.filter(matches)
    if left_out:
        containing = Article.objects.alias(search_vector=vector).filter(
            search_vector=SearchQuery(left_out, search_type="websearch", config=SEARCH_CONFIG)
        )
        found = found.exclude(pk__in=containing.order_by().values("pk"))
    return found


def split_exclusions(query):
    """``(kept, left_out)``: the query without its excluded parts, and those parts as one query
    matching any of them ("asthma -inhaler -\"peak flow\"" gives ``asthma`` and
    ``inhaler or "peak flow"``); ``(query, "")`` when nothing is excluded, or when an ``or``
    may join an excluded part to another (then the query is searched as written)."""
    parts = _QUERY_PART_RE.findall(query)
    if not any(excluded for excluded, _ in parts) or any(part.lower() == "or" for _, part in parts):
        return query, ""
    kept = " ".join(part for excluded, part in parts if not excluded)
    return kept, " or ".join(part for excluded, part in parts if excluded)


def articles_matching(raw_query):
    """The keys of the articles :func:`editor_search` finds, as a subquery, for admin lists of
    rows about articles (reviews, related links); None where there is no search index."""
    found = editor_search(Article.objects.all(), raw_query)
    return None if found is None else found.values("pk")


# The body as a snippet reads it, in this order: a heading ends like a sentence (not run into the
# text after it), tags go, citation markers ("[1]") go, and no space is left before punctuation.
# Each pattern means the same in Python's ``re`` and PostgreSQL's regular expressions, so the
# headline (PostgreSQL) and ``_python_snippet`` (elsewhere) read the same text.
SNIPPET_REWRITES = [
    (r"([^.?!:\s>])((?:\s*</[a-z]+>)*)\s*</h[1-6]>", r"\1.\2 "),
    (_TAG_RE, " "),
    (r"\s*\[\d{1,4}\]", ""),
    (r"\s+([.,;:?!])", r"\1"),
]


def _plain_body():
    """The body for ``ts_headline``: ``SNIPPET_REWRITES`` in SQL."""
    expression = F("body")
    for pattern, replacement in SNIPPET_REWRITES:
        expression = Func(expression, Value(pattern), Value(replacement), Value("g"), function="regexp_replace")
    return expression


def _plain_text(body):
    """The body for a snippet: ``SNIPPET_REWRITES``, entities decoded, spaces collapsed."""
    for pattern, replacement in SNIPPET_REWRITES:
        body = re.sub(pattern, replacement, body)
    return " ".join(html.unescape(body).split())


def _cut(text, start, end):
    """``text[start:end]``, its end moved back to the end of a whole word when it falls inside one."""
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", start, end)
        if space > start:
            end = space
    return text[start:end].rstrip(" ,;:"), end


# A part of a query as the site search reads it: a phrase in quotes or a run of non-spaces, excluded
# when a "-" starts it.
_QUERY_PART_RE = re.compile(r'(?:^|(?<=\s))(-?)("[^"]*"?|[^\s"]+)')


def prefix_query(query):
    """A tsquery source matching words that start with each term ("lymph" finds "lymphedema"), or ''.

    Excluded parts stay excluded ("asthma -inhaler" gives ``asthma:* & !inhaler:*``): the editors'
    search adds this query to the whole-word one, so a positive prefix there would bring back
    what the editor asked to leave out. Only letters and digits reach it, so it is always valid
    ``to_tsquery`` input.
    """
    terms, count = [], 0
    for excluded, part in _QUERY_PART_RE.findall(query):
        words = [w for w in re.findall(r"[^\W_]+", part) if len(w) >= MIN_PREFIX_LENGTH][: MAX_TERMS - count]
        if not words:
            continue
        count += len(words)
        prefixes = " & ".join(f"{word}:*" for word in words)
        if not excluded:
            terms.append(prefixes)
        else:
            terms.append(f"!({prefixes})" if len(words) > 1 else f"!{prefixes}")
    return " & ".join(terms)


def is_capped(count):
    """Whether a result count stopped at ``RANKED_MATCHES`` (there may be more matches)."""
    return uses_postgres_search() and count >= RANKED_MATCHES


def _postgres_matches(articles, ts_query, heading_query=None):
    """The newest ``RANKED_MATCHES`` matches of ``ts_query``, ranked; an article whose title and
    terms alone match ``heading_query`` ranks first (``ts_rank`` alone can put an article that
    repeats the words in its body above the one whose title is the query)."""
    # Unqualified on purpose: in the subquery below it names the subquery's own row (a qualified
    # name would reach out to the outer query's), and no other joined table has the column.
    vector = RawSQL('"search_vector"', [], output_field=SearchVectorField())
    # Rank the newest RANKED_MATCHES matches, not all: a word found in most of a large catalogue
    # would otherwise rank every article (half a second on 100,000). PostgreSQL finds these by
    # walking the publish-time index for a common word, through the GIN index for a rare one.
    newest = (
        articles.alias(search_vector=vector).filter(search_vector=ts_query).order_by("-publish_at", "-id").values("pk")
    )
    return (
        articles.filter(pk__in=newest[:RANKED_MATCHES])
        .alias(search_vector=vector)
        .annotate(
            rank=SearchRank(F("search_vector"), ts_query)
            + (Case(When(Q(search_vector=heading_query), then=Value(1.0)), default=Value(0.0), output_field=FloatField())
               if heading_query is not None else Value(0.0, output_field=FloatField())),
            headline=SearchHeadline(
                _plain_body(),
                ts_query,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-publish_at", "-id")
    )


# Where the fallback looks, and what a hit there weighs: as on PostgreSQL, the title and terms (A)
# above the summary (B) above the body (C) above the tags' names (D).
TEXT_FIELDS = (("title", 8), ("search_terms", 8), ("summary", 4), ("body", 2), ("tags", 1))


def _contains(field, text):
    """``field`` contains ``text`` (any case); for ``tags``, one of the article's tags' names does
    (a subquery: a join would repeat an article once per matching tag)."""
    if field == "tags":
        return Q(Exists(Tag.objects.filter(article=OuterRef("pk"), name__icontains=text)))
    return Q(**{f"{field}__icontains": text})


def _alternative_in(alternative, field):
    if alternative.adjacent:  # "pre-invasive" and "pre invasive" read the same, as on PostgreSQL
        return _contains(field, " ".join(alternative.words)) | _contains(field, "-".join(alternative.words))
    condition = Q()
    for word in alternative.words:
        condition &= _contains(field, word)
    return condition


def _clause_in(clause, fields):
    condition = Q()
    for alternative in clause.alternatives:
        if alternative.adjacent or len(fields) == 1:
            for field in fields:
                condition |= _alternative_in(alternative, field)
        else:  # each word anywhere in the article
            each = Q()
            for word in alternative.words:
                anywhere = Q()
                for field in fields:
                    anywhere |= _contains(field, word)
                each &= anywhere
            condition |= each
    return condition


def _fallback_search(articles, clauses):
    """Every clause in the title, terms, summary, body or tags' names (``or`` and ``-`` as on
    PostgreSQL); title and term hits rank above summary hits above body hits above tag hits."""
    fields = [field for field, _ in TEXT_FIELDS]
    match, either = Q(), None
    score = Value(0, output_field=IntegerField())
    for clause in clauses:
        condition = _clause_in(clause, fields)
        if clause.excluded:
            condition = ~condition
        if clause.joined_by_or and either is not None:
            either |= condition
        else:
            if either is not None:
                match &= either
            either = condition
        if not clause.excluded:
            score = score + Case(
                *[When(_clause_in(clause, [field]), then=Value(weight)) for field, weight in TEXT_FIELDS],
                default=Value(0),
                output_field=IntegerField(),
            )
    if either is not None:
        match &= either
    return articles.filter(match).annotate(rank=score).order_by("-rank", "-publish_at", "-id")


def snippet(article, query):
    """A short extract of the article with the matched words in ``<mark>``; safe HTML.

    ``query``: the query, or the words searched for (``Results.words``)."""
    headline = getattr(article, "headline", None)
    if headline:
        text = html.unescape(headline)
        text = escape(" ".join(text.split()))
        return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))
    return mark_safe(_python_snippet(article, terms_of(query) if isinstance(query, str) else query))


def _python_snippet(article, terms):
    text = _plain_text(article.body)
    if not text:
        return escape(article.summary)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE) if terms else None
    found = pattern.search(text) if pattern else None
    if found is None:
        extract, end = _cut(text, 0, SNIPPET_CHARS)
        return escape(extract) + (" …" if end < len(text) else "")
    start = max(0, found.start() - SNIPPET_CHARS // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    extract, end = _cut(text, start, min(len(text), start + SNIPPET_CHARS))
    pieces, last = [], 0
    for match in pattern.finditer(extract):
        pieces.append(escape(extract[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(extract[last:]))
    return ("… " if start else "") + "".join(pieces) + (" …" if end < len(text) else "")
