"""Admin for sources and references: written once, cited from many articles."""

from django.contrib import admin

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


class CitationInline(admin.TabularInline):
    """Used by the article admin; lives here because citations are this app's."""

    model = Citation
    extra = 0
    autocomplete_fields = ["reference"]
    fields = ["position", "reference"]
    ordering = ["position"]
