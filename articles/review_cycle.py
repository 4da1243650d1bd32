"""The medical review cycle: when each article is due, what changed since its sign-off, who is told.

Policy in one place:

- An article's review interval is its own override, else its series', else
  ``settings.REVIEW_INTERVAL_MONTHS``. It is due the latest review date plus that many
  months (the 31st plus one month is the last day of the next month). Never reviewed: due at once.
- Every review counts (full, "no change needed" or partial): the byline, "Page last reviewed"
  and the due date all use the latest one, so they always agree.
- "Changed since review": the title, summary, body or cited references differ from what the most
  recent review recorded (or an editor accepted as a typo fix): computed by comparing fingerprints
  (``articles.integrity``, docs/review-integrity.md), so no write path has a flag to forget.
  ``content_changed_at`` says when the content last changed; nothing but a new review moves
  "last reviewed".

The due date is worked out in Python (:func:`add_months`) and stored on the article
(``next_review_on``) whenever one of its inputs changes (:func:`refresh_due_dates`), so "due on
or before T" is an indexed date comparison on SQLite and PostgreSQL alike.
"""

import bisect
import calendar
import collections
import datetime
import functools
import itertools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, ExpressionWrapper, F, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone

from . import integrity, workflow

EDITOR_GROUP = "Editor"


# --- Dates -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the end of the month (31 Jan + 1 = 28/29 Feb).

    Remembered: a due list of fifty thousand articles has a few thousand distinct review dates.
    """
    return date_in_month(month_index(day) + months, day.day)


def month_index(day):
    return day.year * 12 + day.month - 1


def date_in_month(index, day):
    """Day ``day`` of month ``index`` (see :func:`month_index`), clamped to the month's end."""
    year, month = divmod(index, 12)
    if year > datetime.MAXYEAR:
        return datetime.date.max
    month += 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def default_interval():
    return settings.REVIEW_INTERVAL_MONTHS


def interval_for(article):
    """The article's review interval in months: its own, else its series', else the site's."""
    if article.review_interval_months:
        return article.review_interval_months
    entry = getattr(article, "series_entry", None)
    if entry is not None and entry.series.review_interval_months:
        return entry.series.review_interval_months
    return default_interval()


# --- Queries -----------------------------------------------------------------------------------


class AsReturned:
    """Mixin for an expression whose value the database already returns as Python wants it: no
    Python step for each row (on fifty thousand due rows, that step cost a tenth of a second)."""

    @property
    def convert_value(self):
        return self._convert_value_noop


class LocalDate(AsReturned, TruncDate):
    """The local date of a time, as ``TruncDate`` (a date arrives as a date on PostgreSQL, and
    SQLite's text still goes through DateField's own converter)."""


class FirstInteger(AsReturned, Coalesce):
    """``Coalesce`` of whole numbers, which both databases return as ``int``."""


def annotate_interval(queryset):
    """Annotate each article with ``interval_months``: its own, else its series', else the site's."""
    return queryset.annotate(
        interval_months=FirstInteger(
            # A stray 0 (forms refuse it) means "not set", as in interval_for().
            NullIf("review_interval_months", Value(0)),
            NullIf("series_entry__series__review_interval_months", Value(0)),
            Value(default_interval()),
            output_field=models.IntegerField(),
        ),
    )


def annotate_review_dates(queryset):
    """Annotate each article with its review interval, for a queryset that filters or sorts on the
    stored due date ``next_review_on`` (made current first: see :func:`ensure_due_dates`).

    The dates come from columns kept in step with the article's reviews and intervals
    (``models.refresh_review_dates``, :func:`refresh_due_dates`): no review is read or grouped here.
    """
    ensure_due_dates()
    return annotate_interval(queryset)


def refresh_due_dates(article_ids=None):
    """Store ``next_review_on`` (the latest review plus the interval) for these articles
    (all when None; ids or a queryset of them). Writes only the dates that moved; returns how many.

    Runs after every change that can move a due date: a review saved or deleted
    (``refresh_review_dates``), an article's or a series' interval changed, an article put in or
    taken out of a series (receivers in ``models``), the site's default changed
    (:func:`ensure_due_dates`). Code that changes one of those with ``QuerySet.update()`` or
    ``bulk_create`` (no signals) calls it itself, as ``generate_content`` does.
    """
    from .models import Article

    articles = Article.objects.all() if article_ids is None else Article.objects.filter(pk__in=article_ids)
    rows = annotate_interval(articles).values_list("pk", "last_reviewed_on", "interval_months", "next_review_on")
    moved = collections.defaultdict(list)
    for pk, reviewed_on, interval, stored in rows.order_by().iterator(chunk_size=5000):
        due = add_months(reviewed_on, interval) if reviewed_on else None
        if due != stored:
            moved[due].append(pk)
    for due, pks in moved.items():
        for start in range(0, len(pks), 500):  # SQLite takes at most 999 parameters
            Article.objects.filter(pk__in=pks[start:start + 500]).update(next_review_on=due)
    return sum(len(pks) for pks in moved.values())


