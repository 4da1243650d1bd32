"""Articles, the reviewers who sign them off, their reviews, series and related links."""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag

from articles.content import accessibility
from articles.content.addresses import address
from articles.content.fields import AccessibilityCountField, SanitizedHTMLField, validate_body_size
from articles.content.review_dates import FLOOR_MESSAGE, REVIEW_DATE_FLOOR, validate_review_date
from articles.content.times import local_time
from articles.models.search import validate_terms
from articles.querysets import ArticleQuerySet, ArticleStatus


class SlugNaturalKeyManager(models.Manager):
    """Lets backups (dumpdata/loaddata with natural keys) refer to a row by its slug."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Reviewer(models.Model):
    """A clinician who medically reviews articles; shown in the byline."""

    name = models.CharField(max_length=120, help_text='As readers should see it, e.g. "Dr. Lucia Moreno".')
    slug = models.SlugField(  # no "<slug>": the admin shows help text as HTML, and a tag would vanish
        max_length=120, unique=True,
        help_text="The last part of the profile's address, e.g. “lucia-moreno” makes /reviewers/lucia-moreno/.",
    )
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
    photo = models.ForeignKey(
        "media.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="reviewer_photos",
        help_text="A portrait from the media library, shown on the profile page.",
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "reviewer"
        verbose_name_plural = "reviewers"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("articles:reviewer", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self):
        """Name with credentials, the way the byline prints it."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


def tag_name_problem(name):
    """Why ``name`` cannot be a tag, or None.

    django-taggit stores at most 100 characters (a longer name was a database error on PostgreSQL),
    and a tag's page address is its slug: a name without a letter or a number ("???") has none.
    """
    longest = Tag._meta.get_field("name").max_length
    if len(name) > longest:
        return f"The tag “{name[:40]}…” is longer than {longest} characters."
    if not slugify(name, allow_unicode=True):
        return f"The tag “{name}” needs a letter or a number: its page's address is made from them."
    return None


class EditConflict(Exception):
    """Someone else saved the article after this copy of it was loaded."""


class RevisionSnapshot(models.Model):
    """Extra columns of each article revision: its related rows, as they were."""

    related = models.JSONField(
        default=dict, blank=True, help_text="Tags, citations, related links and series entry at this revision."
    )

    class Meta:
        abstract = True


