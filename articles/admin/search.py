"""The search's editors' side (docs/search.md): the site-wide equivalents' admin, and the
missed-searches report at ``/staff/searches/`` with its one-step resolve."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_POST

from articles.models import Article, EditConflict, SearchEquivalent, split_terms
from articles.reviews.staff_views import staff_only
from articles.search import misses, terms

CHOICES = 300  # newest published articles offered by name in the report's article box


@admin.register(SearchEquivalent)
class SearchEquivalentAdmin(admin.ModelAdmin):
    """Editors keep the list; each save re-indexes the articles holding the group's terms."""

    list_display = ["__str__", "note", "updated_at"]
    search_fields = ["terms", "note"]
    fields = ["terms", "note"]

    def save_model(self, request, obj, form, change):
        before = split_terms(form.initial.get("terms", "")) if change else []
        super().save_model(request, obj, form, change)
        self._reindex(request, [*before, *obj.term_list()])

    def delete_model(self, request, obj):
        changed = obj.term_list()
        super().delete_model(request, obj)
        self._reindex(request, changed)

    def delete_queryset(self, request, queryset):
        changed = [term for group in queryset for term in group.term_list()]
        super().delete_queryset(request, queryset)
        self._reindex(request, changed)

    def _reindex(self, request, changed):
        updated = terms.reindex(changed)
        if updated:
            messages.info(request, f"{updated} article{'s' if updated != 1 else ''} re-indexed for search.")


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
    return _report_page(request)


def _report_page(request, failed=None, status=200):
    """The report; ``failed`` (a bound ``ResolveForm`` that was refused, with ``problems``) keeps
    what the editor typed in its row, with the reasons beside it."""
    rows = misses.report()
    choices = Article.objects.published().order_by("-publish_at", "-id").values_list("slug", "title")[:CHOICES]
    return render(
        request,
        "staff/missed_searches.html",
        {"rows": rows, "choices": choices, "days": misses.REPORT_DAYS, "limit": misses.REPORT_ROWS,
         "title": "Missed searches", "failed": failed},
        status=status,
    )


@staff_only
@require_POST
def resolve_search(request):
    """Turn a report row into a term on an article (one step), then back to the report; refused,
    the report again with the row as typed and the reasons beside it."""
    form = ResolveForm(request.POST)
    problems = []
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
    else:
        article = form.cleaned_data["article"]
        try:
            misses.add_term(request.user, form.cleaned_data["query"], article, form.cleaned_data["term"])
        except PermissionDenied as error:
            problems = [str(error) or "You may not change this article."]
        except ValidationError as error:
            problems = error.messages
        except EditConflict:
            problems = ["Someone saved the article at the same moment: try again."]
    if problems:
        form.problems = problems
        return _report_page(request, failed=form, status=400)
    messages.success(request, f"“{form.cleaned_data['term']}” is now a term of “{article.title}”.")
    return redirect("searches:report")
