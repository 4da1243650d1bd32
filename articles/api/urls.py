"""/api/v1/: the syndication API, each route answering conditional requests; anything else under
/api/ is a JSON 404."""

from django.urls import URLPattern, include, path, re_path

from .access import error_response
from .http import conditional
from .views import api


def _conditional(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = conditional(pattern.callback)
    return patterns


def not_found(request, rest=""):
    return error_response(404, "not_found", "No such API address; the API lives under /api/v1/ (see /api/v1/docs/).")


app_name = "syndication"
ninja_patterns, _ninja_app, _namespace = api.urls
urlpatterns = [
    path("v1/", include(_conditional(ninja_patterns))),
    re_path(r"^(?P<rest>.*)$", not_found),
]
