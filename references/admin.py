"""Admin for sources and references: written once, cited from many articles."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join

from .admin_paste import paste_references_view
from .linkcheck import check_references
from .markers import citation_problems, marker_numbers, renumber_markers, renumbering
from .models import Citation, Reference, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "reference_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reference_total=Count("references")).order_by(*Source._meta.ordering)

    @admin.display(description="references", ordering="reference_total")
    def reference_count(self, source):
        return source.reference_total


class LinkStatusFilter(admin.SimpleListFilter):
    """The link checker's verdict, from the querysets that define it."""

    title = "link status"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [("broken", "Broken"), ("redirected", "Redirected"), ("ok", "OK"), ("unchecked", "Never checked")]

    def queryset(self, request, queryset):
        match self.value():
            case "broken":
                return queryset.broken()
            case "redirected":
                return queryset.redirected()
            case "ok":
                return queryset.exclude(checked_at=None).exclude(pk__in=Reference.objects.needs_attention())
            case "unchecked":
                return queryset.filter(checked_at=None).exclude(url="")
        return queryset


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "source_label", "url", "doi", "pmid", "link_status", "checked_at", "cited_in"]
    list_select_related = ["source"]
    list_filter = [LinkStatusFilter, "source"]
    search_fields = ["title", "more_titles", "url", "doi", "pmid", "source_name"]
    actions = ["check_links_now"]
    CHECK_NOW_LIMIT = 50
    autocomplete_fields = ["source"]
    readonly_fields = ["checked_at", "http_status", "final_url", "check_error", "cited_by"]
    fieldsets = [
        (None, {"fields": ["source", "title", "more_titles", "url", "doi", "pmid", "accessed_on", "cited_by"]}),
        ("Link check", {"classes": ["collapse"], "fields": ["checked_at", "http_status", "final_url", "check_error"]}),
    ]

    class Media:
        css = {"all": ["references/admin.css"]}

    # 50,000 references on a large site: no second, unfiltered count.
    show_full_result_count = False

    def get_queryset(self, request):
        # "Cited in" is counted per reference listed (a probe of the citations' reference index),
        # not by grouping every citation: a join with COUNT grouped a million citations for each
        # count and page of the list (3.4 s on 50,000 references).
        cited = Citation.objects.filter(reference=OuterRef("pk")).order_by().values("reference").annotate(n=Count("*"))
        return (
            super().get_queryset(request)
            .select_related("source")  # autocomplete labels name the source
            .annotate(citation_total=Coalesce(Subquery(cited.values("n")), 0))
            .order_by(*Reference._meta.ordering)  # autocomplete's pagination needs an order
        )

    def has_change_permission(self, request, obj=None):
        """Writers change only references that nothing past a draft cites: a shared reference
        cited by reviewed or live articles is changed by an editor, and each of those articles
        then shows "changed since review" (articles.workflow.integrity) with an entry in its audit trail."""
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or request.user.has_perm("references.change_cited_reference") or not obj.cited_beyond_drafts()

    def save_model(self, request, obj, form, change):
        obj._changed_by = request.user  # named in the citing articles' audit trail
        super().save_model(request, obj, form, change)

    @admin.display(description="source", ordering="source_name")
    def source_label(self, reference):
        return reference.source_name or "—"

    @admin.display(description="cited in", ordering="citation_total")
    def cited_in(self, reference):
        total = getattr(reference, "citation_total", None)
        return f"{total} article{'s' if total != 1 else ''}" if total is not None else "—"

    @admin.action(description="Check the selected references' links now", permissions=["change"])
    def check_links_now(self, request, queryset):
        """A quick check from the list, bounded well inside a web request's time."""
        references = list(queryset.exclude(url="").order_by("pk")[: self.CHECK_NOW_LIMIT + 1])
        if len(references) > self.CHECK_NOW_LIMIT:
            self.message_user(
                request,
                f"Select at most {self.CHECK_NOW_LIMIT} references with a URL; "
                "manage.py check_references checks them all.",
                messages.ERROR,
            )
            return
        if not references:
            self.message_user(request, "None of the selected references has a URL to check.", messages.WARNING)
            return
        summary = check_references(references, concurrency=10, timeout=8, max_time=20)
        level = messages.WARNING if summary.broken or summary.unchecked else messages.SUCCESS
        self.message_user(request, summary.describe(), level)

    @admin.display(description="cited by")
    def cited_by(self, reference):
        """The articles citing this reference, linked to their admin pages."""
        if reference.pk is None:
            return "—"
        citations = list(reference.citations.select_related("article").order_by("article_id"))
        if not citations:
            return "No article cites it yet."
        article_opts = Citation._meta.get_field("article").related_model._meta
        url_name = f"admin:{article_opts.app_label}_{article_opts.model_name}_change"
        return format_html_join(
            ", ", '<a href="{}">{}</a> [{}]',
            ((reverse(url_name, args=[c.article_id]), c.article, c.position) for c in citations),
        )

    @admin.display(description="link", ordering="http_status")
    def link_status(self, reference):
        return link_badge(reference)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/use-in-popup/",
                self.admin_site.admin_view(self.use_in_popup_view),
                name="references_reference_use_in_popup",
            ),
            *super().get_urls(),
        ]

    def use_in_popup_view(self, request, object_id):
        """Pick an existing reference in the citation inline's "add another" popup, instead of a duplicate."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not object_id.isdigit():
            raise Http404("No such reference.")
        reference = get_object_or_404(Reference, pk=object_id)
        if not self.has_view_permission(request, reference):
            raise PermissionDenied
        return self.response_add(request, reference)

    def get_deleted_objects(self, objs, request):
        """A reference still cited cannot be deleted (PROTECT); say which articles cite it, linked."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [_cited_in(c) for c in Citation.objects.filter(reference__in=objs).select_related("article")]
        return deleted, counts, perms_needed, protected

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context.get("adminform").form if context.get("adminform") else None
        if form is not None and form.is_bound and any(
            error.code == "duplicate" for error in form.non_field_errors().as_data()
        ):
            context["duplicate_of"] = form.instance.duplicates().select_related("source").first()
            context["is_popup_picker"] = IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET
            context["popup_to_field"] = request.POST.get(TO_FIELD_VAR) or request.GET.get(TO_FIELD_VAR) or ""
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


