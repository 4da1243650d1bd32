"""The medical review cycle: when each article is due, what changed since its sign-off, who is told.

Policy in one place:

- An article's review interval is its own override, else its series', else
  ``settings.REVIEW_INTERVAL_MONTHS``. It is due the latest review date plus that many
  months (the 31st plus one month is the last day of the next month). Never reviewed: due at once.
- Every review counts (full, "no change needed" or partial): the byline, "Page last reviewed"
  and the due date all use the latest one, so they always agree.
- "Changed since review": the title, summary, body or cited references differ from what the most
  recent review recorded (or an editor accepted as a typo fix): computed by comparing fingerprints
  (``articles.workflow.integrity``, docs/review-integrity.md), so no write path has a flag to forget.
  ``content_changed_at`` says when the content last changed; nothing but a new review moves
  "last reviewed".

The due date is worked out in Python (:func:`add_months`) and stored on the article
(``next_review_on``) whenever one of its inputs changes (:func:`refresh_due_dates`), so "due on
or before T" is an indexed date comparison on SQLite and PostgreSQL alike.
"""

import bisect
import collections
import datetime
import itertools
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from articles.reviews.dates import add_months
from articles.reviews.queries import CHANGED_SINCE_REVIEW, NEVER_REVIEWED, due_between, due_by

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
        """The group's condition on a ``queries.with_review_dates()`` queryset."""
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
        # (about half the time of hashing the wide covering index: docs/performance.md, "Measurements behind the code").
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


# Other rooms add to the review schedule page without this room importing them: each callable
# takes the page's rows (setting attributes on them if it likes) and returns extra template context.
# articles/feedback registers the readers' "helpful" column and its "Flagged by readers" list.
page_extensions = []