def ensure_due_dates():
    """Work every stored due date out again when ``settings.REVIEW_INTERVAL_MONTHS`` is not the
    default they were worked out with (``ReviewPolicy``). One primary-key read when it is."""
    from .models import ReviewPolicy

    default = default_interval()
    if ReviewPolicy.objects.filter(pk=1, default_interval_months=default).exists():
        return
    with transaction.atomic():
        # Locked: of two processes that see the change, the second waits and finds it done.
        policy = ReviewPolicy.objects.select_for_update().filter(pk=1).first()
        if policy is not None and policy.default_interval_months == default:
            return
        refresh_due_dates()
        ReviewPolicy.objects.update_or_create(pk=1, defaults={"default_interval_months": default})


def last_reviewed_by(queryset, reviewer):
    """Articles on an annotated queryset whose latest review is by ``reviewer`` (a tie on the day counts)."""
    from .models import MedicalReview

    theirs = MedicalReview.objects.filter(article=OuterRef("pk"), reviewer=reviewer, reviewed_on=OuterRef("last_reviewed_on"))
    return queryset.filter(Exists(theirs))


def due_by(day):
    """Q for "reviewed, and next review due on or before ``day``" (never reviewed: no stored date)."""
    return Q(next_review_on__lte=day)


NEVER_REVIEWED = Q(last_reviewed_on=None)
# The stored side of integrity.is_changed_since_review(): reviewed, and the content's fingerprint is
# not the one the review accepted.
CHANGED_SINCE_REVIEW = Q(last_signed_off_at__isnull=False) & ~Q(content_fingerprint=F("reviewed_fingerprint"))


def due_between(after, until):
    """Reviewed articles due after ``after`` and on or before ``until``."""
    return Q(next_review_on__gt=after, next_review_on__lte=until)


def due_within(days, today=None):
    """Q for the due list: never reviewed, overdue, or due within ``days`` days from today."""
    today = today or timezone.localdate()
    return NEVER_REVIEWED | due_by(today + datetime.timedelta(days=days))


# --- The schedule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One group of the staff review schedule."""

    slug: str
    label: str
    description: str
    # Whether every article in the group has a due date (see due_rows).
    dated: bool = False

    def q(self, today):
        """The group's condition on a ``with_review_dates()`` queryset."""
        day = datetime.timedelta(days=1)
        match self.slug:
            case "overdue":
                return due_by(today - day)
            case "due-30":
                return due_between(today - day, today + 30 * day)
            case "due-90":
                return due_between(today + 30 * day, today + 90 * day)
            case "changed":
                return CHANGED_SINCE_REVIEW
            case "never":
                return NEVER_REVIEWED
        return Q()


GROUPS = [
    Group("overdue", "Overdue", "The next review date has passed.", dated=True),
    Group("due-30", "Due within 30 days", "Due today or in the next 30 days.", dated=True),
    Group("due-90", "Due in 31–90 days", "Due after the next 30 days and within 90.", dated=True),
    Group("changed", "Changed since review", "Title, summary, body or cited references differ from what the latest review covered."),
    Group("never", "Never reviewed", "Published without a medical review: due at once."),
    Group("all", "All published", "Every article in the review cycle."),
]
GROUPS_BY_SLUG = {group.slug: group for group in GROUPS}


