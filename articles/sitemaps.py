"""``/sitemap.xml``: articles, series, tags and reviewer profiles that readers can see.

An article's ``lastmod`` is its latest change or its latest medical review, whichever is later;
a series' is the latest of its articles'. Past ``SITEMAP_URL_LIMIT`` URLs ``/sitemap.xml`` becomes
a sitemap index of numbered section pages. The protocol allows 50,000 URLs a file; 10,000 keeps
each file quick to build on a large catalogue (about 50 ms rather than seconds), and the XML is
written directly rather than through Django's sitemap template, which costs ~50 µs a URL.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import http_date
from taggit.models import Tag

from cms.site import site_parts

from .models import Article, MedicalReview, Reviewer, Series

SITEMAP_URL_LIMIT = 10_000


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
        return _latest_article_change()


def _latest_article_change():
    """The latest change or medical review of any published article (two index scans)."""
    published = Article.objects.published()
    changed = published.aggregate(latest=Max("updated_at"))["latest"]
    # ORDER BY ... LIMIT 1 rather than MAX(): PostgreSQL walks the date index back to the first
    # review of a published article instead of joining every review.
    reviewed = (
        MedicalReview.objects.filter(article__in=published).order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
    )
    return _later(changed, reviewed)


class ArticleSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # The latest review date is stored on the article: no join, and the count reads the index alone.
        return Article.objects.published().only("slug", "updated_at", "last_reviewed_on").order_by("-publish_at", "-id")

    def location(self, item):
        # reverse() once, not once per article: a file holds thousands.
        if not hasattr(self, "_path"):
            self._path = reverse("articles:detail", args=["-"]).removesuffix("-/")
        return f"{self._path}{item.slug}/"

    def lastmod(self, item):
        return _later(item.updated_at, item.last_reviewed_on)

    def get_latest_lastmod(self):
        # For the sitemap index: two aggregates rather than a pass over every article.
        return _latest_article_change()


class SeriesSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        published = Article.objects.published()
        return (
            Series.objects.filter(entries__article__in=published)
            .annotate(
                last_changed=Max("entries__article__updated_at"),
                last_reviewed=Max("entries__article__last_reviewed_on"),
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
        reviewed = MedicalReview.objects.filter(reviewer=OuterRef("pk"), article__in=Article.objects.published())
        return Reviewer.objects.filter(Exists(reviewed)).order_by("slug")


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
    return _urlset_response(request, SITEMAPS.values())


def sitemap_section(request, section):
    """One section of the index (``?p=2`` for its second file)."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap section {section!r}")
    return _urlset_response(request, [SITEMAPS[section]])


def _urlset_response(request, maps):
    """What Django's sitemap view answers (404 for a page out of range, Last-Modified when every
    URL has a date, X-Robots-Tag), with the XML written by ``render_urlset``."""
    page = request.GET.get("p", 1)
    site = RequestSite(request)
    urls, latest, every_lastmod = [], None, True
    for sitemap_class in maps:
        section = sitemap_class()
        try:
            urls.extend(section.get_urls(page=page, site=site, protocol=request.scheme))
        except EmptyPage:
            raise Http404(f"Page {page} empty") from None
        except PageNotAnInteger:
            raise Http404(f"No page {page!r}") from None
        section_latest = getattr(section, "latest_lastmod", None)
        if section_latest is None:
            every_lastmod = False
        elif every_lastmod:
            latest = _later(latest, section_latest)
    response = HttpResponse(render_urlset(urls), content_type="application/xml")
    if every_lastmod and latest:
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _day(moment):
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return moment.isoformat()


def render_urlset(urls):
    """A sitemap ``urlset`` for Django's url dicts: the elements its template writes, in one pass."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for url in urls:
        out.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url["lastmod"]:
            out.append(f"<lastmod>{_day(url['lastmod'])}</lastmod>")
        if url["changefreq"]:
            out.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url["priority"]:
            out.append(f"<priority>{escape(url['priority'])}</priority>")
        out.append("</url>\n")
    out.append("</urlset>\n")
    return "".join(out)
