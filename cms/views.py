"""Project-wide views: robots.txt and the error pages."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve as static_serve

from .site import absolute_url


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /preview/", "Disallow: /search/"]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap'), request)}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could touch the database again: a plain page.
    import sys

    from .middleware import is_database_outage, plain_page, service_unavailable

    if is_database_outage(sys.exc_info()[1]):  # raised outside a view, e.g. by the session middleware
        return service_unavailable()
    return plain_page("500.html", 500)


def bench_trivial(request):
    """The baseline of `make bench`: the cheapest response the full middleware stack can give."""
    return HttpResponse("ok\n", content_type="text/plain")


def serve_media(request, path):
    """Uploaded files on a laptop (``SERVE_MEDIA``, on with ``DEBUG``): Django's static file view
    over MEDIA_ROOT as it is now. Production serves media from object storage or the web server."""
    return static_serve(request, path, document_root=settings.MEDIA_ROOT)
