"""The review dates readers see on an article: last reviewed, last modified, next review due."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from articles.reviews.dates import interval_for, next_review_due
from articles.workflow import integrity

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


def last_modified(article):
    """When readers and machines are told the page last changed: the later of its content's last
    change (``content_changed_at``) and its latest medical review; the review's date when that is
    the later day. One rule for the page's meta tag, its JSON-LD ``dateModified``, the feed's
    ``updated`` and the sitemap's ``lastmod`` (``ArticleSitemap.get_urls``, on plain values)."""
    changed_at = article.content_changed_at or article.updated_at
    reviewed_on = article.last_reviewed_on
    if changed_at is None or (reviewed_on is not None and reviewed_on > timezone.localdate(changed_at)):
        return reviewed_on
    return changed_at


def last_modified_time(article):
    """:func:`last_modified` as a moment, for what needs one (the feeds' ``updated``, the API's
    ``Last-Modified`` header): a review's day counts from its start, in UTC."""
    modified = last_modified(article)
    if modified is None or isinstance(modified, datetime.datetime):
        return modified
    return datetime.datetime.combine(modified, datetime.time(), tzinfo=datetime.UTC)


def page_dates(article):
    """The article page's template context for its dates: ``review_dates`` (the byline's "Medical
    review" box and the "changed since review" notice) and ``last_modified`` (its meta tag)."""
    return {"review_dates": review_dates(article), "last_modified": last_modified(article)}


def review_dates(article, content=None):
    """The review dates of one article, using ``article.reviews.all()`` (prefetched on the page).

    "Changed since review" is computed from the content in hand (``integrity``): the page's own
    title, body and citations, or ``content`` (``integrity.stored_contents``) where the citations
    are not loaded.
    """
    reviews = list(article.reviews.all())
    if not reviews:
        return ReviewDates(None, None, interval_for(article), False, None)
    latest = max(reviews, key=lambda r: (r.reviewed_on, r.created_at, r.pk))
    return _dates(article, latest.reviewed_on, integrity.is_changed_since_review(article, content))


def stored_review_dates(article):
    """:func:`review_dates` from what the article row keeps (its latest review date, kept by
    ``refresh_review_dates``, and its stored fingerprints): no query, for the article's staff page."""
    if article.last_reviewed_on is None:
        return ReviewDates(None, None, interval_for(article), False, None)
    return _dates(article, article.last_reviewed_on, integrity.is_changed_as_stored(article))


def _dates(article, reviewed_on, changed):
    interval = interval_for(article)
    return ReviewDates(
        last_reviewed_on=reviewed_on,
        next_review_due=next_review_due(reviewed_on, interval),
        interval_months=interval,
        changed_since_review=changed,
        last_updated_on=timezone.localdate(article.content_changed_at or article.updated_at) if changed else None,
    )