def link_badge(reference):
    """A badge: broken (with the status or error), redirected (with the target), OK, or not checked."""
    if not reference.url:
        return "—"
    if reference.checked_at is None:
        return format_html('<span class="link-badge link-unchecked">{}</span>', "not checked")
    if reference.http_status is None or reference.http_status >= 400:
        reason = reference.http_status or reference.check_error or "no answer"
        return format_html('<strong class="link-badge link-broken" title="{}">✗ broken ({})</strong>',
                           reference.check_error, str(reason).split(":")[0])
    if reference.final_url:
        return format_html('<span class="link-badge link-redirected" title="{}">→ redirected</span>', reference.final_url)
    return format_html('<span class="link-badge link-ok">✓ {}</span>', reference.http_status)


class CitationFormSet(BaseInlineFormSet):
    """Keeps the body's markers pointing at the same references when citations move.

    Markers are numbers in citation order, so reordering or removing citations
    would silently make ``[2]`` cite something else. On a save that changes the
    numbering but not the markers, the markers are renumbered to follow their
    references; removing a citation the text still cites, or changing markers and
    numbering in one save, is refused with a message. A published article cannot
    be saved with a marker that cites nothing.

    The admin builds this formset around the article as posted (not yet saved),
    so ``self.instance.body`` and ``status`` are the values being saved.
    """

    def clean(self):
        super().clean()
        self.renumbered = {}
        if any(self.errors):
            return
        article = self.instance
        kept = sorted(
            (form.cleaned_data["position"], form.instance.pk or f"new-{index}")
            for index, form in enumerate(self.forms)
            if form.cleaned_data.get("reference") and not form.cleaned_data.get("DELETE")
        )
        self._follow_references(article, [key for _, key in kept])
        if getattr(article, "status", None) == "published":
            blockers = citation_problems(article.body, len(kept)).blockers
            if blockers:
                raise ValidationError([f"{m} A published article cannot cite a missing reference." for m in blockers])

    def _follow_references(self, article, new_order):
        if article.pk is None:
            return
        old_order = list(Citation.objects.filter(article_id=article.pk).order_by("position").values_list("pk", flat=True))
        saved_body = type(article)._default_manager.filter(pk=article.pk).values_list("body", flat=True).first() or ""
        used = set(marker_numbers(saved_body))
        moved = {old: new for old, new in renumbering(old_order, new_order).items() if old in used}
        if not moved:
            return
        if marker_numbers(saved_body) != marker_numbers(article.body):
            raise ValidationError(
                "You changed the citation markers in the text and the order of the citations in one save. "
                "Save one change, then the other, so that every marker keeps pointing at its reference."
            )
        removed = sorted(old for old, new in moved.items() if new is None)
        if removed:
            listed = ", ".join(f"[{n}]" for n in removed)
            raise ValidationError(
                f"The text still cites {listed}. Remove those markers before removing the citation, "
                "or replace the citation instead of deleting it."
            )
        article.body = renumber_markers(article.body, moved)
        self.renumbered = moved


