"""Series: an ordered set of articles read in sequence, and each article's place in one."""

from typing import NamedTuple

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, connections, models

from articles.content.addresses import address
from articles.models.article import Article, SlugNaturalKeyManager
from articles.querysets import SeriesQuerySet, published_sql
from cms.prepared import prepared_cursor


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

    def navigation(self, now=None):
        """Template context: part n of m, previous and next among the series' published entries.

        This entry keeps its place even when its article is not public yet (an editor's preview).
        Previous and next are ``SeriesLink``s: a label and a linked title, read as plain values in
        one statement written out in SQL (a fifth of the ORM's CPU on every uncached article page),
        or taken from what the article page's own statement brought for the same moment
        (``page_reads.PageReads.published_page``, PostgreSQL).
        """
        read_with_page = getattr(self, "published_neighbours", None)  # page_reads.published_page()
        if read_with_page is not None and now is not None and read_with_page[0] == now:
            others = read_with_page[1]
        else:
            db = connections[self._state.db or DEFAULT_DB_ALIAS]  # the connection itself, not the proxy
            q = db.ops.quote_name
            published, params = published_sql("a", now, db)
            with prepared_cursor(db) as cursor:  # integers and text: nothing for the ORM to convert
                cursor.execute(
                    f"SELECT e.position, e.label, a.title, a.slug FROM {q(SeriesEntry._meta.db_table)} e"
                    f" INNER JOIN {q(Article._meta.db_table)} a ON a.id = e.article_id"
                    f" WHERE e.series_id = %s AND e.article_id <> %s AND {published}",
                    [self.series_id, self.article_id, *params],
                )
                others = cursor.fetchall()
        this = SeriesLink(self.position, self.label, self.article.title, self.article.slug)
        entries = sorted([*(SeriesLink(*row) for row in others), this], key=lambda e: (e.position, e is not this))
        index = next(n for n, e in enumerate(entries) if e is this)
        return {
            "series_entry": self,
            "series_part": index + 1,
            "series_total": len(entries),
            "previous_entry": entries[index - 1] if index > 0 else None,
            "next_entry": entries[index + 1] if index + 1 < len(entries) else None,
        }


def label_before_title(label, title):
    """The series label to show before an entry's title, or "" when the title already starts with it.

    "Stage 4" before "Stage 4 breast cancer treatment" would read "Stage 4 Stage 4 breast cancer…".
    """
    words = " ".join(label.split()).casefold()
    return "" if not words or " ".join(title.split()).casefold().startswith(words) else label


class SeriesLink(NamedTuple):
    """Another part of a series, as its navigation links to it."""

    position: int
    label: str
    title: str
    slug: str

    def get_absolute_url(self):
        return address("articles:detail", self.slug)


