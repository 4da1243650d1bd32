"""The medical review cycle: when each article is due, what changed since its sign-off, who is told.

Policy in one place:

- An article's review interval is its own override, else its series', else
  ``settings.REVIEW_INTERVAL_MONTHS``. It is due the latest review date plus that many
  months (the 31st plus one month is the last day of the next month). Never reviewed: due at once.
- Every review counts (full, "no change needed" or partial): the byline, "Page last reviewed"
  and the due date all use the latest one, so they always agree.
- "Changed since review": the title, body or citations changed (``content_changed_at``) after the
  most recent review was recorded (a review entered after an edit signs that edit off). Only :func:`record_content_change` moves ``content_changed_at``;
  nothing but a new review moves "last reviewed".

The date arithmetic runs in SQL on SQLite and PostgreSQL alike without database date functions:
the due date's month is ``year * 12 + month - 1 + interval`` and its day is the review's day,
clamped to the month's end. "Due on or before T" is then a comparison of whole numbers, with
T's month and day worked out in Python (see :func:`due_by`).
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear, NullIf
from django.utils import timezone

EDITOR_GROUP = "Editor"


# --- Dates -------------------------------------------------------------------------------------


def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the end of the month (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_index(day):
    return day.year * 12 + day.month - 1


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


def annotate_review_dates(queryset):
    """Annotate each article with its review interval and due month/day, in SQL (no query per row).

    ``interval_months``, ``due_month`` (year * 12 + month - 1 of the due date) and ``due_day``
    (the review's day of month; the real due day is this clamped to the month's end), computed
    from the article's ``last_reviewed_on`` and ``last_signed_off_at``: columns kept in step with
    its reviews (``models.refresh_review_dates``), so no review is read or grouped here.
    """
    return queryset.annotate(
        # Max() of the one value an article has: an aggregate, so that aggregate() over this
        # queryset (the schedule's sixty-odd counts) runs over a subquery that works out each due
        # date once, instead of repeating the date arithmetic inside every count.
        interval_months=Max(
            Coalesce(
                # A stray 0 (forms refuse it) means "not set", as in interval_for().
                NullIf("review_interval_months", Value(0)),
                NullIf("series_entry__series__review_interval_months", Value(0)),
                Value(default_interval()),
                output_field=models.IntegerField(),
            )
        ),
    ).annotate(
        # Cast: PostgreSQL's EXTRACT gives numeric, and whole-number arithmetic is much faster.
        due_month=Cast(ExtractYear("last_reviewed_on"), models.IntegerField()) * 12
        + Cast(ExtractMonth("last_reviewed_on"), models.IntegerField()) - 1 + F("interval_months"),
        due_day=Cast(ExtractDay("last_reviewed_on"), models.IntegerField()),
    )


def last_reviewed_by(queryset, reviewer):
    """Articles on an annotated queryset whose latest review is by ``reviewer`` (a tie on the day counts)."""
    from .models import MedicalReview

    theirs = MedicalReview.objects.filter(article=OuterRef("pk"), reviewer=reviewer, reviewed_on=OuterRef("last_reviewed_on"))
    return queryset.filter(Exists(theirs))


def latest_reviewer_ids(articles):
    """{article id: reviewer id of its latest review} for a list of ids or a queryset of articles: one query."""
    from .models import MedicalReview

    if not isinstance(articles, (list, tuple, set)):
        articles = articles.values("pk")
    reviews = (
        MedicalReview.objects.filter(article__in=articles)
        .order_by("article_id", "reviewed_on", "created_at", "id")
        .values_list("article_id", "reviewer_id")
    )
    return dict(reviews.iterator(chunk_size=5000))  # the latest review of each article comes last and wins


def due_by(day):
    """Q for "reviewed, and next review due on or before ``day``" on an annotated queryset."""
    index = month_index(day)
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        # Any due day in this month, clamped, is on or before its last day.
        return Q(due_month__lte=index)
    return Q(due_month__lt=index) | Q(due_month=index, due_day__lte=day.day)


NEVER_REVIEWED = Q(last_reviewed_on=None)
CHANGED_SINCE_REVIEW = Q(content_changed_at__gt=F("last_signed_off_at"))


def reviewed_due_by(day):
    return ~NEVER_REVIEWED & due_by(day)


def reviewed_due_between(after, until):
    """Reviewed articles due after ``after`` and on or before ``until``."""
    return ~NEVER_REVIEWED & due_by(until) & ~due_by(after)


def due_within(days, today=None):
    """Q for the due list: never reviewed, overdue, or due within ``days`` days from today."""
    today = today or timezone.localdate()
    return NEVER_REVIEWED | due_by(today + datetime.timedelta(days=days))


def next_due(article):
    """The due date of an annotated article; None when never reviewed (due at once)."""
    if article.last_reviewed_on is None:
        return None
    return add_months(article.last_reviewed_on, article.interval_months)


# --- The schedule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One group of the staff review schedule."""

    slug: str
    label: str
    description: str

    def q(self, today):
        """The group's condition on a ``with_review_dates()`` queryset."""
        day = datetime.timedelta(days=1)
        match self.slug:
            case "overdue":
                return reviewed_due_by(today - day)
            case "due-30":
                return reviewed_due_between(today - day, today + 30 * day)
            case "due-90":
                return reviewed_due_between(today + 30 * day, today + 90 * day)
            case "changed":
                return CHANGED_SINCE_REVIEW
            case "never":
                return NEVER_REVIEWED
        return Q()


