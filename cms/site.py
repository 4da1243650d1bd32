"""The site's absolute address, for links that leave the request: canonical URLs, feeds, sitemaps, robots.txt."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path, request=None):
    """``path`` made absolute with ``settings.SITE_URL`` when it is set, else with the request's host."""
    if path.startswith(("http://", "https://")):
        return path
    return site_root(request) + path


def site_root(request=None):
    """``SITE_URL``, else the request's scheme and host (no trailing slash); "" with neither.

    Worked out once per request: ``get_host()`` checks the Host header against ``ALLOWED_HOSTS``
    on every call (about 20 µs within a request here), and an article page asks a dozen times
    (canonical address, structured data, its pictures' addresses)."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is None:
        return ""
    root = getattr(request, "vetted_site_root", None)
    if root is None:
        root = request.vetted_site_root = f"{request.scheme}://{request.get_host()}"
    return root


def site_parts():
    """``(scheme, host)`` of ``settings.SITE_URL``, or ``(None, None)`` when it is not set."""
    if not settings.SITE_URL:
        return None, None
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme, parts.netloc + parts.path