class Article(models.Model):
    """A medically reviewed health article."""

    Status = ArticleStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(  # no "<slug>": the admin shows help text as HTML (read-only too), and a tag would vanish
        max_length=200, unique=True,
        help_text="The last part of the page's address, e.g. “lymphoedema” makes /articles/lymphoedema/. "
        "Letters, numbers and hyphens.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences. Shown in lists and used as the page's description for search engines.",
    )
    body = SanitizedHTMLField(
        blank=True,
        validators=[validate_body_size],
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
    search_terms = models.TextField(
        "also known as",
        blank=True,
        validators=[validate_terms],
        help_text="Other names readers use for this topic, lay and clinical, one a line or separated by commas "
        "(e.g. “lymphoedema, arm swelling, swollen arm”). Searched like the title; shown to search engines.",
    )
    lead_image = models.ForeignKey(
        "media.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="A picture from the media library, shown at the top of the page and when a link to the page "
        "is shared. It needs alt text (or to be marked decorative) before the article can be published.",
    )
    referenced_on = models.DateField("referenced on", null=True, blank=True, help_text="When the references were last checked.")
    funding = models.TextField(
        "sponsorship or funding",
        blank=True,
        help_text="Any sponsorship or funding of this article. Shown to readers; leave empty when there is none.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Re-review interval for this article; empty means the series' or the site's default.",
    )
    content_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the title, summary, body or cited references last changed (kept by articles.integrity).",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # What "changed since review" compares (articles/workflow/integrity.py): the fingerprint of the content
    # as stored now, kept by integrity.refresh() from the rows themselves, and the one the latest
    # review (or an editor's typo-fix decision) accepted. Derived: never written by save().
    content_fingerprint = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the title, summary, body and cited references now."
    )
    reviewed_fingerprint = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the content the latest medical review covered."
    )
    # Copied from the reviews by refresh_review_dates() whenever a review is saved or deleted, so
    # the review schedule reads dates from the article instead of grouping every review. Never
    # written by Article.save() (see DERIVED_FIELDS), never part of a revision.
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False, help_text="Date of the latest review.")
    last_signed_off_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the most recent review record was made."
    )
    last_reviewer = models.ForeignKey(
        Reviewer,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who made the latest review (the latest by date, then by when it was recorded).",
    )
    # The latest review date plus the article's interval (its own, its series' or the site's), kept
    # by reviews.queries.refresh_due_dates() whenever one of those changes, so the review schedule
    # filters and sorts on an indexed date. Derived like the fields above.
    next_review_on = models.DateField(
        null=True, blank=True, editable=False, help_text="When the next review is due; empty when never reviewed."
    )
    # Set once, by the first publish (workflow.publish), and kept when the article is unpublished
    # and published again; like the review dates, never written by a full save nor restored.
    first_published_at = models.DateTimeField(
        "first published", null=True, blank=True, editable=False,
        help_text="When it was first published; kept when it is unpublished and published again.",
    )
    assigned_reviewer = models.ForeignKey(
        Reviewer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_articles",
        help_text="Who should review it; empty means any medical reviewer may pick it up.",
    )
    # Worked out from the body whenever the row is written (articles.content.fields.AccessibilityCountField),
    # so the article list filters on them (docs/accessibility.md); not part of a revision.
    accessibility_blockers = AccessibilityCountField(
        severity=accessibility.BLOCKER, help_text="Accessibility problems in the body that block publishing."
    )
    accessibility_warnings = AccessibilityCountField(
        severity=accessibility.WARNING, help_text="Accessibility problems in the body worth a look."
    )

    objects = ArticleQuerySet.as_manager()
    DERIVED_FIELDS = (
        "last_reviewed_on", "last_signed_off_at", "last_reviewer", "next_review_on", "content_fingerprint",
        "reviewed_fingerprint", "first_published_at",
    )
    ACCESSIBILITY_FIELDS = ("accessibility_blockers", "accessibility_warnings")
    history = HistoricalRecords(
        bases=[RevisionSnapshot], excluded_fields=["updated_at", *DERIVED_FIELDS, *ACCESSIBILITY_FIELDS]
    )

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = "article"
        verbose_name_plural = "articles"
        indexes = [
            # Public lists filter on status and publish time and order by (-publish_at, -id): all three
            # columns let PostgreSQL read a page straight from the index, however deep.
            models.Index(fields=["status", "-publish_at", "-id"], name="article_status_pub_id_idx"),
            # The same for published articles alone ("published" is Status.PUBLISHED), without the
            # status in every entry: what readers can see, counted or paged. On a large catalogue
            # counts of the published articles, and a tag's, read about half as much
            # (taggeditem_tag_object_idx hashed against it; docs/performance.md, "Measurements behind the code").
            models.Index(fields=["-publish_at", "-id"], condition=Q(status="published"), name="article_published_idx"),
            # The admin's default order over every status.
            models.Index(fields=["-publish_at", "-id"], name="article_pub_id_idx"),
            # The sitemap's and feeds' "last changed": MAX(updated_at) read from the end of an index.
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
            # The review schedule, `review_due` and the sitemap read these columns of every published
            # article: on PostgreSQL an index-only scan (about 17 MB for 100,000 articles) instead of
            # the table with its bodies (about 300 MB), and sitemap files deep in the list skip
            # through the index. SQLite ignores ``include``.
            models.Index(
                fields=["status", "-publish_at", "-id"],
                include=["last_reviewed_on", "review_interval_months", "content_changed_at", "last_signed_off_at",
                         "last_reviewer", "referenced_on", "updated_at", "title", "slug", "next_review_on",
                         "content_fingerprint", "reviewed_fingerprint"],
                name="article_review_cycle_idx",
            ),
            # The schedule's groups (overdue, due within 30 or 90 days) read their page of rows in due
            # order straight from this index, and "references older than N years" from the next.
            models.Index(
                fields=["status", "next_review_on"],
                include=["content_changed_at", "last_signed_off_at", "content_fingerprint", "reviewed_fingerprint"],
                name="article_next_review_idx",
            ),
            models.Index(fields=["status", "referenced_on"], name="article_referenced_idx"),
            # The home page's "Recently reviewed": a few published articles read from the end.
            models.Index(
                fields=["-last_reviewed_on", "-id"], include=["publish_at"], condition=Q(status="published"),
                name="article_recently_reviewed_idx",
            ),
            # "Is this article published, and when did it change?" asked of one article at a time
            # (series with a published article, a series' latest change): on PostgreSQL an
            # index-only probe (about 4 MB for 100,000 articles) rather than the table's heap with
            # its bodies, so the planner probes a few thousand entries instead of hashing every
            # published article (the sitemap index's series queries: docs/performance.md, "Measurements behind the code").
            models.Index(
                fields=["id"], include=["status", "publish_at", "updated_at", "last_reviewed_on"],
                name="article_id_published_idx",
            ),
            # The article list's "Accessibility problems" filter pages through these in the list's
            # order, however few of a large catalogue have problems (docs/accessibility.md).
            models.Index(
                fields=["-publish_at", "-id"], condition=Q(accessibility_blockers__gt=0), name="article_a11y_blockers_idx"
            ),
            models.Index(
                fields=["-publish_at", "-id"], condition=Q(accessibility_warnings__gt=0), name="article_a11y_warnings_idx"
            ),
            # The syndication API's change feed (articles/api/feed.py, ``changed_at``): published articles
            # in the order they last changed for a partner, from a time on, read a page at a time.
            models.Index(
                Greatest("updated_at", "publish_at"), "id", condition=Q(status="published"), name="article_api_changed_idx"
            ),
        ]
        permissions = [
            ("edit_any_article", "Can edit any article in any state"),
            ("submit_article", "Can submit an article for medical review"),
            ("signoff_article", "Can sign off an article or send it back"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("archive_article", "Can archive and restore articles"),
        ]

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        """Save, refusing to overwrite a newer version (optimistic concurrency).

        The version this copy was loaded at is checked and bumped in one UPDATE,
        so of two people who loaded version 3 only the first to save wins; the
        second gets ``EditConflict`` and nothing of theirs is written.
        """
        if self._state.adding or self.pk is None:
            return super().save(**kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            claimed = Article.objects.filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
            if not claimed:
                raise EditConflict(f"Article {self.pk} was saved by someone else after version {self.version}.")
            self.version += 1
            if kwargs.get("update_fields") is None:
                # Everything but the review dates: this copy's may be older than a review saved since.
                # (and, as Django does for a partly loaded copy, only the fields it loaded).
                skipped = {*self.DERIVED_FIELDS, *self.get_deferred_fields()}
                kwargs["update_fields"] = {
                    f.attname
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name not in skipped and f.attname not in skipped
                } | {"version"}
            else:
                fields = {*kwargs["update_fields"], "version"}
                kwargs["update_fields"] = fields | set(self.ACCESSIBILITY_FIELDS) if "body" in fields else fields
            super().save(**kwargs)

    def get_absolute_url(self):
        return address("articles:detail", self.slug)

    def is_public(self, now=None):
        """Whether a reader may see this article now."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= (now or timezone.now())
        )

    @property
    def first_published(self):
        """When readers could first see it: the first publish, or the publish time of an article
        published before that was recorded (or by an importer)."""
        times = [t for t in (self.first_published_at, self.publish_at) if t is not None]
        return min(times) if times else None

    @property
    def writer_name(self):
        """The writer's full name as the page shows it; "" for an account without one (never a username)."""
        return self.author.get_full_name().strip() if self.author_id else ""

    def is_scheduled(self, now=None):
        """Whether it is published with a publish time still to come (not public yet)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > (now or timezone.now())
        )

    @property
    def state_label(self):
        """The state as editors read it: "Scheduled for 15 January 2027, 09:00 GMT", or the status."""
        if self.is_scheduled():
            return f"Scheduled for {local_time(self.publish_at)}"
        return self.get_status_display()

    RELATED_COUNT = 5
    RELATED_CANDIDATES = 1000  # the newest tagged rows ranked for related posts (see articles.reads.related)
    RELATED_FIELDS = ("id", "title", "slug", "summary", "publish_at")  # what a related post shows; the rest is deferred

    @property
    def latest_review(self):
        """The most recent medical review, from the prefetch when there is one."""
        reviews = list(self.reviews.all())
        return reviews[0] if reviews else None

    def citation_problems(self):
        """Markers in the body that point to no citation (blocking publication), unused citations (warnings)."""
        from references.markers import citation_problems

        return citation_problems(self.body, len(self.citations.all()) if self.pk else 0)


class MedicalReview(models.Model):
    """A clinician's sign-off of an article on a date: a record, never edited into a date field."""

    class Scope(models.TextChoices):
        FULL = "full", "Full clinical review"
        NO_CHANGE = "no_change", "Reviewed, no change needed"
        PARTIAL = "partial", "Partial review of named sections"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(
        validators=[validate_review_date], help_text="The day of the review; not in the future, not before 1990."
    )
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.FULL)
    sections = models.CharField(max_length=300, blank=True, help_text="For a partial review: which sections were reviewed.")
    notes = models.TextField(blank=True)
    conflict_of_interest = models.CharField(max_length=300, default="None declared")
    created_at = models.DateTimeField(auto_now_add=True)
    # What the reviewer saw, kept when the review is recorded (articles/workflow/integrity.py).
    reviewed_content = models.JSONField(
        default=dict, blank=True, editable=False,
        help_text="The title, summary, body and cited references as they were when this review was recorded.",
    )
    content_fingerprint = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the reviewed content; empty when not known."
    )

    class Meta:
        ordering = ["-reviewed_on", "-created_at", "-id"]
        verbose_name = "medical review"
        verbose_name_plural = "medical reviews"
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="partial") | ~Q(sections=""),
                name="review_partial_names_sections",
                violation_error_message="A partial review must name the sections it covered.",
            ),
            # The floor of review_dates.validate_review_date, for writes that skip validation
            # (backups, bulk_create, raw SQL). "Not in the future" cannot be a constraint.
            models.CheckConstraint(
                condition=Q(reviewed_on__gte=REVIEW_DATE_FLOOR),
                name="review_date_floor",
                violation_error_message=FLOOR_MESSAGE,
            ),
        ]
        indexes = [
            models.Index(fields=["article", "-reviewed_on"], name="review_article_date_idx"),
            models.Index(fields=["reviewer", "-reviewed_on"], name="review_reviewer_date_idx"),
            # The sitemap's latest review of any published article.
            models.Index(fields=["-reviewed_on"], name="review_date_idx"),
        ]

    def __str__(self):
        return f"{self.article} reviewed by {self.reviewer} on {self.reviewed_on:%d %B %Y}"