GROUPS = [
    Group("overdue", "Overdue", "The next review date has passed."),
    Group("due-30", "Due within 30 days", "Due today or in the next 30 days."),
    Group("due-90", "Due in 31–90 days", "Due after the next 30 days and within 90."),
    Group("changed", "Changed since review", "Title, body or citations changed after the latest sign-off."),
    Group("never", "Never reviewed", "Published without a medical review: due at once."),
    Group("all", "All published", "Every article in the review cycle."),
]
GROUPS_BY_SLUG = {group.slug: group for group in GROUPS}


def _group_aggregates(today):
    return {f"group_{g.slug}": Count("pk", filter=g.q(today)) for g in GROUPS if g.slug != "all"} | {
        "group_all": Count("pk")
    }


def group_counts(queryset, today, totals=None):
    """[(group, how many articles are in it)]: one query, or none given ``totals`` from :func:`summary`."""
    totals = totals if totals is not None else queryset.aggregate(**_group_aggregates(today))
    return [(group, totals[f"group_{group.slug}"]) for group in GROUPS]


def summary(queryset, today):
    """The group counts and the 12-month forecast together, in a single pass over the articles."""
    totals = queryset.aggregate(**_group_aggregates(today), **_forecast_aggregates(today))
    return group_counts(queryset, today, totals), forecast(queryset, today, totals=totals)


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
    boundaries = sorted({yesterday, *month_ends, *(min(w + datetime.timedelta(days=6), last) for w in week_starts)})
    return yesterday, last, month_ends, week_starts, boundaries


def _forecast_aggregates(today):
    *_, boundaries = _forecast_window(today)
    return {f"by_{d:%Y%m%d}": Count("pk", filter=reviewed_due_by(d)) for d in boundaries}


def forecast(queryset, today, totals=None):
    """Due counts per month (this month and the next 11) and the peak week, in one query.

    The query counts, for each boundary (the end of each month and of each week in the window),
    the reviewed articles due on or before it; the differences of these running totals are
    the counts per month and per week. The cost does not depend on how many articles there are.
    """
    yesterday, last, month_ends, week_starts, boundaries = _forecast_window(today)
    totals = totals if totals is not None else queryset.aggregate(**_forecast_aggregates(today))
    upto = {d: totals[f"by_{d:%Y%m%d}"] for d in boundaries}

    def between(after, until):
        return upto[until] - upto[after]

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


