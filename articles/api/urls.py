"""/api/v1/: the syndication API, each route answering conditional requests; /api/ its index too;
anything else under /api/ is a JSON 404."""

from django.http import JsonResponse
from django.urls import URLPattern, include, path, re_path
from django.views.decorators.http import require_safe

from .access import error_response
from .http import conditional
from .views import api, index_document


def _conditional(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = conditional(pattern.callback)
    return patterns


@require_safe
def index(request):
    """``/api/``: the same index as ``/api/v1/``, so the address a partner tries first answers too."""
    return JsonResponse(index_document(request))


def not_found(request, rest=""):
    return error_response(404, "not_found", "No such API address; the API lives under /api/v1/ (see /api/v1/docs/).")


app_name = "syndication"
ninja_patterns, _ninja_app, _namespace = api.urls
urlpatterns = [
    path("", conditional(index), name="root"),
    path("v1/", include(_conditional(ninja_patterns))),
    re_path(r"^(?P<rest>.*)$", not_found),
]