class ReviewReminder(models.Model):
    """A review reminder or escalation email sent by ``manage.py review_due --notify``.

    At most one of each kind per article and due date, so nobody is told twice.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder to the reviewer"
        ESCALATION = "escalation", "Escalation to the editors"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_reminders")
    due_on = models.DateField("due on", help_text="The review due date this reminder was about.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REMINDER)
    reviewer = models.ForeignKey(
        Reviewer, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    recipients = models.TextField(help_text="The addresses the email went to, one per line.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = "review reminder"
        verbose_name_plural = "review reminders"
        constraints = [
            models.UniqueConstraint(fields=["article", "due_on", "kind"], name="reminder_once_per_due_date")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article} (due {self.due_on:%d %B %Y})"


class ImportedPost(models.Model):
    """The WordPress post an article was imported from: its site and post id, so a re-import finds it again.

    Written only by ``articles.importing.wordpress_apply``. ``fingerprint`` is a hash of the
    post as it was last imported, so a re-import can tell "changed in WordPress" from
    "edited here since" and never mistakes one post for another with the same title.
    """

    site = models.CharField(max_length=300, help_text="The export's wp:base_site_url, e.g. https://old.example.org.")
    post_id = models.PositiveBigIntegerField("WordPress post id")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="imported_post")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the post's content at its last import.")
    article_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The article's version after that import: a later one means it was edited here."
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site", "post_id"]
        verbose_name = "imported WordPress post"
        verbose_name_plural = "imported WordPress posts"
        constraints = [models.UniqueConstraint(fields=["site", "post_id"], name="imported_post_unique")]

    def __str__(self):
        return f"{self.site} post {self.post_id} → {self.article}"


class ReviewPolicy(models.Model):
    """One row: the site's default review interval that the stored due dates were worked out with.

    ``Article.next_review_on`` depends on ``settings.REVIEW_INTERVAL_MONTHS``; when the setting
    changes, ``reviews.queries.ensure_due_dates()`` sees that it differs from this row and works
    every due date out again before the schedule reads them.
    """

    default_interval_months = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "review policy"
        verbose_name_plural = "review policy"

    def __str__(self):
        return f"due dates worked out with a default of {self.default_interval_months} months"


class ContentGeneration(models.Model):
    """One row counting changes to what readers can see; cached pages remember the count they were made at.

    Bumped by ``cms.pagecache.generation.invalidate`` after every commit that changes public content, so
    that a page cache in each worker's memory can tell with one primary-key read that it is stale.
    """

    value = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "content generation"
        verbose_name_plural = "content generation"

    def __str__(self):
        return f"generation {self.value} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class AutosavedDraft(models.Model):
    """A copy of one person's unsaved article form, kept every few seconds while they type.

    Offered back to that person when they open the article again (after a crash or a closed tab);
    never published and never applied by itself. ``base_version`` is the article's version the
    form was opened at, so a recovered copy saved over someone else's newer save meets the edit
    conflict check (``articles.workflow.conflicts``) instead of overwriting it. ``article`` is empty for
    an article not yet created (one such draft per person).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    base_version = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, help_text="The form's fields as typed: title, summary, body and the rest.")
    saved_at = models.DateTimeField()

    class Meta:
        verbose_name = "autosaved draft"
        verbose_name_plural = "autosaved drafts"
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_one_per_user_article"),
            models.UniqueConstraint(fields=["user"], condition=Q(article=None), name="autosave_one_new_per_user"),
        ]

    def __str__(self):
        return f"Autosaved draft of {self.article or 'a new article'} by {self.user}"
