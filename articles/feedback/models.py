"""One row per answer a reader sends: a "helpful?" vote, a problem report, or a vote with a report.

Nothing here identifies the reader: no IP address, no cookie, no account. The text is redacted
before it is saved (``redaction``), by the service that writes rows (``services``).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article, ArticleEvent

TEXT_MAX_LENGTH = 1000
SECTION_MAX_LENGTH = 200
STATS_DAYS = 90


class FeedbackQuerySet(models.QuerySet):
    def reports(self):
        """Rows a reader wrote something in (a reason, a section or text): the triage inbox."""
        return self.filter(is_report=True)

    def recent(self, days=STATS_DAYS, now=None):
        """Sent within the last ``days`` days."""
        return self.filter(created_at__gte=(now or timezone.now()) - datetime.timedelta(days=days))

    def for_inbox(self):
        """Reports grouped by article (the article with the newest report first), newest first in each."""
        latest = models.Subquery(
            Feedback.objects.reports().filter(article=models.OuterRef("article")).order_by("-created_at").values("created_at")[:1]
        )
        return (
            self.reports()
            .select_related("article", "assignee", "article__last_reviewer")
            .annotate(article_latest=latest)
            .order_by("-article_latest", "article_id", "-created_at", "-id")
        )

    def group_counts(self, article_ids):
        """{article id: (reports, new reports)} for ``article_ids``: the inbox's group headings, one query."""
        rows = (
            self.filter(article_id__in=article_ids).order_by().values("article_id")
            .annotate(total=models.Count("id"), new=models.Count("id", filter=models.Q(state=Feedback.State.NEW)))
        )
        return {row["article_id"]: (row["total"], row["new"]) for row in rows}

    def vote_counts(self):
        """``answers`` and ``helpful_answers`` over these rows (votes only; a report without a vote is not counted)."""
        return self.aggregate(
            answers=Count("pk", filter=Q(helpful__isnull=False)), helpful_answers=Count("pk", filter=Q(helpful=True))
        )


class Feedback(models.Model):
    """A reader's answer about one article."""

    class Reason(models.TextChoices):
        MEDICAL = "medical", "The medical information seems wrong or out of date"
        BROKEN_LINK = "broken_link", "A link is broken"
        HARD_TO_UNDERSTAND = "hard_to_understand", "It is hard to understand"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        ACTIONED = "actioned", "Actioned"
        CLOSED = "closed", "Closed as not actionable"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    helpful = models.BooleanField(null=True, blank=True, help_text="The reader's answer to “Was this page helpful?”, if any.")
    is_report = models.BooleanField(
        "report", default=False, editable=False, help_text="The reader wrote something: a reason, a section or text."
    )
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    section = models.CharField(max_length=SECTION_MAX_LENGTH, blank=True, help_text="The heading of the section the reader chose.")
    text = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH,
        help_text="What the reader wrote, with e-mail addresses, phone numbers and ID numbers removed before saving.",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    notes = models.TextField("internal notes", blank=True, help_text="For the team only; never shown to readers.")
    triaged_at = models.DateTimeField(null=True, blank=True, editable=False)
    actioned_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    revision = models.ForeignKey(
        "articles.HistoricalArticle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The revision of the article that answered this report.",
    )
    correction = models.ForeignKey(
        ArticleEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        limit_choices_to={"kind": ArticleEvent.Kind.CORRECTION},
        help_text="The public correction that answered this report.",
    )
    notified_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the article's reviewer and the editors were told of this medical-information report.",
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "reader report"
        verbose_name_plural = "reader reports"
        indexes = [
            models.Index(fields=["article", "-created_at"], name="feedback_article_time_idx"),
            models.Index(fields=["is_report", "state", "-created_at"], name="feedback_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_report=True) | Q(helpful__isnull=False), name="feedback_vote_or_report"
            ),
            models.CheckConstraint(condition=Q(reason="") | Q(reason__in=["medical", "broken_link", "hard_to_understand", "other"]), name="feedback_known_reason"),
            models.CheckConstraint(condition=Q(state__in=["new", "triaged", "actioned", "closed"]), name="feedback_known_state"),
        ]

    def __str__(self):
        what = self.get_reason_display() if self.reason else ("Report" if self.is_report else "Vote")
        return f"{self.article}: {what}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    @property
    def is_medical(self):
        return self.reason == self.Reason.MEDICAL


def public_corrections():
    """Announced corrections of published articles, newest first: /corrections/ and its feed."""
    return (
        ArticleEvent.objects.announced_corrections()
        .filter(article__in=Article.objects.published())
        .select_related("article")
        .order_by("-created_at", "-id")
    )
