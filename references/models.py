"""Sources (publishers), references written once, and each article's numbered citations.

This app knows an article only through ``Citation.article``; it never imports
from ``articles``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from .identifiers import DOI_RE, PMID_RE, normalise_doi, normalise_pmid, normalise_url, url_problem


class SourceManager(models.Manager):
    """Lets backups (dumpdata/loaddata with natural keys) refer to a source by its name."""

    def get_by_natural_key(self, name):
        return self.get(name=name)


class Source(models.Model):
    """A publisher of referenced material, e.g. the American Cancer Society."""

    name = models.CharField(max_length=200, unique=True, help_text='As it appears in a reference list, e.g. "Mayo Clinic".')
    website = models.URLField(blank=True, max_length=500)

    objects = SourceManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "source"
        verbose_name_plural = "sources"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        renamed = not self._state.adding
        super().save(*args, **kwargs)
        if renamed:  # the references' copy of the name orders the reference list
            self.references.exclude(source_name=self.name).update(source_name=self.name)

    def natural_key(self):
        return (self.name,)


# An article's draft status, as articles.Article.Status.DRAFT stores it (this app never imports articles).
DRAFT_STATUS = "draft"


class ReferenceQuerySet(models.QuerySet):
    def broken(self):
        """References whose last link check failed (4xx/5xx or no answer)."""
        return self.exclude(checked_at=None).filter(Q(http_status__gte=400) | Q(http_status=None))

    def redirected(self):
        """References whose URL now lands elsewhere."""
        return self.exclude(final_url="").filter(http_status__lt=400)

    def needs_attention(self):
        """Broken or redirected: what an editor should look at after a link check."""
        return self.filter(Q(pk__in=self.model.objects.broken()) | Q(pk__in=self.model.objects.redirected()))


class Reference(models.Model):
    """One entry of a reference list: a source's page (or pages), cited from many articles."""

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="references", help_text="The publisher, if any."
    )
    title = models.CharField(max_length=500)
    more_titles = models.TextField(
        blank=True,
        help_text="Further titles from the same source cited as one entry, one per line.",
    )
    url = models.URLField("URL", max_length=1000, blank=True)
    url_key = models.CharField(max_length=1000, blank=True, editable=False, help_text="The URL in normal form, for uniqueness.")
    # The source's name, copied on save (and by Source.save on a rename), so the reference list's
    # order is one index of this table: sorting through the join read all 50,000 references.
    # NULL, not "", without a source: such references sort where they did through the join
    # (last on PostgreSQL, first on SQLite).
    source_name = models.CharField(max_length=200, null=True, blank=True, editable=False)  # noqa: DJ001
    doi = models.CharField("DOI", max_length=200, blank=True, help_text='e.g. 10.3322/caac.21708 (a doi.org link is fine too).')
    pmid = models.CharField("PubMed id", max_length=12, blank=True, help_text="Digits only, e.g. 35020204.")
    accessed_on = models.DateField("accessed on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Link checking (manage.py check_references).
    checked_at = models.DateTimeField("last checked", null=True, blank=True, editable=False)
    http_status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True, editable=False)
    final_url = models.URLField("redirects to", max_length=1000, blank=True, editable=False)
    check_error = models.CharField(max_length=300, blank=True, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["source_name", "title"]
        verbose_name = "reference"
        verbose_name_plural = "references"
        constraints = [
            models.UniqueConstraint(
                fields=["doi"], condition=~Q(doi=""), name="reference_unique_doi",
                violation_error_message="A reference with this DOI already exists.",
            ),
            models.UniqueConstraint(
                fields=["pmid"], condition=~Q(pmid=""), name="reference_unique_pmid",
                violation_error_message="A reference with this PubMed id already exists.",
            ),
            models.UniqueConstraint(
                fields=["url_key"], condition=~Q(url_key=""), name="reference_unique_url",
                violation_error_message="A reference with this URL already exists.",
            ),
        ]
        # The review schedule lists broken and redirected links: a few rows among tens of
        # thousands, found through these small partial indexes (their conditions are the
        # querysets' filters) rather than by reading every reference.
        indexes = [
            models.Index(
                fields=["title"],
                condition=Q(checked_at__isnull=False) & (Q(http_status__gte=400) | Q(http_status__isnull=True)),
                name="reference_broken_idx",
            ),
            models.Index(fields=["title"], condition=~Q(final_url="") & Q(http_status__lt=400), name="reference_redirected_idx"),
            # The reference list's order (the admin adds the key, newest first, to break ties).
            models.Index(F("source_name"), F("title"), F("id").desc(), name="reference_list_order_idx"),
        ]
        permissions = [
            ("change_cited_reference", "Can change a reference that articles past their draft cite"),
        ]

    def __str__(self):
        titles = "; ".join(self.titles)
        return f"{self.source}: {titles}" if self.source_id else titles

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def cited_beyond_drafts(self):
        """Whether an article that is no longer a draft (in review, approved, published, archived)
        cites this reference: changing it then changes reviewed or live text, so it takes the
        ``change_cited_reference`` permission (editors)."""
        return self.pk is not None and self.citations.exclude(article__status=DRAFT_STATUS).exists()

    @property
    def titles(self):
        """All titles of this entry, the main one first."""
        return [self.title, *(line.strip() for line in self.more_titles.splitlines() if line.strip())]

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    def normalise(self):
        """Bring the identifiers to their normal forms, and copy the source's name (also done on save)."""
        self.source_name = self.source.name if self.source_id else None
        self.doi = normalise_doi(self.doi)
        self.pmid = normalise_pmid(self.pmid)
        self.url_key = normalise_url(self.url)

    def duplicates(self):
        """Other references with the same DOI, PubMed id or normalised URL."""
        self.normalise()
        match = Q(pk__in=[])
        if self.doi:
            match |= Q(doi=self.doi)
        if self.pmid:
            match |= Q(pmid=self.pmid)
        if self.url_key:
            match |= Q(url_key=self.url_key)
        return Reference.objects.filter(match).exclude(pk=self.pk)

    def clean(self):
        self.normalise()
        errors = {}
        if self.doi and not DOI_RE.match(self.doi):
            errors["doi"] = "A DOI starts with 10. and a registrant code, e.g. 10.3322/caac.21708."
        if self.pmid and not PMID_RE.match(self.pmid):
            errors["pmid"] = "A PubMed id is up to nine digits, e.g. 35020204."
        if self.url and (problem := url_problem(self.url)):
            errors["url"] = problem
        if not errors:
            for other in self.duplicates()[:1]:
                try:
                    link = reverse("admin:references_reference_change", args=[other.pk])
                    message = format_html('This reference already exists: <a href="{}">{}</a>. Cite that one instead.', link, other)
                except NoReverseMatch:
                    message = f"This reference already exists: {other}."
                raise ValidationError(message, code="duplicate")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() already names the existing reference with a link; the
        # constraints' generic messages would only repeat it.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError:
            if not self.duplicates().exists():
                raise


class Citation(models.Model):
    """An article's use of a reference at a numbered position in its reference list."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(help_text="The reference's number in this article's list.")

    class Meta:
        ordering = ["article", "position"]
        verbose_name = "citation"
        verbose_name_plural = "citations"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                name="citation_unique_position",
                violation_error_message="Two citations cannot share a position.",
            ),
            models.UniqueConstraint(
                fields=["article", "reference"],
                name="citation_unique_reference",
                violation_error_message="This reference is already cited in the article.",
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="citation_position_positive",
                                   violation_error_message="Positions start at 1."),
        ]

    def __str__(self):
        return f"[{self.position}] {self.reference}"
