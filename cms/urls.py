from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import health, views

admin.site.site_header = "Vetted"
admin.site.site_title = "Vetted admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/searches/", include("articles.admin.search_urls")),
    path("staff/", include("articles.reviews.staff_urls")),
    path("robots.txt", views.robots_txt, name="robots"),
    path("", include("articles.public.sitemap_urls")),  # /sitemap.xml and its sections
    path("staff/exports/", include("articles.reviews.export_urls")),
    path("healthz", health.healthz, name="healthz"),
    path("api/", include("articles.api.urls")),
    path("", include("articles.feedback.urls")),
    path("", include("articles.public.urls")),
]

handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"

if settings.SERVE_MEDIA:  # `make run` and the browser tests only: production serves media itself (docs/media.md)
    urlpatterns.insert(0, re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.serve_media))

if settings.VETTED_BENCH:  # `make bench` only: what the pages are compared with in the same run
    urlpatterns[:0] = [
        path("bench/trivial/", views.bench_trivial),
        # The cached article page without its feedback form, through the same page cache (docs/feedback.md).
        path("bench/", include("articles.public.bench_urls")),
    ]
