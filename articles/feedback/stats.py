"""Reads over feedback: "helpful" per article over 90 days, articles flagged by readers, triage times."""

import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from articles.models import Article

from .models import STATS_DAYS, Feedback


@dataclass(frozen=True)
class Helpful:
    """Answers to "Was this page helpful?" over the last 90 days, and whether they flag the article."""

    answers: int
    yes: int

    @property
    def percent(self):
        return round(100 * self.yes / self.answers) if self.answers else None

    @property
    def flagged(self):
        """Below ``FEEDBACK_HELPFUL_THRESHOLD`` % with at least ``FEEDBACK_HELPFUL_MIN_ANSWERS`` answers."""
        return (
            self.answers >= settings.FEEDBACK_HELPFUL_MIN_ANSWERS
            and 100 * self.yes < settings.FEEDBACK_HELPFUL_THRESHOLD * self.answers
        )

    def __str__(self):
        if not self.answers:
            return "no answers"
        return f"{self.percent}% of {self.answers}"


NONE = Helpful(0, 0)


def _votes(now=None):
    return Feedback.objects.recent(now=now).filter(helpful__isnull=False).values("article_id").annotate(
        answers=Count("pk"), yes=Count("pk", filter=Q(helpful=True))
    )


def helpful_for(article_ids, now=None):
    """``{article id: Helpful}`` for these articles (one query); articles without answers are left out."""
    ids = list(article_ids)
    if not ids:
        return {}
    return {row["article_id"]: Helpful(row["answers"], row["yes"]) for row in _votes(now).filter(article_id__in=ids)}


def flagged(now=None, limit=50):
    """Articles readers found unhelpful, worst first: ``[(article id, Helpful)]`` (one query)."""
    minimum, threshold = settings.FEEDBACK_HELPFUL_MIN_ANSWERS, settings.FEEDBACK_HELPFUL_THRESHOLD
    rows = _votes(now).filter(answers__gte=max(minimum, 1))
    found = [(row["article_id"], Helpful(row["answers"], row["yes"])) for row in rows]
    found = [(pk, helpful) for pk, helpful in found if 100 * helpful.yes < threshold * helpful.answers]
    return sorted(found, key=lambda item: (item[1].yes / item[1].answers, -item[1].answers))[:limit]


@dataclass(frozen=True)
class TriageTimes:
    """Median time from report to triage and to action over the reports of the last 90 days."""

    to_triage: object  # a timedelta, or None without any triaged report
    to_action: object
    triaged: int
    actioned: int
    reports: int


def triage_times(now=None, days=STATS_DAYS):
    """:class:`TriageTimes` for reports sent in the last ``days`` days (one query)."""
    rows = list(Feedback.objects.reports().recent(days, now).values_list("created_at", "triaged_at", "actioned_at"))
    to_triage = [t - c for c, t, _a in rows if t is not None]
    to_action = [a - c for c, _t, a in rows if a is not None]
    return TriageTimes(
        to_triage=statistics.median(to_triage) if to_triage else None,
        to_action=statistics.median(to_action) if to_action else None,
        triaged=len(to_triage), actioned=len(to_action), reports=len(rows),
    )


def duration(delta):
    """A median for people: "3 hours", "2 days"; "–" for none."""
    if delta is None:
        return "–"
    seconds = delta.total_seconds()
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 2 * 86400:
        hours = round(seconds / 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400)
    return f"{days} days"


def add_helpful(rows, now=None):
    """Set ``helpful`` (a :class:`Helpful`) on each of ``rows`` (objects with ``pk``): the review schedule's column."""
    found = helpful_for((row.pk for row in rows), now)
    for row in rows:
        row.helpful = found.get(row.pk, NONE)
    return rows


def flagged_articles(now=None, limit=20):
    """``[(article, Helpful)]`` for :func:`flagged`, with the articles' titles (two queries)."""
    found = flagged(now, limit)
    titles = Article.objects.in_bulk([pk for pk, _ in found], field_name="pk")
    return [(titles[pk], helpful) for pk, helpful in found if pk in titles]


def schedule_extension(rows):
    """The review schedule's share (registered in ``FeedbackConfig.ready``): a "helpful" column on
    the page's rows, and the articles flagged by readers."""
    add_helpful(rows)
    return {
        "reader_flags": flagged_articles(),
        "helpful_threshold": settings.FEEDBACK_HELPFUL_THRESHOLD,
        "helpful_min_answers": settings.FEEDBACK_HELPFUL_MIN_ANSWERS,
    }