class DueCounts:
    """How many articles of a queryset fall due on each date: one query, grouped by the stored due
    date, so its size is bounded by the number of distinct due dates, not of articles.

    Every count of the schedule (its groups and the forecast) is read from these totals, which
    agree with the groups' filters (:meth:`Group.q`) by construction: the same stored due date.
    """

    def __init__(self, queryset):
        # Grouped by the due date alone, "changed since review" counted within each group, and
        # no COUNT(id): on PostgreSQL the narrow article_next_review_idx then has
        # every column, already in due-date order, so the groups stream out of one index-only scan
        # (25 ms for 88,000 published articles, against 50-65 ms hashing the wide covering index).
        rows = (
            queryset.values_list("next_review_on")
            # (Django allows no filter on COUNT(*); content_fingerprint is never NULL.)
            .annotate(n=Count("*"), changed=Count("content_fingerprint", filter=CHANGED_SINCE_REVIEW))
            .order_by()
        )
        self.total = self.never = self.changed = 0
        per_day = collections.Counter()
        for due, n, changed in rows:
            self.total += n
            self.changed += changed
            if due is None:
                self.never += n
            else:
                per_day[due] += n
        self._days = sorted(per_day)
        self._running = list(itertools.accumulate(per_day[d] for d in self._days))

    def due_by(self, day):
        """How many reviewed articles are due on or before ``day``."""
        i = bisect.bisect_right(self._days, day)
        return self._running[i - 1] if i else 0

    def between(self, after, until):
        """Reviewed articles due after ``after`` and on or before ``until``."""
        return self.due_by(until) - self.due_by(after)


def group_counts(counts, today):
    """[(group, how many articles are in it)] from :class:`DueCounts`."""
    day = datetime.timedelta(days=1)
    numbers = {
        "overdue": counts.due_by(today - day),
        "due-30": counts.between(today - day, today + 30 * day),
        "due-90": counts.between(today + 30 * day, today + 90 * day),
        "changed": counts.changed,
        "never": counts.never,
        "all": counts.total,
    }
    return [(group, numbers[group.slug]) for group in GROUPS]


def summary(queryset, today):
    """The group counts and the 12-month forecast together, from one grouped query."""
    counts = DueCounts(queryset)
    return group_counts(counts, today), forecast(counts, today)


@dataclass(frozen=True)
class Month:
    start: datetime.date
    count: int
    height: float = 0


@dataclass(frozen=True)
class Forecast:
    """Reviews due per month for the next 12 months, and the busiest week in that time."""

    months: list
    peak_week_start: datetime.date | None
    peak_week_count: int
    total: int

    @property
    def max_count(self):
        return max((m.count for m in self.months), default=0)


def _forecast_window(today, months=12):
    first = today.replace(day=1)
    last = add_months(first, months) - datetime.timedelta(days=1)
    yesterday = today - datetime.timedelta(days=1)
    month_ends = [add_months(first, i + 1) - datetime.timedelta(days=1) for i in range(months)]
    week_starts = []
    monday = today - datetime.timedelta(days=today.weekday())
    while monday <= last:
        week_starts.append(monday)
        monday += datetime.timedelta(days=7)
    return yesterday, last, month_ends, week_starts


def forecast(counts, today):
    """Due counts per month (this month and the next 11) and the peak week, from :class:`DueCounts`.

    The counts per month and per week are differences of running totals: the reviewed articles
    due on or before the end of each month and of each week in the window.
    """
    yesterday, last, month_ends, week_starts = _forecast_window(today)
    between = counts.between

    month_counts, previous = [], yesterday
    for end in month_ends:
        month_counts.append((end.replace(day=1), between(previous, end)))
        previous = end
    week_counts, previous = [], yesterday
    for start in week_starts:
        end = min(start + datetime.timedelta(days=6), last)
        week_counts.append((start, between(previous, end)))
        previous = end
    top = max((n for _, n in month_counts), default=0) or 1
    peak = max(week_counts, key=lambda item: (item[1], -item[0].toordinal()), default=(None, 0))
    return Forecast(
        months=[Month(start=start, count=n, height=round(100 * n / top, 1)) for start, n in month_counts],
        peak_week_start=peak[0] if peak[1] else None,
        peak_week_count=peak[1],
        total=sum(n for _, n in month_counts),
    )


def stale_reference_cutoff(today):
    return add_months(today, -12 * settings.REFERENCES_STALE_YEARS)


# --- Rows of the due list (schedule, CSV, the review_due command) --------------------------------


# The columns of a due-list row, in DueRow's order.
DUE_ROW_COLUMNS = (
    "pk", "title", "slug", "published_on", "referenced_on", "changed_on", "changed", "last_reviewed_on",
    "last_reviewer_id", "interval_months", "series_entry__series__title", "next_review_on",
)


