"""The triage inbox: reader reports grouped by article, with state, assignee, notes and links.

An editor opens a report, sets its state, assigns it, writes internal notes, links the revision
that answered it, or publishes the correction readers will see in one step from the report
(``services.publish_correction``, through the workflow). The inbox's header shows the median time
from report to triage and to action over the last 90 days.
"""


from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article
from articles.workflow import revisions
from cms.spreadsheet import csv_download

from . import services, stats
from .models import Feedback

CSV_COLUMNS = [
    "Received", "Article", "Article URL", "Helpful", "Reason", "Section", "Text", "State", "Assignee",
    "Triaged", "Actioned", "Closed", "Correction", "Internal notes",
]


class TriageForm(forms.ModelForm):
    correction_note = forms.CharField(
        label="Publish a correction", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers will see this dated note on the article and on /corrections/, e.g. "
                  "“We corrected the dose of letrozole in Hormone therapy.” Publishing it marks the report actioned. "
                  "Editors only.",
    )

    class Meta:
        model = Feedback
        fields = ["state", "assignee", "notes", "revision", "correction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article_id = self.instance.article_id
        if "revision" in self.fields:
            history = Article.history.model.objects.filter(id=article_id).select_related("history_user")
            self.fields["revision"].queryset = history.order_by("-history_date")
            # Numbered from the first: saves in the same second still read apart.
            number = {pk: n for n, pk in enumerate(history.order_by("history_date").values_list("pk", flat=True), 1)}
            self.fields["revision"].label_from_instance = lambda h: f"Version {number.get(h.pk, '?')}, {revisions.revision_label(h)}"
        if "correction" in self.fields:
            self.fields["correction"].queryset = self.fields["correction"].queryset.filter(article_id=article_id)
            self.fields["correction"].label_from_instance = lambda e: (
                f"{timezone.localtime(e.created_at):%d %b %Y}: {e.comment[:80]}"
            )


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    form = TriageForm
    list_display = ["article_title", "created_at", "reason_label", "excerpt", "state", "assignee"]
    list_display_links = ["created_at"]
    list_filter = [
        "state", "reason",
        ("article", admin.RelatedOnlyFieldListFilter),
        ("article__last_reviewer", admin.RelatedOnlyFieldListFilter),
        ("article__series_entry__series", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "section", "article__title"]
    list_select_related = ["article", "assignee"]
    readonly_fields = ["article_link", "created_at", "helpful", "reason", "section", "text", "triaged_at", "actioned_at",
                       "closed_at", "notified_at"]
    fieldsets = [
        ("What the reader sent", {"fields": ["article_link", "created_at", "helpful", "reason", "section", "text"]}),
        ("Triage", {"fields": ["state", "assignee", "notes"]}),
        ("What answered it", {"fields": ["revision", "correction", "correction_note"]}),
        ("Times", {"fields": ["triaged_at", "actioned_at", "closed_at", "notified_at"], "classes": ["collapse"]}),
    ]
    actions = ["mark_triaged", "close_not_actionable", "export_csv"]
    list_per_page = 50

    def get_queryset(self, request):
        return Feedback.objects.for_inbox()

    def get_ordering(self, request):
        # Grouped by article (the article with the newest report first), newest first within each.
        return ["-article_latest", "article_id", "-created_at", "-id"]

    def has_add_permission(self, request):
        return False  # reports come from readers

    def has_delete_permission(self, request, obj=None):
        return False  # kept: the record of what readers told us and what we did

    def get_changelist_instance(self, request):
        """Mark each article's group: its first report carries the group's counts (one query for the page)."""
        changelist = super().get_changelist_instance(request)
        if ORDER_VAR in request.GET:  # sorted by a column: the rows are no longer in groups
            return changelist
        rows = changelist.result_list
        counts = Feedback.objects.reports().group_counts({row.article_id for row in rows})
        previous = None
        for row in rows:
            row.group = counts.get(row.article_id, (0, 0)) if row.article_id != previous else "same"
            previous = row.article_id
        return changelist

    @admin.display(description="article", ordering="article__title")
    def article_title(self, obj):
        group = getattr(obj, "group", None)
        if group is None:
            return obj.article.title
        if group == "same":  # a later report of the same article: the title is for screen readers, not the eye
            return format_html('<span class="visually-hidden">{}</span>', obj.article.title)
        total, new = group
        return format_html(
            '<strong><a href="?article__id__exact={}">{}</a></strong><br><span class="quiet">{} report{}, {} new</span>',
            obj.article_id, obj.article.title, total, "" if total == 1 else "s", new,
        )

    @admin.display(description="article")
    def article_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">edit</a>)', obj.article.get_absolute_url(), obj.article.title,
            reverse("admin:articles_article_change", args=[obj.article_id]),
        )

    @admin.display(description="what was wrong", ordering="reason")
    def reason_label(self, obj):
        return obj.get_reason_display() if obj.reason else "–"

    @admin.display(description="report")
    def excerpt(self, obj):
        text = (f"[{obj.section}] " if obj.section else "") + obj.text
        return text[:120] + ("…" if len(text) > 120 else "")

    def changelist_view(self, request, extra_context=None):
        times = stats.triage_times()
        extra_context = {
            **(extra_context or {}),
            "triage_times": times,
            "to_triage": stats.duration(times.to_triage),
            "to_action": stats.duration(times.to_action),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("correction_note", "").strip()
        if note:
            try:
                services.publish_correction(obj, by=request.user, note=note)
            except PermissionDenied as error:
                messages.error(request, str(error))
                services.save_triage(obj)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                services.save_triage(obj)
            else:
                messages.success(request, "The correction is published on the article and on /corrections/.")
            return
        services.save_triage(obj)

    @admin.action(description="Mark selected reports triaged", permissions=["change"])
    def mark_triaged(self, request, queryset):
        count = 0
        for report in queryset.filter(state=Feedback.State.NEW):
            report.state = Feedback.State.TRIAGED
            services.save_triage(report)
            count += 1
        self.message_user(request, f"{count} report(s) marked triaged.", messages.SUCCESS)

    @admin.action(description="Close selected reports as not actionable", permissions=["change"])
    def close_not_actionable(self, request, queryset):
        count = 0
        for report in queryset.exclude(state__in=[Feedback.State.CLOSED, Feedback.State.ACTIONED]):
            report.state = Feedback.State.CLOSED
            services.save_triage(report)
            count += 1
        self.message_user(request, f"{count} report(s) closed as not actionable.", messages.SUCCESS)

    @admin.action(description="Export selected reports as CSV (spreadsheet)", permissions=["view"])
    def export_csv(self, request, queryset):
        rows = queryset.select_related("article", "assignee", "correction").order_by("-created_at", "-id")

        def lines():
            yield CSV_COLUMNS
            for r in rows.iterator(chunk_size=1000):
                yield [
                    _when(r.created_at), r.article.title, request.build_absolute_uri(r.article.get_absolute_url()),
                    {True: "yes", False: "no", None: ""}[r.helpful], r.get_reason_display() if r.reason else "",
                    r.section, r.text, r.get_state_display(), r.assignee.get_username() if r.assignee else "",
                    _when(r.triaged_at), _when(r.actioned_at), _when(r.closed_at),
                    r.correction.comment if r.correction else "", r.notes,
                ]

        return csv_download(lines(), f"reader-reports-{timezone.localdate():%Y-%m-%d}.csv")


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class HelpfulColumnMixin:
    """For ``ArticleAdmin``: a "readers found it helpful" column over the last 90 days (one query per page)."""

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        found = stats.helpful_for(article.pk for article in changelist.result_list)
        for article in changelist.result_list:
            article.helpful_90_days = found.get(article.pk, stats.NONE)
        return changelist

    @admin.display(description="helpful (90 days)")
    def reader_helpful(self, obj):
        helpful = getattr(obj, "helpful_90_days", stats.NONE)
        if helpful.flagged:
            return format_html('<strong class="reader-flag">{} ⚑ review</strong>', str(helpful))
        return str(helpful) if helpful.answers else "–"
