"""Articles, the reviewers who sign them off, their reviews, series and related links."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from .fields import SanitizedHTMLField


class Reviewer(models.Model):
    """A clinician who medically reviews articles; shown in the byline."""

    name = models.CharField(max_length=120, help_text='As readers should see it, e.g. "Dr. Lucia Moreno".')
    slug = models.SlugField(max_length=120, unique=True, help_text="The reviewer's profile address: /reviewers/<slug>/.")
    credentials = models.CharField(max_length=120, blank=True, help_text='Post-nominal letters, e.g. "MD, FACS".')
    specialty = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True, help_text="Two or three sentences for the public profile page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewer_profile",
        help_text="The staff account this reviewer signs in with, if any.",
    )
    is_active = models.BooleanField("active", default=True, help_text="Inactive reviewers keep their past reviews but get no new work.")

    class Meta:
        ordering = ["name"]
        verbose_name = "reviewer"
        verbose_name_plural = "reviewers"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:reviewer", args=[self.slug])

    @property
    def display_name(self):
        """Name with credentials, the way the byline prints it."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Series(models.Model):
    """An ordered set of articles read in sequence, e.g. treatment by stage."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Re-review interval for articles in this series; empty means the site default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "series"
        verbose_name_plural = "series"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:series", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    """Named reads of articles; public pages use only ``published()``."""

    def published(self, now=None):
        """Articles a reader may see: published, and their publish time has passed."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def for_listing(self):
        """What a list of articles shows: series label and the latest review, without a query per row."""
        return self.select_related("series_entry__series").prefetch_related(
            Prefetch("reviews", queryset=MedicalReview.objects.select_related("reviewer"))
        )

    def for_detail(self, now=None):
        """Everything the article page shows, in a fixed number of queries."""
        from references.models import Citation

        return self.select_related("author", "series_entry__series").prefetch_related(
            "tags",
            Prefetch("reviews", queryset=MedicalReview.objects.select_related("reviewer")),
            Prefetch("citations", queryset=Citation.objects.select_related("reference__source")),
            Prefetch(
                "related_links",
                queryset=RelatedLink.objects.filter(
                    target__in=Article.objects.published(now)
                ).select_related("target"),
                to_attr="published_related_links",
            ),
        )


class Article(models.Model):
    """A medically reviewed health article."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In medical review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The address: /articles/<slug>/. Letters, numbers and hyphens.")
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences. Shown in lists and used as the page's description for search engines.",
    )
    body = SanitizedHTMLField(
        blank=True,
        help_text=(
            "Start each section with a heading. Cite a reference by its number in square brackets, "
            "e.g. [1] or [2][3]; the number is the citation's position below."
        ),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When a published article becomes public. A future time schedules it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles", null=True, blank=True
    )
    tags = TaggableManager(blank=True)
    referenced_on = models.DateField("referenced on", null=True, blank=True, help_text="When the references were last checked.")
    funding = models.TextField(
        "sponsorship or funding",
        blank=True,
        help_text="Any sponsorship or funding of this article. Shown to readers; leave empty when there is none.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Re-review interval for this article; empty means the series' or the site's default.",
    )
    content_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the title, body or citations last changed substantively.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = "article"
        verbose_name_plural = "articles"
        indexes = [
            # Public lists filter on status and publish time and order by (-publish_at, -id): all three
            # columns let PostgreSQL read a page straight from the index, however deep.
            models.Index(fields=["status", "-publish_at", "-id"], name="article_status_pub_id_idx"),
            # The admin's default order over every status.
            models.Index(fields=["-publish_at", "-id"], name="article_pub_id_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def is_public(self, now=None):
        """Whether a reader may see this article now."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= (now or timezone.now())
        )

    @property
    def latest_review(self):
        """The most recent medical review, from the prefetch when there is one."""
        reviews = list(self.reviews.all())
        return reviews[0] if reviews else None