def due_rows(queryset):
    """Annotated articles as due-list rows: soonest due first (never reviewed first of all), with the
    series and the time of the last reminder, loading none of the body."""
    from .models import ReviewReminder

    last_reminder = ReviewReminder.objects.filter(article=OuterRef("pk")).order_by("-sent_at").values("sent_at")[:1]
    return (
        queryset.select_related("series_entry__series")
        .only("id", "title", "slug", "status", "publish_at", "referenced_on", "content_changed_at",
              "last_reviewed_on", "last_signed_off_at", "review_interval_months", "series_entry__label", "series_entry__series__title",
              "series_entry__series__review_interval_months")
        .annotate(last_reminder_at=Subquery(last_reminder))
        .order_by(F("due_month").asc(nulls_first=True), "due_day", "title", "id")
    )


def decorate(article, reviewers, today, latest):
    """Display values of one due-list row, worked out in Python from its annotations.

    ``next_due`` (None: never reviewed, due now), ``due_on`` (the date reminders are keyed on;
    for a never-reviewed article, the day it was published), ``days_overdue``, ``reviewer``
    (``latest`` maps article ids to reviewer ids, ``reviewers`` ids to reviewers) and ``changed``.
    """
    article.next_due = next_due(article)
    published_on = timezone.localdate(article.publish_at) if article.publish_at else today
    article.due_on = article.next_due or min(published_on, today)
    article.days_overdue = max(0, (today - article.due_on).days)
    article.reviewer = reviewers.get(latest.get(article.pk))
    article.changed = bool(
        article.content_changed_at and article.last_signed_off_at and article.content_changed_at > article.last_signed_off_at
    )
    return article


ROW_FIELDS = [
    "title", "admin_url", "public_url", "reviewer", "series", "interval_months", "last_reviewed",
    "next_review_due", "days_overdue", "changed_since_review", "referenced_on", "last_reminder_sent",
]


class RowUrls:
    """The admin and public URL of a row, reversed once per export rather than twice per row."""

    MARKER = "0000000000"

    def __init__(self, site_url=""):
        from django.urls import reverse

        self.admin = site_url + reverse("admin:articles_article_change", args=[self.MARKER]).replace(self.MARKER, "{}")
        self.public = site_url + reverse("articles:detail", args=[self.MARKER]).replace(self.MARKER, "{}")


def row_values(article, urls):
    """A decorated row's values in ``ROW_FIELDS`` order, as text (CSV, JSON, table); ``urls`` a RowUrls."""
    entry = getattr(article, "series_entry", None)
    return [
        article.title,
        urls.admin.format(article.pk),
        urls.public.format(article.slug),
        article.reviewer.name if article.reviewer else "",
        entry.series.title if entry else "",
        article.interval_months,
        article.last_reviewed_on.isoformat() if article.last_reviewed_on else "never",
        article.next_due.isoformat() if article.next_due else "now",
        article.days_overdue,
        "yes" if article.changed else "no",
        article.referenced_on.isoformat() if article.referenced_on else "",
        timezone.localtime(article.last_reminder_at).isoformat(timespec="minutes") if article.last_reminder_at else "",
    ]


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


def review_dates(article):
    """The review dates of one article, using ``article.reviews.all()`` (prefetched on the page)."""
    reviews = list(article.reviews.all())
    interval = interval_for(article)
    if not reviews:
        return ReviewDates(None, None, interval, False, None)
    latest = max(reviews, key=lambda r: (r.reviewed_on, r.created_at, r.pk))
    signed_off_at = max(r.created_at for r in reviews)
    changed = bool(article.content_changed_at and article.content_changed_at > signed_off_at)
    return ReviewDates(
        last_reviewed_on=latest.reviewed_on,
        next_review_due=add_months(latest.reviewed_on, interval),
        interval_months=interval,
        changed_since_review=changed,
        last_updated_on=timezone.localdate(article.content_changed_at) if changed else None,
    )


# --- Who may do what ---------------------------------------------------------------------------


