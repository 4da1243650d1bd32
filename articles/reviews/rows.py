"""Rows of the due list, shared by the schedule, the CSV download and the review_due command."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import ExpressionWrapper, F, Max
from django.utils import timezone

from articles.content.addresses import pattern
from articles.models import ReviewReminder
from articles.reviews.exports import neutralise
from articles.reviews.queries import CHANGED_SINCE_REVIEW, LocalDate

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
    values = row_values(article, urls)
    for i in TYPED_FIELDS:
        values[i] = neutralise(values[i])
    return values


