"""The article admin's editorial workflow: buttons, bulk actions, revisions, no lost edits, archive-not-delete.

Every transition, single or bulk, calls ``articles.workflow.rules``; this module only
turns requests into those calls and their outcomes into pages and messages.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag

from articles.content import accessibility
from articles.content.times import local_time
from articles.models import Article, ArticleEvent, EditConflict, Redirect
from articles.public.redirects import record_slug_change
from articles.reviews import services as review_services
from articles.workflow import integrity, revisions
from articles.workflow import rules as workflow
from articles.workflow.forms import TRANSITION_FORMS, ArticleAdminForm
from cms.changelist import DateSafeChangeList
from cms.spreadsheet import csv_download


def transition_done_message(transition, article):
    """What the editor is told after a transition: the state it left the article in, and when a
    scheduled article goes live, in the site's time zone."""
    if article.is_scheduled():
        return f"{article.state_label}. It goes live then by itself; until then readers cannot see it."
    return f"{transition.label}: done. The article is now {article.get_status_display().lower()}."


class GuardedInlineMixin:
    """An article's inline rows are editable exactly when the article is (writers: their own drafts)."""

    def _article_editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


RECENT_TIMELINE = 10  # lines of the timeline at the foot of the article's form


class WorkflowArticleAdminMixin:
    """Mixed into ArticleAdmin: see the module docstring."""

    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    workflow_readonly = ["status", "publish_at"]

    # --- permissions ---------------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or workflow.can_edit(request.user, obj))

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.submit_article")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def has_archive_permission(self, request):
        return request.user.has_perm("articles.archive_article")

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.workflow_readonly]
        if not workflow.is_editor(request.user):
            fields.append("author")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, {**options, "fields": list(options["fields"])}) for name, options in super().get_fieldsets(request, obj)]
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets[0][1]["fields"].append("seen_version")
        return fieldsets

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public() else None

    @admin.display(description="latest reviewer", ordering="last_reviewer__name")
    def latest_reviewer(self, article):
        # Stored on the article (integrity.refresh_review_dates) and joined for the rows shown
        # (list_select_related). An annotation would also join every reviewer into the list's
        # count and date drill-down queries, many times slower on a large catalogue
        # (docs/performance.md, "Measurements behind the code").
        reviewer = article.last_reviewer
        return reviewer.name if reviewer else "—"

    # --- saving: version check, revision snapshot, redirects --------------------------------

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        if change:
            obj.version = form.cleaned_data["seen_version"]  # checked again in the UPDATE itself
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            record_slug_change(obj, form.initial.get("slug"))

    def save_related(self, request, form, formsets, change):
        # Citation markers follow reordered citations in references.admin.CitationFormSet.
        article = form.instance
        super().save_related(request, form, formsets, change)
        parts = [str(form.fields[name].label or name).lower() for name in form.changed_data
                 if name not in {"seen_version", "conflict_version"}]
        parts += [str(f.model._meta.verbose_name_plural) for f in formsets if f.has_changed()]
        reason = ("Changed " + ", ".join(parts) if parts else "Saved, no change") if change else "Created"
        revisions.refresh_snapshot(article, reason=reason[:100])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Only when a save races past the form's locked version check; nothing was written.
            self.message_user(request, "Not saved: someone saved this article at the same moment. "
                              "Reload to see their version, then make your change again.", messages.ERROR)
            return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = {}
        if article is not None:
            extra = {
                "transitions": workflow.available_transitions(request.user, article),
                "publish_blockers": workflow.publish_blockers(article)
                if article.status in {Article.Status.APPROVED, Article.Status.IN_REVIEW}
                else [],
                "since_review": self.ways_forward(request, article),
                "events": (events := list(article.events.select_related("actor")[:100])),
                "sent_back": next(
                    (e for e in events if e.kind == ArticleEvent.Kind.TRANSITION and e.to_status == Article.Status.DRAFT
                     and e.from_status == Article.Status.IN_REVIEW), None
                ) if article.status == Article.Status.DRAFT else None,
                "publish_time": local_time(article.publish_at) if article.publish_at else "",
                "preview_url": reverse("articles:preview", args=[article.pk]),
                "revisions_url": reverse("admin:articles_article_revisions", args=[article.pk]),
                "timeline": revisions.timeline(article, limit=RECENT_TIMELINE, events=events),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    # --- delete means archive, except for superusers -------------------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        if request.user.is_superuser:
            return super().delete_view(request, object_id, extra_context)
        if not request.user.has_perm("articles.archive_article"):
            raise PermissionDenied  # neither delete nor its stand-in, archive
        return HttpResponseRedirect(reverse("admin:articles_article_transition", args=[object_id, "archive"]))

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions

    # --- bulk actions: the same service functions, one article at a time ----------------------

    def _bulk(self, request, queryset, name):
        done, refused = 0, []
        for article in queryset:
            try:
                with transaction.atomic():
                    workflow.FUNCTIONS[name](article, by=request.user)
                done += 1
            except (PermissionDenied, workflow.TransitionNotAllowed) as error:
                refused.append(f"{article}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        label = workflow.TRANSITIONS[name].label
        if done:
            self.message_user(request, f"{label}: done for {done} article(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"{label} refused for {line}", messages.ERROR)

    @admin.action(description="Submit selected for medical review", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description="Publish selected now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description="Unpublish selected", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "unpublish")

    @admin.action(description="Archive selected", permissions=["archive"])
    def archive_selected(self, request, queryset):
        self._bulk(request, queryset, "archive")

    @admin.action(description="Restore selected from archive", permissions=["archive"])
    def restore_selected(self, request, queryset):
        self._bulk(request, queryset, "restore")

    actions = ["submit_selected", "publish_selected", "unpublish_selected", "archive_selected", "restore_selected"]

    # --- extra pages ----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "tags" in form.base_fields:
            form.base_fields["tags"].widget.attrs["data-suggest-url"] = reverse("admin:articles_article_tag_suggestions")
        return form

    @property
    def media(self):
        return super().media + forms.Media(js=["articles/admin/tag-suggestions.js"])

    def tag_suggestions(self, request):
        """Existing tag names for the tags field's autocomplete, for anyone who may see articles."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        names = Tag.objects.filter(name__icontains=term).order_by("name").values_list("name", flat=True)[:10] if term else []
        return JsonResponse({"results": list(names)})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("tag-suggestions/", wrap(self.tag_suggestions), name="articles_article_tag_suggestions"),
            path("<path:object_id>/transition/<str:name>/", wrap(self.transition_view), name="articles_article_transition"),
            path("<path:object_id>/revisions/", wrap(self.revisions_view), name="articles_article_revisions"),
            path("<path:object_id>/revisions/compare/", wrap(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/revisions/<int:history_id>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore_revision",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _page(self, request, article, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": title,
                "subtitle": str(article),
                **context,
            },
        )

    def ways_forward(self, request, article, *, changes=False):
        """For an approved article whose content changed since its medical review, what the page
        offers ``request.user``: the ways forward open to them (send it back for review; sign it off
        again; a typo fix, only where ``review_services.typo_fix_refusal`` allows one) and, with
        ``changes``, what changed (``revisions.changes_since_review``). None for any other article."""
        if article.status != Article.Status.APPROVED or not integrity.changed_since_review_now(article.pk):
            return None
        editor = workflow.is_editor(request.user)
        refused = review_services.typo_fix_refusal(article) if editor else ""
        return {
            "parts": revisions.changes_since_review(article.pk) if changes else None,
            "review_again": workflow.allowed(request.user, "review_again", article),
            "sign_off": workflow.allowed(request.user, "sign_off", article),
            "typo_fix": editor and not refused,
            "typo_fix_refused": refused,
            "reviewer": article.last_reviewer,
        }

    def transition_view(self, request, object_id, name):
        article = self._article_or_404(request, object_id)
        if name not in workflow.TRANSITIONS:
            raise Http404("No such transition.")
        transition = workflow.TRANSITIONS[name]
        workflow.check_permission(request.user, name, article)  # PermissionDenied -> 403, GET or POST
        form_class = TRANSITION_FORMS[name]
        # Sent back for review: to whoever reviewed it last, unless the editor chooses another.
        reviewer = article.last_reviewer_id if name == "review_again" else article.assigned_reviewer_id
        form = form_class(request.POST or None, initial={"reviewer": reviewer})
        if request.method == "POST" and form.is_valid():
            try:
                workflow.FUNCTIONS[name](article, by=request.user, **form.cleaned_data)
            except workflow.TransitionNotAllowed as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                self.message_user(request, transition_done_message(transition, article), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        refusal = workflow.refusal(name, article)
        reviewing = name in {"sign_off", "request_changes"} and not refusal
        parts = revisions.changes_since_review(article.pk) if reviewing else None
        return self._page(
            request, article, "admin/articles/article/transition.html", transition.label,
            transition=transition, form=form, refusal=refusal,
            publish_blockers=workflow.publish_blockers(article) if name == "publish" else [],
            accessibility_warnings=accessibility.warnings(article.body) if name == "publish" else [],
            since_review=self.ways_forward(request, article, changes=True) if name == "publish" else None,
            # What changed since the latest review, for the reviewer about to review it again.
            review_parts=parts if parts and any(part["changed"] for part in parts) else None,
            # The content shown, which the sign-off covers (workflow.sign_off refuses a change made meanwhile).
            seen_content=integrity.stored_fingerprint(article.pk) if name == "sign_off" else "",
        )

    def revisions_view(self, request, object_id):
        """The article's timeline: edits, reviews, state changes and restores, each edit one click
        from its diff (``revisions.timeline``)."""
        article = self._article_or_404(request, object_id)
        timeline = revisions.timeline(article)
        revision_ids = [entry.revision.history_id for entry in timeline if entry.revision is not None]
        return self._page(
            request, article, "admin/articles/article/revisions.html", "Timeline",
            timeline=timeline,
            can_restore=workflow.can_edit(request.user, article),
            # The two latest edits are chosen for "Compare" until the editor picks others.
            compare_new=revision_ids[0] if revision_ids else None,
            compare_old=revision_ids[1] if len(revision_ids) > 1 else None,
        )

    def history_view(self, request, object_id, extra_context=None):
        # Django's own "History" (its LogEntry list) told less than the timeline: one page for both.
        return self.revisions_view(request, object_id)

    def _revision(self, article, history_id):
        try:
            return article.history.select_related("history_user").get(history_id=int(history_id))
        except (TypeError, ValueError, Article.history.model.DoesNotExist):
            raise Http404("No such revision of this article.") from None

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        old = self._revision(article, request.GET.get("old"))
        new = self._revision(article, request.GET.get("new"))
        if old.history_id > new.history_id:
            old, new = new, old
        return self._page(
            request, article, "admin/articles/article/compare.html", "Compare revisions",
            old=old, new=new, parts=revisions.compare(old, new),
        )

    def restore_view(self, request, object_id, history_id):
        article = self._article_or_404(request, object_id)
        record = self._revision(article, history_id)
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        live = article.status == Article.Status.PUBLISHED
        if request.method == "POST":
            try:
                warnings = revisions.restore_revision(
                    article, record, request.user, live_confirmed=request.POST.get("confirm_live") == "yes"
                )
            except workflow.TransitionNotAllowed as error:
                for message in error.messages:
                    self.message_user(request, f"Not restored: {message}", messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.message_user(
                request, f"Restored the revision of {timezone.localtime(record.history_date):%d %B %Y %H:%M} as a new revision.",
                messages.SUCCESS,
            )
            if live and integrity.changed_since_review_now(article.pk):
                self.message_user(request, "The restored text is live and the page says it changed after its last "
                                           "medical review; it is in the reviewers' “Changed since review” list.",
                                  messages.WARNING)
            for warning in warnings:
                self.message_user(request, warning, messages.WARNING)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        current = revisions.revisions(article).first()
        return self._page(
            request, article, "admin/articles/article/restore.html", "Restore a revision",
            record=record, parts=revisions.compare(record, current) if current else [], live=live,
        )


@admin.register(ArticleEvent)
class ArticleEventAdmin(admin.ModelAdmin):
    """The audit trail: read-only, filterable, exportable as CSV."""

    list_display = ["created_at", "article", "kind", "from_status", "to_status", "actor", "short_comment"]
    list_select_related = ["article", "actor"]
    list_filter = ["kind", "to_status", "created_at"]
    search_fields = ["article__title", "comment", "actor__username"]
    date_hierarchy = "created_at"
    change_list_template = "admin/articles/articleevent/change_list.html"

    def get_changelist(self, request, **kwargs):
        return DateSafeChangeList

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="comment")
    def short_comment(self, event):
        return event.comment if len(event.comment) <= 80 else f"{event.comment[:79]}…"

    def get_urls(self):
        return [
            path("export.csv", self.admin_site.admin_view(self.export_csv), name="articles_articleevent_export"),
            *super().get_urls(),
        ]

    def export_csv(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = ArticleEvent.objects.select_related("article", "actor").order_by("created_at", "id")

        def rows():
            yield ["time (UTC)", "article id", "article", "event", "from", "to", "by", "comment"]
            for event in events.iterator(chunk_size=500):
                yield [
                    event.created_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    event.article_id,
                    event.article.title,
                    event.get_kind_display(),
                    event.from_status,
                    event.to_status,
                    event.actor.get_username() if event.actor else "",
                    event.comment,
                ]

        return csv_download(rows(), f"audit-trail-{timezone.localdate():%Y-%m-%d}.csv")


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "current_address", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_path", "article__title", "article__slug"]
    autocomplete_fields = ["article"]

    @admin.display(description="redirects to")
    def current_address(self, redirect):
        url = redirect.article.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)
