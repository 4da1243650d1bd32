"""The site's URLs plus /slow/?seconds=n, a view that takes n seconds (server-timeout test only)."""

import time

from django.http import HttpResponse
from django.urls import include, path


def slow(request):
    seconds = min(float(request.GET.get("seconds", "0")), 120)
    time.sleep(seconds)
    return HttpResponse(f"slept {seconds}", content_type="text/plain")


urlpatterns = [
    path("slow/", slow),
    path("", include("cms.urls")),
]
