"""``/sitemap.xml``: articles, series, tags and reviewer profiles that readers can see.

An article's ``lastmod`` is its latest change or its latest medical review, whichever is later;
a series' is the latest of its articles'. Past ``SITEMAP_URL_LIMIT`` URLs (50,000, the protocol's
limit) ``/sitemap.xml`` becomes a sitemap index of numbered section pages.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from cms.site import site_parts

from .models import Article, Reviewer, Series

SITEMAP_URL_LIMIT = 50_000


def _later(*moments):
    """The latest of dates and datetimes (a date counts as the end of that day in the site's zone)."""
    values = []
    for moment in moments:
        if moment is None:
            continue
        if not isinstance(moment, datetime.datetime):
            moment = timezone.make_aware(datetime.datetime.combine(moment, datetime.time.max.replace(microsecond=0)))
        values.append(moment)
    return max(values) if values else None


class SiteSitemap(Sitemap):
    """Uses ``SITE_URL``'s scheme and host when set, and the shared URL limit."""

    @property
    def protocol(self):
        return site_parts()[0]

    @property
    def limit(self):
        return SITEMAP_URL_LIMIT

    def get_domain(self, site=None):
        _, host = site_parts()
        return host or super().get_domain(site)


class HomeSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ArticleSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return (
            Article.objects.published()
            .annotate(last_reviewed=Max("reviews__reviewed_on"))
            .only("slug", "updated_at", "content_changed_at")
            .order_by("-publish_at", "-id")
        )

    def lastmod(self, item):
        return _later(item.updated_at, item.last_reviewed)

    def get_latest_lastmod(self):
        # For the sitemap index: two aggregates rather than a pass over every article.
        published = Article.objects.published()
        latest = published.aggregate(changed=Max("updated_at"), reviewed=Max("reviews__reviewed_on"))
        return _later(latest["changed"], latest["reviewed"])


class SeriesSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        published = Article.objects.published()
        return (
            Series.objects.filter(entries__article__in=published)
            .annotate(
                last_changed=Max("entries__article__updated_at"),
                last_reviewed=Max("entries__article__reviews__reviewed_on"),
            )
            .order_by("title")
        )

    def lastmod(self, item):
        return _later(item.last_changed, item.last_reviewed)


class TagSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return Tag.objects.filter(pk__in=Article.tags.through.objects.filter(
            object_id__in=Article.objects.published().values("pk"),
            content_type__app_label="articles",
            content_type__model="article",
        ).values("tag_id")).order_by("slug")

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])


class ReviewerSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Reviewer.objects.filter(reviews__article__in=Article.objects.published()).distinct().order_by("slug")


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "series": SeriesSitemap,
    "tags": TagSitemap,
    "reviewers": ReviewerSitemap,
}


def sitemap(request):
    """One sitemap while every URL fits in one file, else an index of numbered section files."""
    total = sum(section().paginator.count for section in SITEMAPS.values())
    if total > SITEMAP_URL_LIMIT:
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")
    return sitemap_views.sitemap(request, SITEMAPS)


def sitemap_section(request, section):
    """One section of the index (``?p=2`` for its second file)."""
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