def is_editor(user):
    """Editors are superusers and members of the "Editor" group."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=EDITOR_GROUP).exists()


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


def confirmable(user, today=None):
    """Articles the user, as a reviewer, may confirm "reviewed, no change needed" in one action.

    Their own articles (they signed off the latest review) that are overdue, due within 30
    days or changed since review. A never-reviewed article needs a full review instead.
    """
    from .models import Article

    reviewer = reviewer_for(user)
    if reviewer is None:
        return Article.objects.none()
    today = today or timezone.localdate()
    mine = last_reviewed_by(Article.objects.in_review_cycle().with_review_dates(), reviewer)
    return mine.filter(reviewed_due_by(today + datetime.timedelta(days=30)) | CHANGED_SINCE_REVIEW)


def confirm_no_change(article_id, *, user, notes=""):
    """One click from the reviewer's list: a "reviewed, no change needed" review dated today."""
    from .models import Article, MedicalReview

    reviewer = reviewer_for(user)
    if reviewer is None:
        raise PermissionDenied("Only an active medical reviewer can confirm a review.")
    with transaction.atomic():
        # Lock the row so a double click cannot record two reviews.
        locked = Article.objects.select_for_update().filter(pk=article_id).first()
        if locked is None or not confirmable(user).filter(pk=article_id).exists():
            raise ValidationError("This article is not due for your review.")
        return record_review(
            locked, reviewer=reviewer, by=user, scope=MedicalReview.Scope.NO_CHANGE, notes=notes.strip()[:2000]
        )


SUBSTANTIVE_FIELDS = ("title", "body")


def record_content_change(article, *, by, changed, typo_fix=False, at=None):
    """Note that ``changed`` (field names, "citations") of ``article`` were edited.

    A substantive change moves ``content_changed_at``, which flags a reviewed article as
    "changed since review"; the review date is never touched. An editor may instead mark the
    change a typo fix: nothing moves, and the audit trail says who decided so.
    """
    from .models import Article, ArticleEvent

    changed = list(changed)
    if not changed:
        return None
    if typo_fix and not is_editor(by):
        raise PermissionDenied("Only editors can mark a change as a typo fix.")
    at = at or timezone.now()
    listed = ", ".join(changed)
    with transaction.atomic():
        if typo_fix:
            return ArticleEvent.objects.create(
                article=article, actor=by, kind=ArticleEvent.Kind.TYPO_FIX,
                comment=f"Changed {listed}; marked as a typo fix, not a substantive change.",
            )
        Article.objects.filter(pk=article.pk).update(content_changed_at=at)
        article.content_changed_at = at
        if article.status == Article.Status.PUBLISHED:
            return ArticleEvent.objects.create(
                article=article, actor=by, kind=ArticleEvent.Kind.EDIT, comment=f"Changed {listed}."
            )
    return None


def waive_change(article, *, by):
    """After the fact, an editor calls the change since review a typo fix: the flag clears.

    ``content_changed_at`` goes back to the moment of the latest review record (the last
    substantive change is no later than that), and a TYPO_FIX event keeps the decision and the
    date of the change it waived. Returns False when the article was not flagged.
    """
    from .models import Article, ArticleEvent, MedicalReview

    if not is_editor(by):
        raise PermissionDenied("Only editors can mark a change as a typo fix.")
    with transaction.atomic():
        changed_at = Article.objects.select_for_update().filter(pk=article.pk).values_list("content_changed_at", flat=True).first()
        signed_off_at = MedicalReview.objects.filter(article=article).aggregate(at=Max("created_at"))["at"]
        if not changed_at or not signed_off_at or changed_at <= signed_off_at:
            return False
        Article.objects.filter(pk=article.pk).update(content_changed_at=signed_off_at)
        ArticleEvent.objects.create(
            article=article, actor=by, kind=ArticleEvent.Kind.TYPO_FIX,
            comment=f"The change of {timezone.localtime(changed_at):%d %B %Y %H:%M} was marked a typo fix "
                    "after the fact, not a substantive change.",
        )
    return True
