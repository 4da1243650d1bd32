"""``/corrections/`` in the sitemap, dated by the newest public correction.

A section of ``articles.public.sitemaps.SITEMAPS`` (``/sitemap-corrections.xml`` past the URL
limit), added by ``FeedbackConfig.ready()``, so the public room never imports this one.
"""

from articles.content.addresses import address
from articles.public import sitemaps as public_sitemaps

from .models import public_corrections


class CorrectionsSitemap(public_sitemaps.SiteSitemap):
    """One URL, the corrections log, while it lists a correction; its ``lastmod`` is the newest one's time."""

    changefreq = "weekly"
    priority = 0.3

    def items(self):
        newest = public_corrections().values_list("created_at", flat=True).first()
        return [] if newest is None else [newest]

    def location(self, item):
        return address("feedback:corrections")

    def lastmod(self, item):
        return item


def add_section():
    """Add the corrections log to the sitemap (called once, from the app config)."""
    public_sitemaps.SITEMAPS.setdefault("corrections", CorrectionsSitemap)
