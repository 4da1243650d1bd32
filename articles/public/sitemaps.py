"""``/sitemap.xml``: articles, series, tags and reviewer profiles that readers can see.

Other rooms add their pages as sections of ``SITEMAPS`` from their app config (the corrections log:
``articles/feedback/sitemaps.py``), so this room imports none of them.

An article's ``lastmod`` is its latest change or its latest medical review, whichever is later;
a series' or a tag's is the latest of its published articles'; a reviewer's the latest of the
articles they reviewed and of those reviews. Past ``SITEMAP_URL_LIMIT`` URLs ``/sitemap.xml`` becomes
a sitemap index of numbered section pages. The protocol allows 50,000 URLs a file; 5,000 keeps
each file quick to build on a large catalogue. The article files are built from plain values
read through a covering index, and the XML is written directly rather than through Django's
sitemap template and per-item loop, which cost more than the rest together
(docs/performance.md, "Measurements behind the code").
"""

import datetime
import functools
import html

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from taggit.models import Tag

from articles.content.addresses import address, pattern
from articles.models import Article, MedicalReview, Reviewer, Series, SeriesEntry, published_condition
from cms.site import site_parts

SITEMAP_URL_LIMIT = 5_000


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

    @functools.cached_property
    def paginator(self):
        # Django builds a new paginator, and counts again, on every access.
        return Paginator(self._items(), self.limit)


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
        # Plain values; the latest review date is stored on the article (no join), and on
        # PostgreSQL the covering index serves the page without reading the table.
        # Its content's last change, not any save (reviews.display.last_modified, as the page says).
        return Article.objects.published().order_by("-publish_at", "-id").values_list(
            "slug", Coalesce("content_changed_at", "updated_at"), "last_reviewed_on"
        )

    def location(self, item):
        return address("articles:detail", item[0])

    def lastmod(self, item):
        return _later(item[1], item[2])

    def get_urls(self, page=1, site=None, protocol=None):
        """Django's url dicts for one file, built directly: its generic loop (a lookup, a
        comparison and a timezone-aware datetime for every item) dominated the file's time."""
        page_address = f"{self.get_protocol(protocol)}://{self.get_domain(site)}{pattern('articles:detail')}"
        changefreq, priority = self.changefreq, str(self.priority)
        zone = timezone.get_current_timezone()
        urls, changed, reviewed = [], None, None
        for slug, updated_at, reviewed_on in self.page_items(page):
            day = updated_at.astimezone(zone).date()
            if reviewed_on is not None:
                day = max(day, reviewed_on)
                reviewed = reviewed_on if reviewed is None else max(reviewed, reviewed_on)
            changed = updated_at if changed is None else max(changed, updated_at)
            urls.append({"location": page_address.format(slug), "lastmod": day, "changefreq": changefreq, "priority": priority})
        self.latest_lastmod = _later(changed, reviewed)
        return urls

    def page_items(self, page):
        """One file's items, read as a slice without counting every published article (a cost
        that grows with the catalogue): only the index needs the count. Answers as Django's paginator would: a page
        that is not a whole number, below 1, or empty past the first is an error (a 404)."""
        try:
            number = int(page)
        except (TypeError, ValueError):
            raise PageNotAnInteger(f"No page {page!r}") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if (number - 1) * self.limit > 2**63 - 1:  # past any table, and past what SQL's OFFSET takes
            raise EmptyPage("That page contains no results")
        items = list(self.items()[(number - 1) * self.limit : number * self.limit])
        if not items and number > 1:
            raise EmptyPage("That page contains no results")
        return items

    def get_latest_lastmod(self):
        # For the sitemap index: two aggregates rather than a pass over every article.
        return _latest_article_change()


class ListingSitemap(SiteSitemap):
    """Pages that list published articles (series, tags, reviewers): a page's ``lastmod`` is the latest
    of what it lists, from the ``last_changed`` and ``last_reviewed`` its ``items()`` annotate; the
    index's is one aggregate (``latest()``: a dict with ``changed`` and ``reviewed``)."""

    def lastmod(self, item):
        return _later(item.last_changed, item.last_reviewed)

    def latest(self):
        raise NotImplementedError

    def get_latest_lastmod(self):
        latest = self.latest()
        return _later(latest["changed"], latest["reviewed"])


