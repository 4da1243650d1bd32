"""The search's public endpoints: suggestions as a reader types and the missed-search beacon
(docs/search.md). The results page itself is ``views.search``."""

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.search import misses
from articles.search.suggest import suggestions
from cms.pagecache.decorators import public_page


@public_page(params=("q",))
def suggest(request):
    """``/search/suggest/?q=``: JSON ``{"suggestions": [{"title", "url", "term"}]}``, at most 8."""
    found = suggestions(request.GET.get("q", ""))
    return JsonResponse({"suggestions": [s._asdict() for s in found]})


@csrf_exempt  # no session, no cookie read: the signed token is the whole request
@require_POST
def log(request):
    """``POST /search/log/`` (``token``, ``event``): the search page's beacon. 204, or 400."""
    if misses.record(request.POST.get("token", ""), request.POST.get("event", "")):
        return HttpResponse(status=204)
    return HttpResponseBadRequest("Bad token or event.", content_type="text/plain")