class MedicalReview(models.Model):
    """A clinician's sign-off of an article on a date: a record, never edited into a date field."""

    class Scope(models.TextChoices):
        FULL = "full", "Full clinical review"
        NO_CHANGE = "no_change", "Reviewed, no change needed"
        PARTIAL = "partial", "Partial review of named sections"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(help_text="The day of the review; not in the future.")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.FULL)
    sections = models.CharField(max_length=300, blank=True, help_text="For a partial review: which sections were reviewed.")
    notes = models.TextField(blank=True)
    conflict_of_interest = models.CharField(max_length=300, default="None declared")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-created_at", "-id"]
        verbose_name = "medical review"
        verbose_name_plural = "medical reviews"
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="partial") | ~Q(sections=""),
                name="review_partial_names_sections",
                violation_error_message="A partial review must name the sections it covered.",
            )
        ]
        indexes = [
            models.Index(fields=["article", "-reviewed_on"], name="review_article_date_idx"),
            models.Index(fields=["reviewer", "-reviewed_on"], name="review_reviewer_date_idx"),
        ]

    def __str__(self):
        return f"{self.article} reviewed by {self.reviewer} on {self.reviewed_on:%d %B %Y}"

    def clean(self):
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError({"reviewed_on": "A review date cannot be in the future."})


class SeriesEntry(models.Model):
    """An article's place in a series; an article belongs to one series at most."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="entries")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="series_entry")
    position = models.PositiveSmallIntegerField(help_text="Order within the series; unique in it.")
    label = models.CharField(max_length=60, help_text='Short label for navigation, e.g. "Stage 4".')

    class Meta:
        ordering = ["series", "position"]
        verbose_name = "series entry"
        verbose_name_plural = "series entries"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "position"],
                name="series_entry_unique_position",
                violation_error_message="Another article already has this position in the series.",
            )
        ]

    def __str__(self):
        return f"{self.series}: {self.label}"


class RelatedLink(models.Model):
    """A curated, ordered link from one article to another."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="linked_from", verbose_name="related article")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["article", "position", "id"]
        verbose_name = "related link"
        verbose_name_plural = "related links"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "target"],
                name="related_link_unique_target",
                violation_error_message="This article is already linked.",
            ),
            models.CheckConstraint(
                condition=~Q(article=F("target")),
                name="related_link_not_self",
                violation_error_message="An article cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.target}"

    def clean(self):
        if self.article_id and self.article_id == self.target_id:
            raise ValidationError({"target": "An article cannot be related to itself."})


class ArticleEvent(models.Model):
    """One line of an article's audit trail: a transition, a review, a typo fix, a correction.

    Written by the service functions (``articles.workflow`` and friends), never by ``save()``.
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", "Status change"
        REVIEW = "review", "Medical review"
        EDIT = "edit", "Substantive edit"
        TYPO_FIX = "typo_fix", "Typo fix (not substantive)"
        CORRECTION = "correction", "Correction"
        NOTE = "note", "Note"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="article_events"
    )
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRANSITION)
    from_status = models.CharField(max_length=20, choices=Article.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices, blank=True)
    comment = models.TextField(blank=True)
    announced = models.BooleanField(
        default=False, help_text="Show this correction to readers in the article's review history."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit event"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["article", "-created_at"], name="event_article_time_idx")]

    def __str__(self):
        if self.kind == self.Kind.TRANSITION:
            return f"{self.article}: {self.get_from_status_display()} → {self.get_to_status_display()}"
        return f"{self.article}: {self.get_kind_display()}"


class ContentGeneration(models.Model):
    """One row counting changes to what readers can see; cached pages remember the count they were made at.

    Bumped by ``articles.caching.invalidate`` after every commit that changes public content, so
    that a page cache in each worker's memory can tell with one primary-key read that it is stale.
    """

    value = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "content generation"
        verbose_name_plural = "content generation"

    def __str__(self):
        return f"generation {self.value} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