class SeriesSitemap(ListingSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        published = Article.objects.published()
        return (
            Series.objects.filter(entries__article__in=published)
            .only("slug")
            .annotate(
                last_changed=Max("entries__article__updated_at"),
                last_reviewed=Max("entries__article__last_reviewed_on"),
            )
            .order_by("title")
        )

    @functools.cached_property
    def paginator(self):
        # Counted with EXISTS rather than by counting the grouped join (a third cheaper).
        paginator = super().paginator
        paginator.count = Series.objects.with_published_articles().count()
        return paginator

    def latest(self):
        # Over the series' entries (a few per series), each joined to its article through the
        # article_id_published_idx index, not by scanning the published articles (a join, not
        # IN: the planner then starts from the entries).
        return SeriesEntry.objects.filter(published_condition(through="article__")).aggregate(
            changed=Max("article__updated_at"), reviewed=Max("article__last_reviewed_on")
        )


class TagSitemap(ListingSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        # Filtered and annotated over the same join: the latest of the published articles it lists.
        return (
            Tag.objects.filter(published_condition(through="article__"))
            .only("slug")
            .annotate(last_changed=Max("article__updated_at"), last_reviewed=Max("article__last_reviewed_on"))
            .order_by("slug")
        )

    def location(self, item):
        return address("articles:tag", item.slug)

    def latest(self):
        return Article.objects.published().filter(tags__isnull=False).aggregate(
            changed=Max("updated_at"), reviewed=Max("last_reviewed_on")
        )


class ReviewerSitemap(ListingSitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        # A reviewer's page lists their reviews of published articles: the latest of those
        # articles' changes and of those reviews.
        return (
            Reviewer.objects.filter(published_condition(through="reviews__article__"))
            .only("slug")
            .annotate(last_changed=Max("reviews__article__updated_at"), last_reviewed=Max("reviews__reviewed_on"))
            .order_by("slug")
        )

    def latest(self):
        return MedicalReview.objects.filter(published_condition(through="article__")).aggregate(
            changed=Max("article__updated_at"), reviewed=Max("reviewed_on")
        )


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "series": SeriesSitemap,
    "tags": TagSitemap,
    "reviewers": ReviewerSitemap,
}


def sitemap(request):
    """One sitemap while every URL fits in one file, else an index of numbered section files."""
    sections = {name: section() for name, section in SITEMAPS.items()}  # each counts its URLs once
    if sum(section.paginator.count for section in sections.values()) > SITEMAP_URL_LIMIT:
        return sitemap_views.index(request, sections, sitemap_url_name="sitemap-section")
    return _urlset_response(request, sections.values())


def sitemap_section(request, section):
    """One section of the index (``?p=2`` for its second file)."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap section {section!r}")
    return _urlset_response(request, [SITEMAPS[section]()])


def _urlset_response(request, maps):
    """What Django's sitemap view answers (404 for a page out of range, Last-Modified when every
    URL has a date, X-Robots-Tag), with the XML written by ``render_urlset``."""
    page = request.GET.get("p", 1)
    site = RequestSite(request)
    urls, latest, every_lastmod = [], None, True
    for section in maps:
        try:
            section_urls = section.get_urls(page=page, site=site, protocol=request.scheme)
        except EmptyPage:
            raise Http404(f"Page {page} empty") from None
        except PageNotAnInteger:
            raise Http404(f"No page {page!r}") from None
        if not section_urls:
            continue  # an empty section has no URL without a date
        urls.extend(section_urls)
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
    """A sitemap ``urlset`` for Django's url dicts: the elements its template writes, in one pass.

    Text is escaped with the standard library (the same characters as Django's ``escape``, which
    costs ten times as much through its lazy-string wrapper), and repeated values only once.
    """
    escaped = functools.lru_cache(maxsize=64)(_escape_text)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for url in urls:
        out.append(f"<url><loc>{_escape_text(url['location'])}</loc>")
        if url["lastmod"]:
            out.append(f"<lastmod>{_day(url['lastmod'])}</lastmod>")
        if url["changefreq"]:
            out.append(f"<changefreq>{escaped(url['changefreq'])}</changefreq>")
        if url["priority"]:
            out.append(f"<priority>{escaped(url['priority'])}</priority>")
        out.append("</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def _escape_text(value):
    return html.escape(str(value), quote=True)
