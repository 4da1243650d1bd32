"""``/sitemap.xml`` and its section files at the site's root, included from ``cms/urls.py``.

Not namespaced: the routes are ``sitemap`` and ``sitemap-section`` (Django's sitemap index
reverses the latter). Each carries the edge key ``sitemap`` (``articles.edge.SITEMAP``).
"""

from django.urls import path

from articles.edge import SITEMAP
from cms.pagecache.decorators import public_page

from . import sitemaps

urlpatterns = [
    path("sitemap.xml", public_page(params=(), keys=(SITEMAP,))(sitemaps.sitemap), name="sitemap"),
    path("sitemap-<slug:section>.xml", public_page(params=("p",), keys=(SITEMAP,))(sitemaps.sitemap_section),
         name="sitemap-section"),
]
