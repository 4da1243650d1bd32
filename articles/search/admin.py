"""The admin of the site-wide search equivalents (registered from ``articles/admin.py``)."""

from django.contrib import admin, messages

from ..models import SearchEquivalent
from ..search_models import split_terms
from . import terms


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