def due_rows(queryset, *, dated=False):
    """Annotated articles as due-list rows (tuples of ``DUE_ROW_COLUMNS``): soonest due first (never
    reviewed first of all), with the series title.

    ``dated``: every article of ``queryset`` has a due date (a group of :attr:`Group.dated`), so
    PostgreSQL can read them in order from ``article_next_review_idx`` (its NULLs sort last, and
    asking for them first would make it sort every row instead).

    Plain values, not model instances, and dates rather than times where a date is all that is
    shown (reading a time with its zone costs far more): ``review_due`` prints fifty thousand rows
    in under a second. :func:`decorate` turns each tuple into a :class:`DueRow`.
    """
    return (
        queryset.annotate(
            published_on=LocalDate("publish_at"),
            changed_on=LocalDate("content_changed_at"),
            changed=ExpressionWrapper(CHANGED_SINCE_REVIEW, output_field=models.BooleanField()),
        )
        .order_by("next_review_on" if dated else F("next_review_on").asc(nulls_first=True), "title", "id")
        .values_list(*DUE_ROW_COLUMNS)
    )


def last_reminders(articles):
    """{article id: when its last reminder was sent} for a list of ids or a queryset of articles: one
    query over their reminders (a subquery for each due row cost more than all the rest of a row)."""
    from .models import ReviewReminder

    if not isinstance(articles, (list, tuple, set)):
        articles = articles.values("pk")
    reminders = ReviewReminder.objects.filter(article__in=articles).values("article_id").annotate(last=Max("sent_at"))
    return dict(reminders.values_list("article_id", "last").order_by())


@dataclass(slots=True)
class DueRow:
    """One article of the due list, with its display values worked out in Python (see :func:`decorate`)."""

    pk: int
    title: str
    slug: str
    published_on: datetime.date | None
    referenced_on: datetime.date | None
    # The day of the last substantive change, and whether it came after the latest sign-off.
    changed_on: datetime.date | None
    changed: bool | None
    last_reviewed_on: datetime.date | None
    last_reviewer_id: int | None
    interval_months: int
    series_title: str | None
    # The stored due date (None: never reviewed, due now).
    next_due: datetime.date | None
    last_reminder_at: datetime.datetime | None = None
    # The date reminders are keyed on; for a never-reviewed article, the day it was published.
    due_on: datetime.date | None = None
    days_overdue: int = 0
    reviewer: object = None
    helpful: object = None  # readers' "helpful" answers, set by the schedule (articles/feedback/stats.py)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("articles:detail", args=[self.slug])


def decorate(values, reviewers, today, reminders=None):
    """A :class:`DueRow` from one tuple of :func:`due_rows`, with ``next_due``, ``due_on``,
    ``days_overdue``, ``reviewer`` (``reviewers`` maps ids to reviewers) and ``last_reminder_at``
    (``reminders``, from :func:`last_reminders`)."""
    row = DueRow(*values)
    row.changed = bool(row.changed)
    row.due_on = row.next_due
    if row.next_due is None:
        row.due_on = min(row.published_on, today) if row.published_on else today
    row.days_overdue = max(0, (today - row.due_on).days)
    row.reviewer = reviewers.get(row.last_reviewer_id)
    if reminders:
        row.last_reminder_at = reminders.get(row.pk)
    return row


ROW_FIELDS = [
    "title", "admin_url", "public_url", "reviewer", "series", "interval_months", "last_reviewed",
    "next_review_due", "days_overdue", "changed_since_review", "referenced_on", "last_reminder_sent",
]


class RowUrls:
    """The admin and public URL of a row (format strings), reversed once per export rather than twice per row."""

    def __init__(self, site_url=""):
        from .addresses import pattern

        self.admin = site_url + pattern("admin:articles_article_change")
        self.public = site_url + pattern("articles:detail")


def row_values(article, urls):
    """A DueRow's values in ``ROW_FIELDS`` order, as text (CSV, JSON, table); ``urls`` a RowUrls."""
    return [
        article.title,
        urls.admin.format(article.pk),
        urls.public.format(article.slug),
        article.reviewer.name if article.reviewer else "",
        article.series_title or "",
        article.interval_months,
        article.last_reviewed_on.isoformat() if article.last_reviewed_on else "never",
        article.next_due.isoformat() if article.next_due else "now",
        article.days_overdue,
        "yes" if article.changed else "no",
        article.referenced_on.isoformat() if article.referenced_on else "",
        timezone.localtime(article.last_reminder_at).isoformat(timespec="minutes") if article.last_reminder_at else "",
    ]