class CitationInline(admin.TabularInline):
    """Used by the article admin; lives here because citations are this app's."""

    model = Citation
    formset = CitationFormSet
    extra = 0
    autocomplete_fields = ["reference"]
    fields = ["position", "reference", "link"]
    readonly_fields = ["link"]
    ordering = ["position"]

    class Media:
        css = {"all": ["references/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reference__source")

    @admin.display(description="link check")
    def link(self, citation):
        return link_badge(citation.reference) if citation.reference_id else "—"


class LinkProblemsFilter(admin.SimpleListFilter):
    """Articles citing a reference whose link is broken or redirected (for the article changelist)."""

    title = "reference links"
    parameter_name = "reference_links"

    def lookups(self, request, model_admin):
        return [("broken", "Cite a broken link"), ("redirected", "Cite a redirected link")]

    def queryset(self, request, queryset):
        match self.value():
            case "broken":
                references = Reference.objects.broken()
            case "redirected":
                references = Reference.objects.redirected()
            case _:
                return queryset
        return queryset.filter(pk__in=Citation.objects.filter(reference__in=references).values("article_id"))


class CitingAdminMixin:
    """For the article admin: citation warnings on the form and a "paste references" page.

    Knows the article only as ``obj`` with a ``body`` and ``citations``.
    """

    citation_check_fieldset = ("Citations", {"fields": ["citation_check"]})

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/paste-references/",
                self.admin_site.admin_view(self.paste_references_view),
                name=f"{opts.app_label}_{opts.model_name}_paste_references",
            ),
            *super().get_urls(),
        ]

    def paste_references_view(self, request, object_id):
        return paste_references_view(self, request, object_id)

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), self.citation_check_fieldset]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), LinkProblemsFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "citation_check"]

    @admin.display(description="Citation check")
    def citation_check(self, obj):
        """Problems between the saved body's markers and the saved citations, and the paste link."""
        if obj is None or obj.pk is None:
            return "Save the article first; then you can paste its reference list."
        total = getattr(obj, "citation_total", None)  # counted with the object when its admin does so
        problems = citation_problems(obj.body, obj.citations.count() if total is None else total)
        paste_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_paste_references", args=[obj.pk])
        paste = format_html('<a href="{}">Paste a reference list…</a>', paste_url)
        if not problems:
            return format_html("Every marker points to a citation and every citation is cited. {}", paste)
        items = format_html_join(
            "", "<li>{}{}</li>",
            [("Blocks publishing: ", m) for m in problems.blockers] + [("", m) for m in problems.warnings],
        )
        return format_html('<ul class="citation-problems">{}</ul>{}', items, paste)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if getattr(formset, "renumbered", None):
                changes = ", ".join(f"[{old}] → [{new}]" for old, new in sorted(formset.renumbered.items()))
                messages.info(request, f"Citation markers in the text now follow their references: {changes}.")
        article = form.instance
        problems = citation_problems(article.body, article.citations.count())
        for message in problems.blockers:
            messages.warning(request, f"{message} This blocks publishing.")
        for message in problems.warnings:
            messages.warning(request, message)


def _cited_in(citation):
    try:
        link = reverse("admin:articles_article_change", args=[citation.article_id])
    except NoReverseMatch:
        return f"Cited as [{citation.position}] in “{citation.article}”"
    return format_html('Cited as [{}] in <a href="{}">{}</a>', citation.position, link, citation.article)
