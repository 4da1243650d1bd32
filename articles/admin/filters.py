"""Changelist filters that stay usable on a large catalogue."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from taggit.managers import TaggableManager

from articles.content.widgets import QuickSelect


class SelectRelatedFilter(admin.RelatedFieldListFilter):
    """A related-object filter as one ``<select>`` in a small GET form, not a link per object.

    A large catalogue has a thousand series and hundreds of tags and reviewers: as links they made
    a sidebar thousands of lines long, and building a query string for each cost about a fifth of
    the changelist's time. The other filters and the search stay as they are (hidden fields); the
    "None" choice stays a link. With facets shown, this is Django's list of links with counts.
    """

    template = "admin/articles/select_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.model = model
        super().__init__(field, request, params, model, model_admin, field_path)

    # Read by SemiJoinChangeList: this filter never lists an article twice. A chosen object (and
    # Django's "None" choice) is matched with EXISTS on the relation's own table, never a join, so
    # an article with two of the chosen tags, or two reviews by the chosen reviewer, is listed once
    # and PostgreSQL can walk the changelist's ordered index and stop after a page.
    spawns_duplicates = False

    def _matching(self, values=None):
        """Rows of the relation that tie it to the outer article (to one of ``values`` when given).

        The relation's own table, so its index on the article serves the probe: through the
        article table, taggit's integer object_id is cast to the key's type and no index serves.
        """
        first, _, rest = self.lookup_kwarg.partition("__")
        relation = self.model._meta.get_field(first)
        if isinstance(relation, TaggableManager):
            related = relation.through.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model), object_id=OuterRef("pk")
            )
            rest = f"tag__{rest}"
        elif relation.one_to_many:
            related = relation.related_model._default_manager.filter(**{relation.field.name: OuterRef("pk")})
        else:
            related = self.model._default_manager.filter(pk=OuterRef("pk"), **{f"{self.field_path}__isnull": False})
            rest = self.lookup_kwarg
        return related.filter(build_q_object_from_lookup_parameters({rest: values})) if values else related

    def queryset(self, request, queryset):
        values = self.used_parameters.get(self.lookup_kwarg)
        empty = self.used_parameters.get(self.lookup_kwarg_isnull)  # [True] or [False], parsed by Django
        try:
            if values:
                queryset = queryset.filter(Exists(self._matching(values)))
            if empty:
                queryset = self.filter_empty(queryset, empty[-1])
            return queryset
        except (ValueError, ValidationError) as error:  # a value that is not a key: Django's "?e=1" page
            raise IncorrectLookupParameters(error) from error

    def filter_empty(self, queryset, empty):
        """Django's "None" choice: the rows with nothing in the relation (or, for False, something)."""
        return queryset.filter(~Exists(self._matching()) if empty else Exists(self._matching()))

    def choices(self, changelist):
        if changelist.add_facets:
            yield from super().choices(changelist)
            return
        removed = (self.lookup_kwarg, self.lookup_kwarg_isnull)
        kept = [
            (name, value)
            for name, values in sorted(changelist.filter_params.items())
            if not name.startswith(removed)
            for value in values
        ]
        chosen = self.lookup_val or []
        select = QuickSelect(choices=[("", "All"), *self.lookup_choices])
        yield {
            "select": select.render(self.lookup_kwarg, chosen, attrs={"id": f"filter-{self.lookup_kwarg}"}),
            "id": f"filter-{self.lookup_kwarg}",
            "kept": kept,
            "active": bool(chosen),
        }
        if self.include_empty_choice:
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string({self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]),
                "display": self.empty_value_display,
            }


class TagFilter(SelectRelatedFilter):
    """Tags, whose "None" choice asks the articles' own count of tags (``ArticleQuerySet.tagged``)."""

    def filter_empty(self, queryset, empty):
        return queryset.tagged(not empty)


class StatusFilter(admin.SimpleListFilter):
    """The workflow's states, with "Scheduled" (published, not public yet) apart from "Published".

    It keeps the status field filter's parameter, so saved links such as ``?status__exact=draft``
    still work; ``published`` lists only what readers can see now.
    """

    title = "status"
    parameter_name = "status__exact"
    SCHEDULED = "scheduled"

    def lookups(self, request, model_admin):
        model = model_admin.model
        choices = []
        for value, label in model.Status.choices:
            if value == model.Status.PUBLISHED:
                choices.append((self.SCHEDULED, "Scheduled"))
                label = "Published (live)"
            choices.append((value, label))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.SCHEDULED:
            return queryset.scheduled()
        if value == queryset.model.Status.PUBLISHED:
            return queryset.filter(status=value).exclude(publish_at__gt=timezone.now())
        if value in queryset.model.Status.values:
            return queryset.filter(status=value)
        return queryset
