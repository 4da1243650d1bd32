"""What readers searched for and did not find: the log, the staff report, and resolving a row.

The search page is cached (for anonymous readers, by the page cache and at the edge), so the
server cannot count searches when it renders them. The page carries a signed token naming the
normalised query and whether it found anything; a small script posts it back once the page is
shown (``record``, event "search") and again when a result is opened (event "open"). Readers
without scripts are not counted. Nothing about the reader is stored: a row is a normalised
query, a day, three counts and the first and last time of that day.

A signed token cannot be forged, only replayed: a replayed token can inflate a count, never add
a query nobody searched for.
"""

import datetime
import re
import unicodedata
from typing import NamedTuple

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, Sum
from django.db.models.functions import Greatest
from django.utils import timezone

from articles.models import Article, ResolvedSearch, SearchMiss, split_terms, validate_terms
from articles.workflow import revisions
from articles.workflow.rules import check_content_change

SALT = "articles.search.misses"
MAX_QUERY = 200
REPORT_DAYS = 30
REPORT_ROWS = 100
EVENTS = ("search", "open")


def normalise(query):
    """The query as the report groups it: lower case, letters, digits, hyphens and apostrophes
    kept, everything else a space, spaces collapsed, at most ``MAX_QUERY`` characters."""
    text = unicodedata.normalize("NFKC", str(query or "")).casefold()
    text = re.sub(r"[^\w'’-]+|_", " ", text)
    return " ".join(text.split())[:MAX_QUERY].strip()


def token(query, found):
    """The signed token a search page carries: the normalised query and whether it found anything."""
    normalised = normalise(query)
    return signing.dumps([normalised, bool(found)], salt=SALT, compress=True) if normalised else ""


def record(raw_token, event, now=None):
    """Count ``event`` ("search" or "open") for the search a token names. Returns False, writing
    nothing, for a bad token or event."""
    if event not in EVENTS:
        return False
    try:
        query, found = signing.loads(str(raw_token)[:2000], salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    if not isinstance(query, str) or not query or len(query) > MAX_QUERY:
        return False
    now = now or timezone.now()
    counts = {"searches": 1, "found_nothing": 0 if found else 1} if event == "search" else {"opened": 1}
    day = timezone.localdate(now)
    updates = {name: F(name) + value for name, value in counts.items()}
    if SearchMiss.objects.filter(query=query, day=day).update(last_seen=now, **updates):
        return True
    try:
        with transaction.atomic():
            SearchMiss.objects.create(query=query, day=day, first_seen=now, last_seen=now, **counts)
    except IntegrityError:  # created by a concurrent request since the update above
        SearchMiss.objects.filter(query=query, day=day).update(last_seen=now, **updates)
    else:
        # Kept no longer than the report reads them (through the (day, query) index).
        SearchMiss.objects.filter(day__lt=day - datetime.timedelta(days=REPORT_DAYS)).delete()
    return True


class ReportRow(NamedTuple):
    query: str
    missed: int
    found_nothing: int
    left: int
    searches: int
    first_seen: datetime.datetime
    last_seen: datetime.datetime
    resolved: ResolvedSearch | None


def report(now=None):
    """The top ``REPORT_ROWS`` missed queries of the last ``REPORT_DAYS`` days, most missed first:
    searches that found nothing plus searches with results none of which was opened. Two queries."""
    since = timezone.localdate(now or timezone.now()) - datetime.timedelta(days=REPORT_DAYS - 1)
    rows = list(
        SearchMiss.objects.filter(day__gte=since)
        .values("query")
        .annotate(
            searches=Sum("searches"),
            found_nothing=Sum("found_nothing"),
            opened=Sum("opened"),
            first=Min("first_seen"),
            last=Max("last_seen"),
        )
        .annotate(left=Greatest(F("searches") - F("found_nothing") - F("opened"), 0))
        .annotate(missed=F("found_nothing") + F("left"))
        .filter(missed__gt=0)
        .order_by("-missed", "-last", "query")[:REPORT_ROWS]
    )
    found = ResolvedSearch.objects.filter(query__in=[row["query"] for row in rows]).select_related("article")
    resolved = {r.query: r for r in found.only("query", "term", "resolved_at", "article__title")}
    return [
        ReportRow(row["query"], row["missed"], row["found_nothing"], row["left"], row["searches"], row["first"],
                  row["last"], resolved.get(row["query"]))
        for row in rows
    ]


def add_term(user, query, article, term, now=None):
    """Add ``term`` to ``article``'s "also known as" terms and mark ``query`` resolved, in one
    transaction, through the workflow's rule for changing an article's content (an editor's
    click is the confirmation that a published article changes at once). Raises
    ``PermissionDenied``, ``ValidationError`` or ``EditConflict``; nothing is written then."""
    query = normalise(query)
    if not query:
        raise ValidationError("This search has no words to resolve.")
    term = " ".join(str(term or "").split())
    validate_terms(term, at_least=1)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        check_content_change(user, article, live_confirmed=True)
        if term.lower() not in [t.lower() for t in split_terms(article.search_terms)]:
            article.search_terms = f"{article.search_terms.rstrip()}\n{term}".strip()
            article._history_user = user
            article.save(update_fields=["search_terms"])
            revisions.refresh_snapshot(article, reason=f"Added the search term “{term}”"[:100])
        ResolvedSearch.objects.update_or_create(
            query=query,
            defaults={"article": article, "term": term, "resolved_at": now or timezone.now(), "resolved_by": user},
        )
    return article
