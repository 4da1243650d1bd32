"""The article change form as a writing tool: presence, autosave, unsaved preview, live reading level, link picker.

A mixin for ``ArticleAdmin``: each hook calls ``super()``. The endpoints are small, staff-only
and JSON (except the preview, a page), never cached (``admin_view``); the page's script is ``articles/admin/editor.js``.
"""

import copy

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.utils import parse_tags

from . import editing, literacy
from .html import sanitize_html
from .models import Article
from .preview import snapshot_preview

LINK_RESULTS = 10


def _posted_rows(post, prefix, key):
    """The rows of an inline formset as posted: ``key`` (a primary key) and position, deleted rows left out."""
    try:
        total = min(int(post.get(f"{prefix}-TOTAL_FORMS", 0)), 1000)
    except ValueError:
        return []
    rows = []
    for i in range(total):
        value, position = post.get(f"{prefix}-{i}-{key}", ""), post.get(f"{prefix}-{i}-position", "")
        if post.get(f"{prefix}-{i}-DELETE") or not value.isdigit():
            continue
        rows.append({f"{key}_id": int(value), "position": int(position) if position.isdigit() else i + 1})
    return sorted(rows, key=lambda row: row["position"])


class EditorAdminMixin:
    """Mixed into ArticleAdmin: see the module docstring."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["articles/admin/editor.js"], css={"all": ["articles/admin/editor.css"]}
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("link-search/", wrap(self.link_search_view), name="articles_article_link_search"),
            path("reading-level/", wrap(self.reading_level_view), name="articles_article_reading_level"),
            path("preview-unsaved/", wrap(self.preview_unsaved_view), name="articles_article_preview_unsaved_new"),
            path("autosave/", wrap(self.autosave_view), name="articles_article_autosave_new"),
            path("<path:object_id>/presence/", wrap(self.presence_view), name="articles_article_presence"),
            path("<path:object_id>/autosave/", wrap(self.autosave_view), name="articles_article_autosave"),
            path("<path:object_id>/preview-unsaved/", wrap(self.preview_unsaved_view), name="articles_article_preview_unsaved"),
            *super().get_urls(),
        ]

    # --- the change form's context ---------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        editable = self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)
        key = [obj.pk] if obj is not None else []
        context["editor"] = {
            "editable": editable,
            "heartbeat_seconds": editing.HEARTBEAT_SECONDS,
            "autosave_seconds": editing.AUTOSAVE_SECONDS,
            "present": editing.note_presence(obj.pk, request.user) if obj is not None else [],
            "presence_url": reverse("admin:articles_article_presence", args=key) if obj is not None else "",
            "autosave_url": reverse("admin:articles_article_autosave" + ("" if key else "_new"), args=key),
            "preview_url": reverse("admin:articles_article_preview_unsaved" + ("" if key else "_new"), args=key),
            "reading_level_url": reverse("admin:articles_article_reading_level"),
            "link_search_url": reverse("admin:articles_article_link_search"),
            "reading_target": settings.READING_GRADE_TARGET,
            # A form sent back with errors holds the person's typing: nothing to recover over it.
            "draft": editing.draft_to_offer(request.user, obj) if editable and request.method == "GET" else None,
        }
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        editing.discard_draft(request.user, obj if change else None)

    # --- endpoints ------------------------------------------------------------------------------

    def _editable_or_403(self, request, object_id):
        """The article ``object_id`` if ``request.user`` may change it (None: a new one they may add)."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def presence_view(self, request, object_id):
        """Heartbeat of an open change form (POST): records the caller, answers who else has it open."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if request.POST.get("leaving"):
            editing.leave(article.pk, request.user)
            return JsonResponse({"others": []})
        return JsonResponse({"others": editing.note_presence(article.pk, request.user)})

    def autosave_view(self, request, object_id=None):
        """Keep (POST) or discard (POST ``discard``) the caller's own draft copy of the form; never the article."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._editable_or_403(request, object_id)
        if request.POST.get("discard"):
            editing.discard_draft(request.user, article)
            return JsonResponse({"discarded": True})
        try:
            data = editing.draft_data(request.POST)
        except ValueError as error:
            return JsonResponse({"error": str(error)}, status=400)
        version = request.POST.get("base_version", "")
        draft = editing.autosave(request.user, article, data, int(version) if version.isdigit() else None)
        return JsonResponse({"saved_at": timezone.localtime(draft.saved_at).strftime("%H:%M:%S")})

    def preview_unsaved_view(self, request, object_id=None):
        """The article page as the form stands, unsaved: posted by the form's preview buttons to a new window."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        current = self._editable_or_403(request, object_id)
        post = request.POST
        if current is not None:
            current = Article.objects.detail(pk=current.pk)
            article = copy.copy(current)
            article.__dict__.pop("_prefetched_objects_cache", None)
        else:
            article = Article(author=request.user)
            article.announced_corrections = []
        article.title = post.get("title", "")[:200] or "(no title yet)"
        article.summary = post.get("summary", "")[:300]
        article.body = sanitize_html(post.get("body", ""))
        article.funding = post.get("funding", article.funding)
        article.slug = slugify(post.get("slug", "")) or article.slug or "preview"
        entry = getattr(current, "series_entry", None) if current is not None else None
        data = {
            "tags": parse_tags(post.get("tags", "")),
            "citations": _posted_rows(post, "citations", "reference"),
            "related": _posted_rows(post, "related_links", "target"),
            "series": {"series_id": entry.series_id, "series": entry.series.title, "position": entry.position,
                       "label": entry.label} if entry else None,
        }
        return snapshot_preview(request, current, article, data, unsaved=True)

    def reading_level_view(self, request):
        """Words, sentences and reading grade of a posted body, as the server computes them on save."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        result = literacy.readability(sanitize_html(request.POST.get("body", "")[:editing.DRAFT_MAX_CHARS]),
                                      target=settings.READING_GRADE_TARGET, hardest=3)
        return JsonResponse({
            "words": result.words, "sentences": result.sentences, "grade": result.grade, "target": result.target,
            "on_target": result.on_target, "hardest": [s.text for s in result.hardest],
        })

    def link_search_view(self, request):
        """Articles (published first) whose title contains ``q``, for the editor's internal-link picker (10 at most)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        if not term:
            return JsonResponse({"results": []})
        rows = (
            Article.objects.exclude(status=Article.Status.ARCHIVED).filter(title__icontains=term)
            .order_by(Case(When(status=Article.Status.PUBLISHED, then=0), default=1), "title")
            .only("title", "slug", "status")[:LINK_RESULTS]
        )
        return JsonResponse({"results": [
            {"title": a.title, "url": a.get_absolute_url(), "status": a.get_status_display()} for a in rows
        ]})
