"""Series: an ordered set of articles read in sequence, and each article's place in one."""

from typing import NamedTuple

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from articles.content.addresses import address
from articles.models.article import Article, SlugNaturalKeyManager
from articles.querysets import SeriesQuerySet


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


def label_before_title(label, title):
    """The series label to show before an entry's title, or "" when the title already starts with it.

    "Stage 4" before "Stage 4 breast cancer treatment" would read "Stage 4 Stage 4 breast cancer…".
    """
    words = " ".join(label.split()).casefold()
    return "" if not words or " ".join(title.split()).casefold().startswith(words) else label


class SeriesLink(NamedTuple):
    """Another part of a series, as its navigation links to it (``articles.reads.series.navigation``)."""

    position: int
    label: str
    title: str
    slug: str

    def get_absolute_url(self):
        return address("articles:detail", self.slug)
