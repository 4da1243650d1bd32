"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """The site's name, for titles and the header."""
    return {"site_name": settings.SITE_NAME}
