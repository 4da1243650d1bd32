"""The review cycle in the article admin: status, reading grade, typo-fix override, corrections.

A mixin, so ``articles/admin/articles.py`` only adds it to ``ArticleAdmin``'s bases; every hook here
calls ``super()`` and so composes with the workflow's own overrides.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.content import literacy
from articles.media import models as media
from articles.models import Article, ArticleEvent, MedicalReview, ReviewReminder
from articles.reviews import display as review_display
from articles.reviews import services
from articles.workflow import integrity
from articles.workflow.rules import is_editor


class CorrectionInline(admin.TabularInline):
    """Corrections editors write for the audit trail; "announced" ones are shown to readers."""

    model = ArticleEvent
    fk_name = "article"
    extra = 0
    fields = ["comment", "announced", "created_at", "actor"]
    readonly_fields = ["created_at", "actor"]
    verbose_name = "correction"
    verbose_name_plural = "corrections"
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=ArticleEvent.Kind.CORRECTION).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is kept


class ReminderInline(admin.TabularInline):
    """When each reminder and escalation about this article went, and to whom (read only)."""

    model = ReviewReminder
    extra = 0
    fields = ["sent_at", "kind", "due_on", "reviewer", "recipients"]
    readonly_fields = fields
    verbose_name_plural = "review reminders sent"
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _typo_fix_field():
    return forms.BooleanField(
        required=False,
        label="This change is a typo fix",
        help_text=(
            "Editors only. Tick when the change to the title, summary, body or citations is not substantive: the article is "
            "not flagged “changed since review”, and the audit trail records that you decided so. Never for a "
            "change of pictures: a medical reviewer reviews those."
        ),
    )


class _TypoFixCheck:
    """Mixed into the article form when it offers the typo-fix box: ticking it for an edit that
    changes the pictures (the lead image, the body's figures) is a form error, by the one rule
    ``integrity.typo_fix_refusal``."""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("typo_fix"):
            return cleaned
        # The instance still holds the stored values: the form's are put on it after clean().
        lead = self.instance.lead_image_id
        if "lead_image" in cleaned:
            lead = cleaned["lead_image"].pk if cleaned["lead_image"] else None
        body = cleaned.get("body", self.instance.body)
        ids = {*media.shown_ids(self.instance.lead_image_id, self.instance.body), *media.shown_ids(lead, body)}
        images = media.images_by_id(ids)
        refused = integrity.typo_fix_refusal(
            {"images": media.review_data(self.instance.lead_image_id, self.instance.body, images)},
            {"images": media.review_data(lead, body, images)},
        )
        if refused:
            self.add_error("typo_fix", refused)
        return cleaned


class ReviewCycleAdminMixin:
    """Adds the review cycle to ``ArticleAdmin``."""

    review_fields = ["review_status", "reading_level"]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if action_location == ActionLocation.CHANGE_LIST and self.actions is not None and is_editor(request.user):
            action = self.get_action("mark_typo_fix", action_location)
            actions[action.name] = action
        return actions

    @admin.action(description="Mark the change since review as a typo fix (editors)")
    def mark_typo_fix(self, request, queryset):
        waived, skipped, refused = [], 0, []
        for article in queryset:
            try:
                if services.waive_change(article, by=request.user):
                    waived.append(article)
                else:
                    skipped += 1
            except ValidationError as error:
                refused.append(f"“{article}”: {' '.join(error.messages)}")
        if waived:
            self.message_user(request, f"{len(waived)} article(s) no longer flagged “changed since review”; the audit "
                                       "trail records your decision.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} article(s) had no change since review and were left alone.",
                              messages.WARNING)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    def get_urls(self):
        return [
            path("<path:object_id>/typo-fix/", self.admin_site.admin_view(self.typo_fix_view),
                 name="articles_article_typo_fix"),
            *super().get_urls(),
        ]

    def typo_fix_view(self, request, object_id):
        """The list action for one article, from its page and its publish page (POST only): the
        change since review is a typo fix, where ``services.typo_fix_refusal`` allows one."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not is_editor(request.user):
            raise PermissionDenied
        try:
            waived = services.waive_change(article, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            if waived:
                self.message_user(request, "Marked a typo fix: the article is no longer “changed since review”, and "
                                           "the audit trail records your decision.", messages.SUCCESS)
            else:
                self.message_user(request, "It had not changed since its review: nothing to mark.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def get_list_display(self, request):
        return [*super().get_list_display(request), "changed_since_review"]

    @admin.display(description="changed since review", boolean=True)
    def changed_since_review(self, obj):
        # The stored side (queries.CHANGED_SINCE_REVIEW): a list cannot hash every body.
        return bool(obj.last_signed_off_at) and obj.content_fingerprint != obj.reviewed_fingerprint

    def _offers_typo_fix(self, request, obj):
        return (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and is_editor(request.user)
            and obj.last_reviewed_on is not None  # kept from its reviews (integrity.refresh_review_dates)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        fields = list(self.review_fields)
        if self._offers_typo_fix(request, obj):
            fields.append("typo_fix")
        return [*fieldsets, ("Medical review cycle", {"fields": fields})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [f for f in self.review_fields if f not in readonly] if obj is not None else readonly

    def get_form(self, request, obj=None, **kwargs):
        if self._offers_typo_fix(request, obj):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (_TypoFixCheck, base), {"typo_fix": _typo_fix_field()})
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return inlines + [CorrectionInline, ReminderInline] if obj is not None else inlines

    def save_model(self, request, obj, form, change):
        # What readers saw before this save, to tell a real change from a re-saved form.
        request._review_cycle_before = _content_snapshot(obj.pk) if change else None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ArticleEvent:
            for event in formset.save(commit=False):
                if event.pk is None:
                    event.kind, event.actor = ArticleEvent.Kind.CORRECTION, request.user
                event.save()
            return
        super().save_formset(request, form, formset, change)
        if formset.model is MedicalReview:
            request._review_cycle_new_reviews = list(formset.new_objects)
            for review in formset.new_objects:
                services.log_review(review, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A review added in this same save covers the content as saved, citations included
        # (they are saved after the reviews).
        integrity.restamp_reviews(getattr(request, "_review_cycle_new_reviews", []))
        before = getattr(request, "_review_cycle_before", None)
        if before is None:
            return
        after = _content_snapshot(form.instance.pk)
        changed = [name for name in ("title", "summary", "body", "citations") if before[name] != after[name]]
        services.record_content_change(
            form.instance, by=request.user, changed=changed, typo_fix=form.cleaned_data.get("typo_fix", False),
            was_changed=before["changed_since_review"],
        )

    def paste_references_view(self, request, object_id):
        response = super().paste_references_view(request, object_id)
        if request.method == "POST" and response.status_code == 302:  # the pasted citations were saved
            article = self.get_object(request, object_id)
            if article is not None:
                services.record_content_change(article, by=request.user, changed=["citations (pasted list)"])
        return response

    @admin.display(description="review status")
    def review_status(self, obj):
        dates = review_display.stored_review_dates(obj)
        if dates.last_reviewed_on is None:
            return "Never medically reviewed: due now."
        today = timezone.localdate()
        due = dates.next_review_due
        when = f"overdue by {(today - due).days} days" if due < today else f"in {(due - today).days} days"
        parts = [
            format_html(
                "Last reviewed {}; next review due {} ({}; every {} months).",
                f"{dates.last_reviewed_on:%d %B %Y}", f"{due:%d %B %Y}", when, dates.interval_months,
            )
        ]
        if dates.changed_since_review:
            parts.append(format_html(
                ' <strong>Changed since review</strong> on {}: a reviewer should check the change.', f"{dates.last_updated_on:%d %B %Y}"
            ))
        reminder = ReviewReminder.objects.filter(article=obj).first()
        if reminder:
            parts.append(format_html(" Last reminder: {} ({}).", f"{timezone.localtime(reminder.sent_at):%d %B %Y %H:%M}",
                                     reminder.get_kind_display().lower()))
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.display(description="reading level")
    def reading_level(self, obj):
        result = literacy.readability(obj.body, target=settings.READING_GRADE_TARGET)
        if not result.words:
            return "No body text yet."
        verdict = "on target" if result.on_target else "above target: simplify the sentences below"
        summary = format_html(
            "Flesch-Kincaid grade <strong>{}</strong> (target {} or below; {}). {} words in {} sentences.",
            result.grade, result.target, verdict, result.words, result.sentences,
        )
        if not result.hardest:
            return summary
        rows = format_html_join("", "<li>Grade {}: {}</li>", ((s.grade, s.text) for s in result.hardest))
        return format_html("{}<br>Hardest sentences:<ol>{}</ol>", summary, rows)


def _content_snapshot(article_id):
    """What readers see of the article as stored now (``integrity.content``), and whether it
    already differed from its review."""
    row = Article.objects.filter(pk=article_id).values("reviewed_fingerprint", "last_signed_off_at").first() or {}
    data = integrity.stored_contents([article_id]).get(article_id) or {"title": None, "summary": None, "body": None, "references": []}
    return {
        "title": data["title"], "summary": data["summary"], "body": data["body"], "citations": data["references"],
        "changed_since_review": bool(row.get("last_signed_off_at")) and integrity.fingerprint(data) != row.get("reviewed_fingerprint"),
    }


class ReviewLogMixin:
    """Writes the audit entry for a review added through the medical review admin."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.log_review(obj, by=request.user)
