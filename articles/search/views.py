"""The search's own pages: suggestions as you type, the log beacon, and the staff report of
missed searches (``/staff/searches/``). The results page itself is ``articles.views.search``."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..caching import public_page
from ..models import Article, EditConflict
from ..staff_views import staff_only
from . import misses
from .suggest import suggestions

CHOICES = 300  # newest published articles offered by name in the report's article box


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


class ResolveForm(forms.Form):
    query = forms.CharField(max_length=misses.MAX_QUERY)
    term = forms.CharField(max_length=200, label="Term")
    article = forms.CharField(max_length=500, label="Article", help_text="Its address, or its slug.")

    def clean_article(self):
        text = self.cleaned_data["article"].strip()
        slug = text
        if "/" in text:
            try:
                match = resolve(urlsplit(text).path)
            except Resolver404:
                match = None
            if match is None or match.view_name != "articles:detail":
                raise ValidationError("That is not an article's address: paste it from the article's page, or give its slug.")
            slug = match.kwargs["slug"]
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            raise ValidationError(f"No article has the slug “{slug[:80]}”.")
        return article


@staff_only
def report(request):
    """Searches that found nothing, or whose results nobody opened, over the last 30 days."""
    rows = misses.report()
    choices = Article.objects.published().order_by("-publish_at", "-id").values_list("slug", "title")[:CHOICES]
    return render(
        request,
        "staff/missed_searches.html",
        {"rows": rows, "choices": choices, "days": misses.REPORT_DAYS, "limit": misses.REPORT_ROWS,
         "title": "Missed searches"},
    )


@staff_only
@require_POST
def resolve_search(request):
    """Turn a report row into a term on an article (one step), then back to the report."""
    form = ResolveForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}".lstrip(": "))
        return redirect("staff:missed_searches")
    article = form.cleaned_data["article"]
    try:
        misses.add_term(request.user, form.cleaned_data["query"], article, form.cleaned_data["term"])
    except PermissionDenied as error:
        messages.error(request, str(error) or "You may not change this article.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except EditConflict:
        messages.error(request, "Someone saved the article at the same moment: try again.")
    else:
        messages.success(request, f"“{form.cleaned_data['term']}” is now a term of “{article.title}”.")
    return redirect("staff:missed_searches")
