"""An article's audit trail: transitions, reviews, typo fixes, corrections."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.article import Article
from articles.querysets import ArticleEventQuerySet


class ArticleEvent(models.Model):
    """One line of an article's audit trail: a transition, a review, a typo fix, a correction.

    Written by the service functions (``articles.workflow.rules`` and friends), never by ``save()``.
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

    objects = ArticleEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit event"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["article", "-created_at"], name="event_article_time_idx")]

    def __str__(self):
        if self.kind == self.Kind.TRANSITION:
            return f"{self.article}: {self.get_from_status_display()} → {self.get_to_status_display()}"
        return f"{self.article}: {self.get_kind_display()}"

    @property
    def is_announced_correction(self):
        """A correction readers are shown (``ArticleEvent.objects.announced_corrections()``)."""
        return self.kind == self.Kind.CORRECTION and self.announced


