"""Articles, the reviewers who sign them off, their reviews, series and related links."""

from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.expressions import Col, Expression, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from cms.prepared import prepared_cursor

from . import accessibility
from .addresses import address
from .fields import AccessibilityCountField, SanitizedHTMLField, validate_body_size
from .page_reads import Columns, read
from .review_dates import FLOOR_MESSAGE, REVIEW_DATE_FLOOR, validate_review_date
from .times import local_time


class SlugNaturalKeyManager(models.Manager):
    """Lets backups (dumpdata/loaddata with natural keys) refer to a row by its slug."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


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


class SeriesQuerySet(models.QuerySet):
    def with_published_articles(self, now=None):
        """Series a reader can open: at least one published article (a probe of an index per series).

        Written as "the first published entry is not null", a scalar subquery, rather than
        ``EXISTS``: PostgreSQL turns an ``EXISTS`` into a semi-join and, on a large catalogue,
        hashes every published article (85,000 rows, 25-55 ms) to answer for 1,000 series. A
        scalar subquery stays a probe per series, so a page in title order (``series_title_idx``)
        stops after the series it shows.
        """
        first = (
            SeriesEntry.objects.filter(series=OuterRef("pk"))
            .filter(published_condition(now, through="article__"))
            .order_by()
            .values("pk")[:1]
        )
        return self.alias(first_published_entry=Subquery(first)).filter(first_published_entry__isnull=False)


class Series(models.Model):
    """An ordered set of articles read in sequence, e.g. treatment by stage."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Re-review interval for articles in this series; empty means the site default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SlugNaturalKeyManager.from_queryset(SeriesQuerySet)()

    class Meta:
        ordering = ["title"]
        verbose_name = "series"
        verbose_name_plural = "series"
        # The series index and the home page list series with a published article in title order.
        indexes = [models.Index(fields=["title"], name="series_title_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("articles:series", self.slug)

    def natural_key(self):
        return (self.slug,)


def published_condition(now=None, through=""):
    """What ``published()`` means, for a filter on articles or (``through="article__"``) across a relation."""
    return Q(**{f"{through}status": Article.Status.PUBLISHED, f"{through}publish_at__lte": now or timezone.now()})


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


def published_sql(alias, now=None, conn=None):
    """``published_condition()`` in SQL over the article table's alias ``alias``: (condition, params).

    For the statements written out in SQL on the article page (``related_rows``, ``page_reads``,
    ``SeriesEntry.navigation``); tests/test_article_page_reads.py holds it to ``published()``.
    """
    return f"{alias}.status = %s AND {alias}.publish_at <= %s", [
        Article.Status.PUBLISHED.value,
        (conn or connection).ops.adapt_datetimefield_value(now or timezone.now()),
    ]


class DatabaseColumn(Expression):
    """A column of the query's own table that the database keeps and Django's model does not know.

    Resolved to the table's alias in the query, so it stays right in a subquery or a self-join.
    """

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        target = self.output_field.clone()
        target.column = self.column
        return Col(query.get_initial_alias(), target, self.output_field)


class ArticleQuerySet(models.QuerySet):
    """Named reads of articles; public pages use only ``published()``."""

    def published(self, now=None):
        """Articles a reader may see: published, and their publish time has passed."""
        return self.filter(published_condition(now))

    def scheduled(self, now=None):
        """Published articles whose publish time is still to come: readers cannot see them yet."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def recently_reviewed(self):
        """Published articles, the most recently medically reviewed first (never-reviewed ones left out)."""
        return self.published().filter(last_reviewed_on__isnull=False).order_by("-last_reviewed_on", "-id")

    def common_tags(self, count):
        """The ``count`` tags most used on these articles, most used first: one query of
        ``{"name", "slug", "uses"}``. Slice the articles first to bound the work on a large site."""
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id__in=self.values("pk")
        )
        return (
            tagged.values(name=F("tag__name"), slug=F("tag__slug"))
            .annotate(uses=models.Count("pk"))
            .order_by("-uses", "name")[:count]
        )

    def for_listing(self):
        """What a list of articles shows: series label and the latest review, without a query per row."""
        return self.select_related("series_entry__series").prefetch_related(
            Prefetch("reviews", queryset=MedicalReview.objects.select_related("reviewer").defer("reviewed_content"))
        )

    def detail(self, **lookup):
        """The article matching ``lookup`` with everything its page shows, in two queries on
        PostgreSQL and five elsewhere.

        Its author and series entry are joined; its tags, reviews and citations are then read by
        ``.all()`` without a query, and ``announced_corrections`` is a list
        (``articles.page_reads``). Raises ``DoesNotExist``.
        """
        from .page_reads import load_page_relations

        return load_page_relations(self.select_related("author", "series_entry__series").get(**lookup))

    def tagged(self, yes=True):
        """Articles with at least one tag (``yes``), or with none.

        On PostgreSQL from ``tag_count``, which triggers keep (migration ``0021_tag_count``), and
        a partial index on the untagged; elsewhere by probing taggit's table for each article.
        """
        if connections[self.db].vendor == "postgresql":
            return self.alias(tag_count=DatabaseColumn("tag_count", IntegerField())).filter(**{"tag_count__gt" if yes else "tag_count": 0})
        tags = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(self.model), object_id=OuterRef("pk"))
        return self.filter(Exists(tags) if yes else ~Exists(tags))

    def with_accessibility_problems(self, severity):
        """Articles whose body has accessibility findings of ``severity`` (``accessibility.BLOCKER``
        or ``WARNING``), from the counts stored on save (partial indexes serve the admin's order)."""
        field = {accessibility.BLOCKER: "accessibility_blockers", accessibility.WARNING: "accessibility_warnings"}[severity]
        return self.filter(**{f"{field}__gt": 0})

    def without_accessibility_problems(self):
        """Articles whose body had no accessibility finding when it was last saved."""
        return self.filter(accessibility_blockers=0, accessibility_warnings=0)

    def waiting_for(self, user):
        """The admin's "waiting for me" list for ``user``.

        For a medical reviewer: articles in review assigned to them or to nobody
        (never their own). For anyone: their drafts that a reviewer sent back.
        """
        last_transition = ArticleEvent.objects.filter(
            article=models.OuterRef("pk"), kind=ArticleEvent.Kind.TRANSITION
        ).order_by("-created_at", "-id")
        mine = Q(status=Article.Status.DRAFT, author=user, last_moved_from=Article.Status.IN_REVIEW)
        if user.has_perm("articles.signoff_article"):
            assigned = Q(assigned_reviewer__user=user) | Q(assigned_reviewer=None)
            mine |= Q(status=Article.Status.IN_REVIEW) & assigned & ~Q(author=user)
        return self.annotate(last_moved_from=models.Subquery(last_transition.values("from_status")[:1])).filter(mine)

    # The review cycle (policy in articles/review_cycle.py).

    def in_review_cycle(self):
        """Articles the review cycle covers: published ones, including those scheduled to go live."""
        return self.filter(status=Article.Status.PUBLISHED)

    def with_review_dates(self):
        """Annotate the latest review, the interval and the due month/day in SQL (see review_cycle)."""
        from .review_cycle import annotate_review_dates

        return annotate_review_dates(self)

    def due_for_review(self, within_days=0, today=None):
        """Never reviewed, overdue, or due within ``within_days`` days (on a ``with_review_dates()`` queryset)."""
        from .review_cycle import due_within

        return self.filter(due_within(within_days, today))


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
    lead_image = models.ForeignKey(
        "media.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Shown at the top of the page and when the page is shared (docs/media.md).",
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
    # What "changed since review" compares (articles/integrity.py): the fingerprint of the content
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
    # by review_cycle.refresh_due_dates() whenever one of those changes, so the review schedule
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
    # Worked out from the body whenever the row is written (articles.fields.AccessibilityCountField),
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
            # status in every entry: what readers can see, counted or paged. On 100,000 articles a
            # count of the published ones reads it in 11 ms against 24, and a tag's count in 19
            # against 38 (taggeditem_tag_object_idx hashed against it).
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
            # published article. The sitemap index's two series queries went from 45 to 8 and 16 ms.
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
    RELATED_CANDIDATES = 1000  # the newest tagged rows ranked for related posts (see related_rows)

    def related_articles(self, count=RELATED_COUNT, now=None):
        """The "Related posts" list: every published curated link in order, then filled up to ``count``.

        One query (``related_rows``) however many links, tags or series entries there are, and
        always one (even when the curated links fill the list) so the page's query count does not
        depend on its content. Reads the tags and series entry that ``detail()`` loaded.
        """
        curated = getattr(self, "published_related_links", None)
        if curated is not None:  # set by a preview: the links as they were at a revision
            chosen = [link.target for link in curated]
            fill = related_rows(self, now, limit=count, exclude=[a.pk for a in chosen])
            return chosen + fill[: max(0, count - len(chosen))]
        rows = related_rows(self, now, limit=count, links=True)
        chosen = [a for a in rows if a.link_position is not None]
        fill = [a for a in rows if a.link_position is None]
        return chosen + fill[: max(0, count - len(chosen))]

    @property
    def latest_review(self):
        """The most recent medical review, from the prefetch when there is one."""
        reviews = list(self.reviews.all())
        return reviews[0] if reviews else None

    def citation_problems(self):
        """Markers in the body that point to no citation (blocking publication), unused citations (warnings)."""
        from references.markers import citation_problems

        return citation_problems(self.body, len(self.citations.all()) if self.pk else 0)

    @property
    def last_modified(self):
        """When the page last changed, its review included (see review_cycle.last_modified)."""
        from .review_cycle import last_modified

        return last_modified(self)

    @property
    def review_dates(self):
        """Last reviewed, next review due and last updated, for readers (see review_cycle.review_dates)."""
        from .review_cycle import review_dates

        return review_dates(self)


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
    # What the reviewer saw, kept when the review is recorded (articles/integrity.py).
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


def refresh_review_dates(article_ids=None, *, due_dates=True):
    """Copy the latest review date, its reviewer and the sign-off time of these articles (all when None) from their reviews.

    One UPDATE. Runs whenever a review is saved or deleted (the receivers below); code that writes
    reviews with ``bulk_create`` or ``QuerySet.update()`` calls it itself. Then the due dates
    (``review_cycle.refresh_due_dates``), unless ``due_dates`` is false.
    """
    reviews = MedicalReview.objects.filter(article=OuterRef("pk"))
    articles = Article.objects.all() if article_ids is None else Article.objects.filter(pk__in=article_ids)
    latest = reviews.order_by("-reviewed_on", "-created_at", "-id")
    last_recorded = reviews.order_by("-created_at", "-id")
    articles.update(
        last_reviewed_on=Subquery(latest.values("reviewed_on")[:1]),
        last_reviewer=Subquery(latest.values("reviewer_id")[:1]),
        last_signed_off_at=Subquery(last_recorded.values("created_at")[:1]),
        reviewed_fingerprint=Coalesce(Subquery(last_recorded.values("content_fingerprint")[:1]), Value("")),
    )
    if due_dates:
        from .review_cycle import refresh_due_dates

        refresh_due_dates(article_ids)


@receiver(post_init, sender=MedicalReview)
def _remember_reviewed_article(sender, instance, **kwargs):
    instance._article_id_at_load = instance.article_id


@receiver(post_save, sender=MedicalReview)
@receiver(post_delete, sender=MedicalReview)
def _review_dates_follow_reviews(sender, instance, raw=False, **kwargs):
    # Both articles when a review was moved from one to another. A fixture (a backup being
    # restored) brings its articles' due dates, worked out with series that may not be loaded yet.
    refresh_review_dates({instance.article_id, getattr(instance, "_article_id_at_load", None)} - {None}, due_dates=not raw)
    instance._article_id_at_load = instance.article_id


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

    def label_beside(self, title):
        """The label to show next to the series' name above ``title``, or "" when it only repeats that title.

        An entry whose title shares nothing with the series keeps its whole title as its
        label; above the article's own heading it would read twice.
        """
        title = " ".join(title.split()).casefold()
        label = " ".join(self.label.split()).casefold()
        cut = label.endswith("…") and title.startswith(label[:-1].rstrip())  # the title, shortened to fit
        return "" if label == title or cut else self.label

    def navigation(self, now=None):
        """Template context: part n of m, previous and next among the series' published entries.

        This entry keeps its place even when its article is not public yet (an editor's preview).
        Previous and next are ``SeriesLink``s: a label and a linked title, read as plain values in
        one statement written out in SQL (a fifth of the ORM's CPU on every uncached article page),
        or taken from what the article page's own statement brought for the same moment
        (``page_reads.PageReads.published_page``, PostgreSQL).
        """
        read_with_page = getattr(self, "published_neighbours", None)  # page_reads.published_page()
        if read_with_page is not None and now is not None and read_with_page[0] == now:
            others = read_with_page[1]
        else:
            db = connections[self._state.db or DEFAULT_DB_ALIAS]  # the connection itself, not the proxy
            q = db.ops.quote_name
            published, params = published_sql("a", now, db)
            with prepared_cursor(db) as cursor:  # integers and text: nothing for the ORM to convert
                cursor.execute(
                    f"SELECT e.position, e.label, a.title, a.slug FROM {q(SeriesEntry._meta.db_table)} e"
                    f" INNER JOIN {q(Article._meta.db_table)} a ON a.id = e.article_id"
                    f" WHERE e.series_id = %s AND e.article_id <> %s AND {published}",
                    [self.series_id, self.article_id, *params],
                )
                others = cursor.fetchall()
        this = SeriesLink(self.position, self.label, self.article.title, self.article.slug)
        entries = sorted([*(SeriesLink(*row) for row in others), this], key=lambda e: (e.position, e is not this))
        index = next(n for n, e in enumerate(entries) if e is this)
        return {
            "series_entry": self,
            "series_part": index + 1,
            "series_total": len(entries),
            "previous_entry": entries[index - 1] if index > 0 else None,
            "next_entry": entries[index + 1] if index + 1 < len(entries) else None,
        }


def label_before_title(label, title):
    """The series label to show before an entry's title, or "" when the title already starts with it.

    "Stage 4" before "Stage 4 breast cancer treatment" would read "Stage 4 Stage 4 breast cancer…".
    """
    words = " ".join(label.split()).casefold()
    return "" if not words or " ".join(title.split()).casefold().startswith(words) else label


class SeriesLink(NamedTuple):
    """Another part of a series, as its navigation links to it."""

    position: int
    label: str
    title: str
    slug: str

    def get_absolute_url(self):
        return address("articles:detail", self.slug)


# --- Stored due dates follow what they are worked out from (see review_cycle.refresh_due_dates) ---
# Reviews: refresh_review_dates() above. Here: an article's or a series' own interval, and which
# series an article is in. Each remembers what it was loaded with, so a save that changes none of
# it costs nothing.

_UNLOADED = object()  # a deferred field: never read here (reading it would cost a query)


def _placement(entry):
    return entry.__dict__.get("article_id", _UNLOADED), entry.__dict__.get("series_id", _UNLOADED)


@receiver(post_init, sender=Article)
@receiver(post_init, sender=Series)
def _remember_interval(sender, instance, **kwargs):
    instance._interval_at_load = instance.__dict__.get("review_interval_months", _UNLOADED)


@receiver(post_save, sender=Article)
@receiver(post_save, sender=Series)
def _due_dates_follow_interval(sender, instance, created, raw=False, **kwargs):
    if created or raw or instance._interval_at_load == instance.__dict__.get("review_interval_months", _UNLOADED):
        return  # a new article has no review yet; a fixture brings its own dates
    from .review_cycle import refresh_due_dates

    if sender is Article:
        refresh_due_dates([instance.pk])
    else:
        refresh_due_dates(SeriesEntry.objects.filter(series_id=instance.pk).values("article_id"))
    instance._interval_at_load = instance.review_interval_months


@receiver(post_init, sender=SeriesEntry)
def _remember_series_entry(sender, instance, **kwargs):
    instance._placement_at_load = _placement(instance)


@receiver(post_save, sender=SeriesEntry)
@receiver(post_delete, sender=SeriesEntry)
def _due_dates_follow_series(sender, instance, raw=False, **kwargs):
    before = instance._placement_at_load
    if raw or (kwargs.get("created") is False and before == _placement(instance)):
        return  # only its position or label changed
    from .review_cycle import refresh_due_dates

    refresh_due_dates({instance.article_id, before[0]} - {None, _UNLOADED})
    instance._placement_at_load = _placement(instance)


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


# The columns a related post shows (``related_rows``); the rest of each article is left deferred.
RELATED_COLUMNS = Columns(Article, "a", fields=("id", "title", "slug", "summary", "publish_at"))


def related_rows(article, now=None, *, limit, links=False, exclude=()):
    """Published articles that share ``article``'s series or tags, best first; never ``article`` itself.

    Same series first, then the most shared tags, then the most recent. Only the series and the
    ``Article.RELATED_CANDIDATES`` newest tag matches are ranked (found through the tag and series
    indexes), so the cost stays bounded however large the catalogue and however common its tags.
    ``links=True`` also brings the article's curated links, first and in the editors' order, each
    with ``link_position`` (None for the rest), and ``limit`` rows after them: the statement counts
    the links itself. Each row has only title, slug, summary and publish_at.

    One statement written out in SQL rather than built with the ORM: this is the costliest query
    of the article page, and building and compiling it with the ORM took 5 ms of CPU on every
    uncached page against 0.5 ms for this (docs/performance.md, "Large catalogues"), and on PostgreSQL it is
    prepared (``cms.prepared``). It reads as the ORM version did, the same on SQLite and
    PostgreSQL; ``published_sql()`` is ``published()``'s condition.
    """
    tag_ids = [tag.pk for tag in article.tags.all()] if article.pk else []
    entry = getattr(article, "series_entry", None) if article.pk else None
    db = connections[article._state.db or DEFAULT_DB_ALIAS]  # the connection itself, not the proxy
    q = db.ops.quote_name
    tagged, entries, related = (q(m._meta.db_table) for m in (TaggedItem, SeriesEntry, RelatedLink))
    candidates, params = [], []
    score, score_params = [], []  # terms of the rank: 1000 for the same series, 1 a shared tag
    if tag_ids:
        content_type = ContentType.objects.get_for_model(Article).pk
        tags_in = ", ".join(["%s"] * len(tag_ids))
        # The newest articles sharing a tag, not all of them: a tag on a fifth of a large catalogue
        # would otherwise make every page rank thousands. (A derived table: SQLite allows no LIMIT
        # in a UNION's part.)
        candidates.append(
            f"SELECT object_id FROM (SELECT object_id FROM {tagged} WHERE content_type_id = %s"
            f" AND tag_id IN ({tags_in}) ORDER BY object_id DESC LIMIT %s) newest"
        )
        params += [content_type, *tag_ids, Article.RELATED_CANDIDATES]
        score.append(
            f"(SELECT COUNT(*) FROM {tagged} t WHERE t.content_type_id = %s AND t.tag_id IN ({tags_in})"
            " AND t.object_id = a.id)"
        )
        score_params += [content_type, *tag_ids]
    if entry is not None:
        candidates.append(f"SELECT article_id FROM {entries} WHERE series_id = %s")
        params.append(entry.series_id)
        # One score, not two sort keys: the planner cannot then read the articles in series order
        # and stop early (a nested loop over the whole table on PostgreSQL); it ranks the candidates
        # it found through the indexes. Fewer than 1,000 tags an article.
        score.append(f"COALESCE((SELECT 1000 FROM {entries} s WHERE s.article_id = a.id AND s.series_id = %s), 0)")
        score_params.append(entry.series_id)
    if links and article.pk:
        candidates.append(f"SELECT target_id FROM {related} WHERE article_id = %s")
        params.append(article.pk)
    if not candidates:
        return []
    position, position_params, limit_sql, limit_params = "NULL", [], "%s", [limit]
    if links:
        position = f"(SELECT MIN(l.position) FROM {related} l WHERE l.article_id = %s AND l.target_id = a.id)"
        position_params = [article.pk]
        # Room for every curated link, published or not, and a full fill after them.
        limit_sql, limit_params = f"%s + (SELECT COUNT(*) FROM {related} WHERE article_id = %s)", [limit, article.pk]
    excluded = [pk for pk in (article.pk, *exclude) if pk is not None]
    published, published_params = published_sql("a", now, db)
    sql = (
        f"SELECT {{0}}, {position} AS link_position,"
        f" {' + '.join(score) or '0'} AS score"
        f" FROM {q(Article._meta.db_table)} a"
        f" WHERE {published}"
        f" AND a.id NOT IN ({', '.join(['%s'] * len(excluded))})"
        f" AND a.id IN ({' UNION '.join(candidates)})"
        f" ORDER BY link_position ASC NULLS LAST, score DESC, a.publish_at DESC, a.id DESC LIMIT {limit_sql}"
    )
    params = [*position_params, *score_params, *published_params, *excluded, *params, *limit_params]
    rows = []
    for other, link_position, score in read(db, sql, params, RELATED_COLUMNS):
        other.link_position, other.score = link_position, score
        rows.append(other)
    return rows



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


class Redirect(models.Model):
    """An old address of an article that answers a permanent redirect to its current one.

    Points at the article, not at a path, so chains collapse by themselves:
    A -> B -> C is stored as A -> article and B -> article, whose address is C.
    """

    old_path = models.CharField(
        "old address", max_length=300, unique=True, help_text="A path on this site, e.g. /articles/old-slug/."
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["old_path"]
        verbose_name = "redirect"
        verbose_name_plural = "redirects"

    def __str__(self):
        return f"{self.old_path} → {self.article}"

    def clean(self):
        if self.old_path and not self.old_path.startswith("/"):
            raise ValidationError({"old_path": "Start with a slash, e.g. /articles/old-slug/."})
        if self.article_id and self.old_path == self.article.get_absolute_url():
            raise ValidationError({"old_path": "This is the article's current address; it cannot redirect to itself."})

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


class PendingLink(models.Model):
    """A link an imported page names by title before that article exists.

    Kept until an import brings an article with that title, which then takes
    its place in the series or the related links (``articles.importing.apply``).
    """

    class Kind(models.TextChoices):
        PREVIOUS = "previous", "Previous in series"
        NEXT = "next", "Next in series"
        RELATED = "related", "Related article"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pending_links")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="The title the imported page names.")
    position = models.PositiveSmallIntegerField(default=0, help_text="For related links: the place in the list.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "kind", "position", "id"]
        verbose_name = "unresolved imported link"
        verbose_name_plural = "unresolved imported links"
        constraints = [
            models.UniqueConstraint(fields=["article", "kind", "title"], name="pending_link_unique"),
        ]

    def __str__(self):
        return f"{self.article}: {self.get_kind_display()} “{self.title}” (not imported yet)"


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
    changes, ``review_cycle.ensure_due_dates()`` sees that it differs from this row and works
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


class AutosavedDraft(models.Model):
    """A copy of one person's unsaved article form, kept every few seconds while they type.

    Offered back to that person when they open the article again (after a crash or a closed tab);
    never published and never applied by itself. ``base_version`` is the article's version the
    form was opened at, so a recovered copy saved over someone else's newer save meets the edit
    conflict check (``articles.conflicts``) instead of overwriting it. ``article`` is empty for
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
