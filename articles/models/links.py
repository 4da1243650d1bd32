"""Links between articles and addresses: curated related links, redirects from old addresses, links waiting for an import."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from articles.models.article import Article


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


