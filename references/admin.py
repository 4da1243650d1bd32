"""Admin for sources and references: written once, cited from many articles."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from .models import Citation, Reference, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "website"]
    search_fields = ["name"]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "url", "doi", "pmid", "http_status", "checked_at"]
    list_select_related = ["source"]
    list_filter = ["source"]
    search_fields = ["title", "more_titles", "url", "doi", "pmid", "source__name"]
    autocomplete_fields = ["source"]
    readonly_fields = ["checked_at", "http_status", "final_url", "check_error"]
    fieldsets = [
        (None, {"fields": ["source", "title", "more_titles", "url", "doi", "pmid", "accessed_on"]}),
        ("Link check", {"classes": ["collapse"], "fields": ["checked_at", "http_status", "final_url", "check_error"]}),
    ]

    def get_deleted_objects(self, objs, request):
        """A reference still cited cannot be deleted (PROTECT); say which articles cite it, linked."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [_cited_in(c) for c in Citation.objects.filter(reference__in=objs).select_related("article")]
        return deleted, counts, perms_needed, protected


class CitationInline(admin.TabularInline):
    """Used by the article admin; lives here because citations are this app's."""

    model = Citation
    extra = 0
    autocomplete_fields = ["reference"]
    fields = ["position", "reference"]
    ordering = ["position"]


def _cited_in(citation):
    try:
        link = reverse("admin:articles_article_change", args=[citation.article_id])
    except NoReverseMatch:
        return f"Cited as [{citation.position}] in “{citation.article}”"
    return format_html('Cited as [{}] in <a href="{}">{}</a>', citation.position, link, citation.article)
