"""The review cycle's queries: annotated intervals and review dates, stored due dates, what is due."""

import collections
import datetime

from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone

from articles.models import Article, MedicalReview, ReviewPolicy
from articles.reviews.dates import add_months, default_interval

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
    (``integrity.refresh_review_dates``, :func:`refresh_due_dates`): no review is read or grouped here.
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
