"""The editors' product: articles with their reviews, citations, series and related links."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, F, Func, Q
from django.forms.models import BaseInlineFormSet

from articles.admin.accessibility import AccessibilityAdminMixin
from articles.admin.editor import ArticleRowsInlineMixin, EditorAdminMixin
from articles.admin.filters import SelectRelatedFilter, StatusFilter, TagFilter
from articles.admin.ordering import PositionedForm, PositionedInlineFormSet, SortableInlineMixin, make_room
from articles.admin.workflow import GuardedInlineMixin, WorkflowArticleAdminMixin
from articles.content.times import local_time
from articles.feedback.admin import HelpfulColumnMixin
from articles.models import Article, MedicalReview, PendingLink, RelatedLink, Reviewer, Series, SeriesEntry
from articles.reads.pagination import DeferredJoinPaginator, EstimatedCountPaginator, SemiJoinChangeList
from articles.reviews.admin import ReviewCycleAdminMixin, ReviewLogMixin
from articles.reviews.exports import export_articles_csv
from articles.search import query as site_search
from articles.workflow import rules as workflow
from references.admin import CitationFormSet, CitationInline, CitingAdminMixin


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "specialty", "user", "is_active"]
    list_select_related = ["user"]
    list_filter = ["is_active", "specialty"]
    search_fields = ["name", "credentials", "specialty"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "photo"]


class SeriesEntryInline(SortableInlineMixin, admin.TabularInline):
    model = SeriesEntry
    extra = 0
    autocomplete_fields = ["article"]
    ordering = ["position"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "review_interval_months"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SeriesEntryInline]


class MedicalReviewInline(ArticleRowsInlineMixin, GuardedInlineMixin, admin.StackedInline):
    model = MedicalReview
    row_select_related = ["reviewer"]
    extra = 0
    autocomplete_fields = ["reviewer"]
    fields = [("reviewer", "reviewed_on", "scope"), "sections", "notes", "conflict_of_interest"]


class RelatedLinkInline(ArticleRowsInlineMixin, GuardedInlineMixin, SortableInlineMixin, admin.TabularInline):
    model = RelatedLink
    row_select_related = ["target"]
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["position", "target"]
    ordering = ["position"]


class SeriesPlacementForm(PositionedForm):
    """A taken position is not an error here: the formset makes room."""

    class Meta:
        help_texts = {
            "position": "Its place in the series, from 0. To insert it before a part, give that part's "
            "position: that part and the ones after it move down one.",
        }


class SeriesPlacementFormSet(BaseInlineFormSet):
    """The article's place in a series: a position another part holds inserts it there, and that
    part and the ones after it move down one, in the save's transaction (``ordering.make_room``).
    ``moved`` lists the parts moved, for the message the admin shows."""

    def save_new(self, form, commit=True):
        self._make_room(form)
        return super().save_new(form, commit)

    def save_existing(self, form, obj, commit=True):
        if {"series", "position"} & set(form.changed_data):
            self._make_room(form, moving_pk=obj.pk)
        return super().save_existing(form, obj, commit)

    def _make_room(self, form, moving_pk=None):
        series, position = form.cleaned_data.get("series"), form.cleaned_data.get("position")
        if series is not None and position is not None:
            self.moved = make_room(SeriesEntry.objects.filter(series=series), position, moving_pk)


class ArticleSeriesEntryInline(ArticleRowsInlineMixin, GuardedInlineMixin, admin.StackedInline):  # stacked: its help text shows
    model = SeriesEntry
    row_select_related = ["series"]
    form = SeriesPlacementForm
    formset = SeriesPlacementFormSet
    extra = 0
    max_num = 1
    autocomplete_fields = ["series"]
    fields = ["series", "position", "label"]


class CitationOrderFormSet(PositionedInlineFormSet, CitationFormSet):
    """Two-phase position saving, plus the markers in the body following their references."""


class ArticleCitationInline(ArticleRowsInlineMixin, GuardedInlineMixin, SortableInlineMixin, CitationInline):
    formset = CitationOrderFormSet
    row_select_related = ["reference__source"]


INLINE_KEYS = 10_000


class EqualsAny(Func):
    """``column = ANY('{1,2,3}'::bigint[])`` on PostgreSQL, the keys written into the statement.

    They are integers, so this is safe; as one parameter instead, a prepared statement's generic
    plan tested each row against every key in turn instead of hashing them
    (docs/performance.md, "Measurements behind the code").
    """

    output_field = BooleanField()

    def __init__(self, field, keys):
        super().__init__(F(field))
        self.keys = [int(key) for key in keys]

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY('{{{','.join(map(str, self.keys))}}}'::bigint[])", params


def written_keys(keys):
    """The keys of a search's matches (a subquery of primary keys) as a list, to be written into the
    list's statements with ``EqualsAny``; None when there are more than ``INLINE_KEYS``.

    Written in, PostgreSQL knows how many rows they match: it finds a rare term's rows from the
    indexes on the keys and tests each row against a hashed array. Given the search as a subquery,
    it guessed, read every row of a large table for the count and the date drill-down (or walked
    the date index testing each article's search vector: 0.8 s for a rare word), and ran the
    search once per statement. A term matching more keys keeps the subquery: reading the table is
    then the cheaper plan.
    """
    listed = list(keys.order_by().values_list("pk", flat=True)[: INLINE_KEYS + 1])
    return listed if len(listed) <= INLINE_KEYS else None


@admin.register(Article)
class ArticleAdmin(
    HelpfulColumnMixin, EditorAdminMixin, AccessibilityAdminMixin, ReviewCycleAdminMixin, CitingAdminMixin, WorkflowArticleAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["title", "state", "series_label", "latest_reviewer", "last_reviewed", "publish_time", "author",
                    "reader_helpful"]
    list_select_related = ["author", "last_reviewer", "series_entry__series"]
    list_filter = [
        StatusFilter,
        ("series_entry__series", SelectRelatedFilter),
        ("tags", TagFilter),
        ("reviews__reviewer", SelectRelatedFilter),
    ]
    search_fields = ["title", "summary", "body"]  # SQLite; on PostgreSQL the search index (get_search_results)
    search_help_text = "Words, or the beginnings of words, in the title, summary or body."
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    autocomplete_fields = ["author", "assigned_reviewer", "lead_image"]
    inlines = [MedicalReviewInline, ArticleCitationInline, RelatedLinkInline, ArticleSeriesEntryInline]
    actions = [*WorkflowArticleAdminMixin.actions, export_articles_csv]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "lead_image", "body", "tags", "search_terms"]}),
        ("Publishing", {"fields": ["status", "publish_at", "author", "assigned_reviewer", "referenced_on"]}),
        ("Review policy and disclosure", {"classes": ["collapse"], "fields": ["review_interval_months", "funding"]}),
    ]

    # Large catalogues: no second, unfiltered count; estimated counts; no DISTINCT over bodies.
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_changelist(self, request, **kwargs):
        return SemiJoinChangeList

    def get_search_results(self, request, queryset, search_term):
        found = site_search.editor_search(queryset, search_term)
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        keys = written_keys(site_search.articles_matching(search_term)) if search_term.strip() else None
        if keys is not None:
            found = queryset.filter(EqualsAny("pk", keys)) if keys else queryset.none()
        return found, False  # a filter on the article's own columns: no duplicates

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        moved = getattr(formset, "moved", None)
        if moved:
            parts = ", ".join(f"{entry.label} (now {entry.position})" for entry in moved)
            self.message_user(request, f"Inserted into the series; moved down one to make room: {parts}.", messages.INFO)

    @admin.display(description="status", ordering="status")
    def state(self, article):
        return article.state_label

    @admin.display(description="publish time", ordering="publish_at")
    def publish_time(self, article):
        return local_time(article.publish_at) if article.publish_at else "—"

    @admin.display(description="series", ordering="series_entry__series__title")
    def series_label(self, article):
        entry = getattr(article, "series_entry", None)
        return f"{entry.series}: {entry.label}" if entry else "—"

    @admin.display(description="last reviewed", ordering="last_reviewed_on")
    def last_reviewed(self, article):
        return article.last_reviewed_on or "never"


class ArticleIndexSearchMixin:
    """Search a list of rows about articles through the articles' search index (PostgreSQL).

    Django's search would compare every joined article title with ``LIKE``, for the count, the
    rows and the date drill-down: far too slow on a large catalogue. Here a row matches when an
    article it names (``search_article_relations``) is found by the editors' article search, or
    when the whole term is part of a small related table's field (``search_related_text``, e.g.
    the reviewer's name). The matching articles (GIN) and reviewers are found once per page and
    their keys written into the list's statements (``written_keys``): a word in 3% of 160,000
    reviews is counted from the foreign keys' indexes and paged from the date index, with
    nothing read whole (docs/performance.md, "Measurements behind the code"). SQLite keeps Django's search over ``search_fields``.
    """

    search_article_relations = ()
    search_related_text = ()
    show_full_result_count = False  # tables of 100,000 rows and more: no second, unfiltered count
    paginator = EstimatedCountPaginator

    def get_changelist(self, request, **kwargs):
        return SemiJoinChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search's matches are counted exactly: the planner's guess for these semi-joins can
        # be off by thousands, and a search that found nothing would read "10,000".
        paginator = DeferredJoinPaginator if request.GET.get(SEARCH_VAR) else self.paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        matched = site_search.articles_matching(term) if term else None
        if matched is None:
            return super().get_search_results(request, queryset, search_term)
        article_keys = written_keys(matched)  # read once, for each relation that names an article
        matches = [(relation, matched, article_keys) for relation in self.search_article_relations]
        for relation, field in self.search_related_text:
            model = queryset.model._meta.get_field(relation).related_model
            related = model.objects.filter(**{f"{field}__icontains": term}).values("pk")
            matches.append((relation, related, written_keys(related)))
        condition = Q()
        for relation, keys, listed in matches:
            if listed is None:
                condition |= Q(**{f"{relation}__in": keys})
            elif listed:  # no keys match nothing: left out, so PostgreSQL can count from one index alone
                condition |= Q(EqualsAny(relation, listed))
        found = queryset.filter(condition) if condition else queryset.none()
        return found, False  # the row's own columns and semi-joins: no duplicates


@admin.register(MedicalReview)
class MedicalReviewAdmin(ArticleIndexSearchMixin, ReviewLogMixin, admin.ModelAdmin):
    list_display = ["article", "reviewer", "reviewed_on", "scope"]
    list_select_related = ["article", "reviewer"]
    list_filter = ["scope", "reviewer"]
    search_fields = ["article__title", "reviewer__name", "notes"]
    search_article_relations = ["article"]
    search_related_text = [("reviewer", "name")]
    search_help_text = "Words of the article reviewed, or part of the reviewer's name."
    autocomplete_fields = ["article", "reviewer"]
    date_hierarchy = "reviewed_on"


class RelatedLinkForm(forms.ModelForm):
    """A related link may be put only on an article its editor may change (``workflow.can_edit``)."""

    user = None  # set by RelatedLinkAdmin.get_form

    class Meta:
        model = RelatedLink
        fields = ["article", "target", "position"]

    def clean_article(self):
        article = self.cleaned_data["article"]
        if article is not None and not workflow.can_edit(self.user, article):
            raise forms.ValidationError("You may change the related links only of articles you may edit "
                                        "(writers: their own drafts).")
        return article


@admin.register(RelatedLink)
class RelatedLinkAdmin(ArticleIndexSearchMixin, admin.ModelAdmin):
    """The same rule as the article form's inline (``workflow.can_edit``), and an audit entry for each change."""

    form = RelatedLinkForm
    list_display = ["article", "target", "position"]
    list_select_related = ["article", "target"]
    search_fields = ["article__title", "target__title"]
    search_article_relations = ["article", "target"]
    search_help_text = "Words of either article."
    autocomplete_fields = ["article", "target"]

    def _editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, obj.article)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workflow.record_related_link_change(obj, request.user, "changed" if change else "added")

    def delete_model(self, request, obj):
        workflow.record_related_link_change(obj, request.user, "removed")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        links = list(queryset.select_related("article", "target"))
        if not all(self._editable(request, link) for link in links):
            raise PermissionDenied("Some of the selected links belong to articles you may not edit.")
        for link in links:
            workflow.record_related_link_change(link, request.user, "removed")
        super().delete_queryset(request, queryset)


@admin.register(PendingLink)
class PendingLinkAdmin(admin.ModelAdmin):
    """Links imported pages name before their article exists; the import that brings it resolves them."""

    list_display = ["article", "kind", "title", "created_at"]
    list_select_related = ["article"]
    list_filter = ["kind"]
    search_fields = ["title", "article__title"]
    autocomplete_fields = ["article"]