# What people typed (a spreadsheet could run it as a formula); the rest are URLs, dates and numbers.
TYPED_FIELDS = tuple(ROW_FIELDS.index(name) for name in ("title", "reviewer", "series"))


def csv_values(article, urls):
    """``row_values`` for a CSV file, with typed text neutralised (see ``exports.neutralise``)."""
    from .exports import neutralise  # exports reads the review dates from this module

    values = row_values(article, urls)
    for i in TYPED_FIELDS:
        values[i] = neutralise(values[i])
    return values


# --- Public display ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDates:
    """What readers are told about an article's review, from its prefetched reviews."""

    last_reviewed_on: datetime.date | None
    next_review_due: datetime.date | None
    interval_months: int
    changed_since_review: bool
    last_updated_on: datetime.date | None

    @property
    def date_modified(self):
        """For JSON-LD ``dateModified`` and sitemaps: the later of the last review and a later content change."""
        return self.last_updated_on or self.last_reviewed_on


def last_modified(article):
    """When readers and machines are told the page last changed: the later of its content's last
    change (``content_changed_at``) and its latest medical review; the review's date when that is
    the later day. One rule for the page's meta tag, its JSON-LD ``dateModified``, the feed's
    ``updated`` and the sitemap's ``lastmod`` (``ArticleSitemap.get_urls``, on plain values)."""
    changed_at = article.content_changed_at or article.updated_at
    reviewed_on = article.last_reviewed_on
    if changed_at is None or (reviewed_on is not None and reviewed_on > timezone.localdate(changed_at)):
        return reviewed_on
    return changed_at


def review_dates(article, content=None):
    """The review dates of one article, using ``article.reviews.all()`` (prefetched on the page).

    "Changed since review" is computed from the content in hand (``integrity``): the page's own
    title, body and citations, or ``content`` (``integrity.stored_contents``) where the citations
    are not loaded.
    """
    reviews = list(article.reviews.all())
    if not reviews:
        return ReviewDates(None, None, interval_for(article), False, None)
    latest = max(reviews, key=lambda r: (r.reviewed_on, r.created_at, r.pk))
    return _dates(article, latest.reviewed_on, integrity.is_changed_since_review(article, content))


def stored_review_dates(article):
    """:func:`review_dates` from what the article row keeps (its latest review date, kept by
    ``refresh_review_dates``, and its stored fingerprints): no query, for the article's staff page."""
    if article.last_reviewed_on is None:
        return ReviewDates(None, None, interval_for(article), False, None)
    return _dates(article, article.last_reviewed_on, integrity.is_changed_as_stored(article))


def _dates(article, reviewed_on, changed):
    interval = interval_for(article)
    return ReviewDates(
        last_reviewed_on=reviewed_on,
        next_review_due=add_months(reviewed_on, interval),
        interval_months=interval,
        changed_since_review=changed,
        last_updated_on=timezone.localdate(article.content_changed_at or article.updated_at) if changed else None,
    )


# --- Who may do what ---------------------------------------------------------------------------


