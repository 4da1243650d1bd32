"""The search's own rows: site-wide equivalent terms and the log of searches that missed.

They import nothing of the articles app (``Article`` only by name, in a foreign key).
An article's own "also known as" terms are a field of the article (``Article.search_terms``):
they are searched with its title, published with it and kept in its revisions.

No personal data: a missed search is a normalised query and counts per day, never who searched,
from where, or when to the second beyond the first and last time of the day.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

MAX_TERM_LENGTH = 80
MAX_TERMS_IN_GROUP = 20
# A term: letters (any script), digits, spaces, hyphens and apostrophes, as readers type them.
TERM_RE = re.compile(r"^[^\W_](?:[\w '’-]*[^\W_])?$")


def split_terms(text):
    """The terms of a text of terms: one a line or comma-separated, spaces collapsed, without
    repeats (compared case-insensitively), in the order written."""
    terms, seen = [], set()
    for piece in re.split(r"[\n,;]", text or ""):
        term = " ".join(piece.split())
        if term and term.lower() not in seen:
            seen.add(term.lower())
            terms.append(term)
    return terms


def validate_terms(text, *, at_least=0):
    """Raise ``ValidationError`` naming each term that is too long or holds other than letters,
    digits, spaces, hyphens and apostrophes; or when there are fewer than ``at_least`` terms."""
    terms = split_terms(text)
    errors = []
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            errors.append(f"“{term[:40]}…” is longer than {MAX_TERM_LENGTH} characters.")
        elif not TERM_RE.match(term):
            errors.append(f"“{term}”: use letters, digits, spaces, hyphens and apostrophes only.")
    if len(terms) > MAX_TERMS_IN_GROUP:
        errors.append(f"At most {MAX_TERMS_IN_GROUP} terms.")
    if len(terms) < at_least:
        errors.append(f"Give at least {at_least} different terms, one a line or separated by commas.")
    if errors:
        raise ValidationError(errors)
    return terms


class SearchEquivalent(models.Model):
    """Words or phrases that mean the same to the search: either finds articles with any of them
    (oedema/edema, tumour/tumor, chemo/chemotherapy). Applied to the query and to the index."""

    terms = models.TextField(
        help_text="Two or more spellings or terms that mean the same, one a line or separated by commas "
        "(e.g. “oedema, edema”). A search for any of them finds articles with any of them."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why these belong together (for editors only).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = "search equivalent"
        verbose_name_plural = "search equivalents"

    def __str__(self):
        return " = ".join(self.term_list())

    def term_list(self):
        return split_terms(self.terms)

    def clean(self):
        try:
            terms = validate_terms(self.terms, at_least=2)
        except ValidationError as error:
            raise ValidationError({"terms": error.messages}) from None
        self.terms = "\n".join(terms)


class SearchMiss(models.Model):
    """One normalised query on one day: how often it was searched, found nothing, or had a
    result opened. Written by ``articles.search.misses``; read by the staff report."""

    query = models.CharField(max_length=200)
    day = models.DateField()
    searches = models.PositiveIntegerField(default=0, help_text="Searches shown (first page of results).")
    found_nothing = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0, help_text="Results opened from these searches.")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-day", "query"]
        verbose_name = "search log row"
        verbose_name_plural = "search log"
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="searchmiss_query_day_unique")]
        indexes = [models.Index(fields=["day", "query"], name="searchmiss_day_query_idx")]

    def __str__(self):
        return f"{self.query} ({self.day})"


class ResolvedSearch(models.Model):
    """A missed query an editor answered by adding a term to an article."""

    query = models.CharField(max_length=200, unique=True)
    article = models.ForeignKey("articles.Article", null=True, on_delete=models.SET_NULL, related_name="+")
    term = models.CharField(max_length=MAX_TERM_LENGTH)
    resolved_at = models.DateTimeField()
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-resolved_at"]
        verbose_name = "resolved search"
        verbose_name_plural = "resolved searches"

    def __str__(self):
        return f"{self.query} → {self.term}"
