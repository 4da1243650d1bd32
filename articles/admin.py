"""The editors' product: articles with their reviews, citations, series and related links."""

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import BooleanField, F, Func, Q

from references.admin import CitationFormSet, CitationInline, CitingAdminMixin

from . import search as site_search
from .admin_accessibility import AccessibilityAdminMixin
from .admin_filters import SelectRelatedFilter, TagFilter
from .admin_workflow import GuardedInlineMixin, WorkflowArticleAdminMixin
from .exports import export_articles_csv
from .models import Article, MedicalReview, PendingLink, RelatedLink, Reviewer, Series, SeriesEntry
from .ordering import PositionedInlineFormSet, SortableInlineMixin
from .pagination import DeferredJoinPaginator, EstimatedCountPaginator, SemiJoinChangeList
from .review_admin import ReviewCycleAdminMixin, ReviewLogMixin


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "specialty", "user", "is_active"]
    list_select_related = ["user"]
    list_filter = ["is_active", "specialty"]
    search_fields = ["name", "credentials", "specialty"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


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


class MedicalReviewInline(GuardedInlineMixin, admin.StackedInline):
    model = MedicalReview
    extra = 0
    autocomplete_fields = ["reviewer"]
    fields = [("reviewer", "reviewed_on", "scope"), "sections", "notes", "conflict_of_interest"]


class RelatedLinkInline(GuardedInlineMixin, SortableInlineMixin, admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["position", "target"]
    ordering = ["position"]


class ArticleSeriesEntryInline(GuardedInlineMixin, admin.TabularInline):
    model = SeriesEntry
    extra = 0
    max_num = 1
    autocomplete_fields = ["series"]
    fields = ["series", "position", "label"]


class CitationOrderFormSet(PositionedInlineFormSet, CitationFormSet):
    """Two-phase position saving, plus the markers in the body following their references."""


class ArticleCitationInline(GuardedInlineMixin, SortableInlineMixin, CitationInline):
    formset = CitationOrderFormSet


INLINE_KEYS = 10_000


class EqualsAny(Func):
    """``column = ANY('{1,2,3}'::bigint[])`` on PostgreSQL, the keys written into the statement.

    They are integers, so this is safe; as one parameter instead, a prepared statement's generic
    plan tested each row against every key in turn (180 ms for 2,600 keys, against 7 ms hashed).
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
    AccessibilityAdminMixin, ReviewCycleAdminMixin, CitingAdminMixin, WorkflowArticleAdminMixin, admin.ModelAdmin
):
    list_display = ["title", "status", "series_label", "latest_reviewer", "last_reviewed", "publish_at", "author"]
    list_select_related = ["author", "last_reviewer", "series_entry__series"]
    list_filter = [
        "status",
        ("series_entry__series", SelectRelatedFilter),
        ("tags", TagFilter),
        ("reviews__reviewer", SelectRelatedFilter),
    ]
    search_fields = ["title", "summary", "body"]  # SQLite; on PostgreSQL the search index (get_search_results)
    search_help_text = "Words, or the beginnings of words, in the title, summary or body."
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    autocomplete_fields = ["author", "assigned_reviewer"]
    inlines = [MedicalReviewInline, ArticleCitationInline, RelatedLinkInline, ArticleSeriesEntryInline]
    actions = [*WorkflowArticleAdminMixin.actions, export_articles_csv]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "tags"]}),
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
    rows and the date drill-down: over a second on 100,000 articles. Here a row matches when an
    article it names (``search_article_relations``) is found by the editors' article search, or
    when the whole term is part of a small related table's field (``search_related_text``, e.g.
    the reviewer's name). The matching articles (GIN) and reviewers are found once per page and
    their keys written into the list's statements (``written_keys``): a word in 3% of 160,000
    reviews is counted from the foreign keys' indexes and paged from the date index, 65-80 ms a
    page with nothing read whole. SQLite keeps Django's search over ``search_fields``.
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


@admin.register(RelatedLink)
class RelatedLinkAdmin(ArticleIndexSearchMixin, admin.ModelAdmin):
    list_display = ["article", "target", "position"]
    list_select_related = ["article", "target"]
    search_fields = ["article__title", "target__title"]
    search_article_relations = ["article", "target"]
    search_help_text = "Words of either article."
    autocomplete_fields = ["article", "target"]


@admin.register(PendingLink)
class PendingLinkAdmin(admin.ModelAdmin):
    """Links imported pages name before their article exists; the import that brings it resolves them."""

    list_display = ["article", "kind", "title", "created_at"]
    list_select_related = ["article"]
    list_filter = ["kind"]
    search_fields = ["title", "article__title"]
    autocomplete_fields = ["article"]


from . import admin_accounts, admin_tags  # noqa: E402, F401  (issue 9: user list with groups; guarded tag merge)