def is_editor(user):
    """Editors are superusers and members of the "Editor" group."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # Asked many times while one page is drawn (the article form: eight); the answer is kept on
    # this copy of the user, as Django keeps its permission cache.
    if not hasattr(user, "_is_editor_cache"):
        user._is_editor_cache = user.groups.filter(name=EDITOR_GROUP).exists()
    return user._is_editor_cache


def reviewer_for(user):
    """The active reviewer profile of a staff account, or None."""
    from .models import Reviewer

    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return None
    return Reviewer.objects.filter(user=user, is_active=True).first()


# --- Services (writes) -------------------------------------------------------------------------


def record_review(article, *, reviewer, by=None, reviewed_on=None, scope=None, sections="", notes="",
                  conflict_of_interest="None declared"):
    """Record a medical review and its audit entry; validates like the admin does."""
    from .models import MedicalReview

    review = MedicalReview(
        article=article,
        reviewer=reviewer,
        reviewed_on=reviewed_on or timezone.localdate(),
        scope=scope or MedicalReview.Scope.FULL,
        sections=sections,
        notes=notes,
        conflict_of_interest=conflict_of_interest or "None declared",
    )
    review.full_clean()
    with transaction.atomic():
        review.save()
        log_review(review, by=by)
    return review


def log_review(review, *, by=None):
    """The audit entry for a review saved elsewhere (e.g. the admin inline)."""
    from .models import ArticleEvent

    return ArticleEvent.objects.create(
        article_id=review.article_id,
        actor=by,
        kind=ArticleEvent.Kind.REVIEW,
        comment=f"{review.get_scope_display()} by {review.reviewer} on {review.reviewed_on:%d %B %Y}",
    )


CONFIRM_WITHIN_DAYS = 30  # a reviewer may confirm an article this many days before it is due


def confirmable(user, today=None):
    """Articles the user, as a reviewer, may confirm "reviewed, no change needed" in one action.

    Their own articles (they signed off the latest review) that are overdue, due within 30
    days or changed since review, never one they wrote (``workflow.check_may_review``). A
    never-reviewed article needs a full review instead.
    """
    from .models import Article

    reviewer = reviewer_for(user)
    if reviewer is None:
        return Article.objects.none()
    today = today or timezone.localdate()
    mine = last_reviewed_by(Article.objects.in_review_cycle().with_review_dates(), reviewer).exclude(author=user)
    return mine.filter(due_by(today + datetime.timedelta(days=CONFIRM_WITHIN_DAYS)) | CHANGED_SINCE_REVIEW)


def confirm_no_change(article_id, *, user, notes=""):
    """One click from the reviewer's list: a "reviewed, no change needed" review dated today."""
    from .models import Article, MedicalReview

    reviewer = reviewer_for(user)
    if reviewer is None:
        raise PermissionDenied("Only an active medical reviewer can confirm a review.")
    with transaction.atomic():
        # Lock the row so a double click cannot record two reviews.
        locked = Article.objects.select_for_update().filter(pk=article_id).first()
        if locked is not None:
            workflow.check_may_review(user, locked)
        if locked is None or not confirmable(user).filter(pk=article_id).exists():
            raise ValidationError("This article is not due for your review.")
        return record_review(
            locked, reviewer=reviewer, by=user, scope=MedicalReview.Scope.NO_CHANGE, notes=notes.strip()[:2000]
        )


def record_content_change(article, *, by, changed, typo_fix=False, was_changed=None):
    """Write the audit entry for an edit of ``changed`` (field names, "citations"), already saved.

    "Changed since review" follows from the content itself (``articles.integrity``); nothing to
    set here. An editor may call the edit a typo fix: the content as saved is then accepted as
    covered by the latest review, and the audit trail says who decided so. ``was_changed``: the
    article already differed from its review before this edit (that earlier change still shows).
    """
    from .models import Article, ArticleEvent

    changed = list(changed)
    if not changed:
        return None
    if typo_fix and not is_editor(by):
        raise PermissionDenied("Only editors can mark a change as a typo fix.")
    listed = ", ".join(changed)
    with transaction.atomic():
        if typo_fix:
            if not was_changed:
                integrity.refresh([article.pk])
                Article.objects.filter(pk=article.pk, last_signed_off_at__isnull=False).update(
                    reviewed_fingerprint=F("content_fingerprint"))
                article.refresh_from_db(fields=["content_fingerprint", "reviewed_fingerprint", "content_changed_at"])
            return ArticleEvent.objects.create(
                article=article, actor=by, kind=ArticleEvent.Kind.TYPO_FIX,
                comment=f"Changed {listed}; marked as a typo fix, not a substantive change.",
            )
        article.refresh_from_db(fields=["content_fingerprint", "reviewed_fingerprint", "content_changed_at"])
        if article.status == Article.Status.PUBLISHED:
            return ArticleEvent.objects.create(
                article=article, actor=by, kind=ArticleEvent.Kind.EDIT, comment=f"Changed {listed}."
            )
    return None


def waive_change(article, *, by):
    """After the fact, an editor calls the change since review a typo fix: the flag clears.

    The content as it is now is accepted as covered by the latest review
    (``integrity.waive``), and a TYPO_FIX event keeps the decision and the date of the change it
    waived. Returns False when the article was not flagged.
    """
    if not is_editor(by):
        raise PermissionDenied("Only editors can mark a change as a typo fix.")
    changed_at = article.content_changed_at or article.updated_at
    return integrity.waive(
        article, by=by,
        comment=f"The change of {timezone.localtime(changed_at):%d %B %Y %H:%M} was marked a typo fix "
                "after the fact, not a substantive change.",
    )
