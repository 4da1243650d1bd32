"""The article change form as a writing tool: presence, autosave, unsaved preview, live reading level, link picker.

A mixin for ``ArticleAdmin``: each hook calls ``super()``. The endpoints are small, staff-only
and JSON (except the preview, a page), never cached (``admin_view``); the page's script is ``articles/admin/editor.js``.
"""

import copy
import difflib
from html.parser import HTMLParser

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Exists, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from taggit.utils import parse_tags

from articles.content import literacy
from articles.content.html import sanitize_html
from articles.media import rendering as media_rendering
from articles.models import Article, AutosavedDraft
from articles.public.preview import snapshot_preview
from articles.reads.page import article_page
from articles.workflow import editing
from articles.workflow.revisions import text_lines
from references.models import Citation

LINK_RESULTS = 10


class _TopBlocks(HTMLParser):
    """Offsets of the top-level elements of a body's HTML."""

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.html, self.depth, self.starts, self.spans = html, 0, [], []
        lines = html.splitlines(keepends=True)
        self.line_offsets = [0]
        for line in lines:
            self.line_offsets.append(self.line_offsets[-1] + len(line))
        self.feed(html)
        self.close()

    def _offset(self):
        line, column = self.getpos()
        return self.line_offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            if self.depth == 0:
                start = self._offset()
                self.spans.append((start, start + len(self.get_starttag_text())))
            return
        if self.depth == 0:
            self.starts.append(self._offset())
        self.depth += 1

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.html.index(">", self._offset()) + 1
            self.spans.append((self.starts.pop(), end))


VOID_TAGS = {"br", "img", "hr", "col"}


def top_blocks(html):
    """The top-level elements of ``html`` (paragraphs, headings, lists, tables, callouts) as strings."""
    html = html or ""
    blocks, previous = [], 0
    for start, end in _TopBlocks(html).spans:
        if html[previous:start].strip():  # text outside any element (an imported body): kept as it is
            blocks.append(html[previous:start])
        blocks.append(html[start:end])
        previous = end
    if html[previous:].strip():
        blocks.append(html[previous:])
    return blocks


def marked_blocks(current_html, reviewed_html):
    """The blocks of ``current_html``, those not in ``reviewed_html`` wrapped in a marked ``<div>``; and their count."""
    blocks = top_blocks(current_html)
    if reviewed_html is None:
        return blocks, 0
    before = [" ".join(text_lines(b, is_html=True)) for b in top_blocks(reviewed_html)]
    after = [" ".join(text_lines(b, is_html=True)) for b in blocks]
    changed = set()
    for op, _, _, b1, b2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op in {"replace", "insert"}:
            changed.update(i for i in range(b1, b2) if after[i])  # an empty line break is no change
    marked = [
        f'<div class="changed-since-review" title="Changed since the last medical review">{block}</div>'
        if i in changed else block
        for i, block in enumerate(blocks)
    ]
    return marked, len(changed)


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
            js=["articles/admin/editor.js", "media/admin/image-picker.js"],
            css={"all": ["articles/admin/editor.css", "media/admin/media.css"]},
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

    def get_object(self, request, object_id, from_field=None):
        """The article, read once per request, with what the change form shows about it in the same query.

        Joined: its series (the review interval). Counted: its citations (the citation check).
        Asked: whether the person has an autosaved draft of it (most have none: no second query).
        """
        loaded = request.__dict__.setdefault("_articles_loaded", {})
        key = (object_id, from_field)
        if key not in loaded:
            loaded[key] = self._read_object(request, object_id, from_field)
        return loaded[key]

    def _read_object(self, request, object_id, from_field):
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        cited = Citation.objects.filter(article=OuterRef("pk")).order_by().values("article").annotate(n=Count("*"))
        queryset = self.get_queryset(request).select_related("series_entry__series").annotate(
            citation_total=Coalesce(Subquery(cited.values("n")), 0),
            has_autosaved_draft=Exists(AutosavedDraft.objects.filter(user=request.user.pk, article=OuterRef("pk"))),
        )
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    # --- the body, read only: as readers will see it ------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [(name, {**options, "fields": ["rendered_body" if f == "body" else f for f in options["fields"]]})
                for name, options in fieldsets]

    @admin.display(description="Body")
    def rendered_body(self, obj):
        """The saved body drawn as on the page, each block changed since the last medical review marked."""
        reviewed = None
        if obj.last_signed_off_at is not None:
            reviewed = (Article.history.filter(id=obj.pk, history_date__lte=obj.last_signed_off_at)
                        .order_by("-history_id").values_list("body", flat=True).first())
        blocks, changed = marked_blocks(obj.body, reviewed)
        if reviewed is None:
            note = "Never medically reviewed: no earlier version to compare with."
        elif changed:
            note = f"{changed} block{'s' if changed != 1 else ''} changed since the last medical review, marked in yellow."
        else:
            note = "No change to the body since the last medical review."
        # The body was sanitised against articles.content.html's allowlist when it was saved.
        body = media_rendering.expand_figures("".join(blocks), media_rendering.images_for(None, obj.body))
        return format_html('<p class="help">{}</p><div class="rendered-body article-body">{}</div>', note,
                           mark_safe(body))  # noqa: S308

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
            "draft": editing.draft_to_offer(request.user, obj)
            if editable and request.method == "GET" and getattr(obj, "has_autosaved_draft", True) else None,
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
            current = article_page(Article.objects, pk=current.pk)
            article = copy.copy(current)  # its related rows are replaced below (snapshot_preview)
        else:
            # Never saved: a key of 0 only lets the page read its related rows from memory.
            article = Article(pk=0, author=request.user)
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


class KnownChoicesAutocompleteSelect(AutocompleteSelect):
    """An autocomplete select that labels its selected value from rows already loaded.

    Django's widget asks the database for the selected object of every row it draws: one query
    per citation, related link and review on the article form. ``ArticleRowsInlineMixin`` hands
    each row's widget the objects its formset read in one query (``known``).
    """

    known = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.known or not selected or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for key in sorted(selected):
            label = self.choices.field.label_from_instance(self.known[key])
            options.append(self.create_option(name, self.known[key].pk, label, selected, len(options)))
        return [(None, options, 0)]


class KnownModelChoiceField(forms.ModelChoiceField):
    """A model choice that takes a posted key's object from ``known`` (read for the whole formset) when it is there."""

    known = None

    def to_python(self, value):
        if self.known and str(value) in self.known:
            return self.known[str(value)]
        return super().to_python(value)


class UnchangedRowForm(forms.ModelForm):
    """A saved row posted back unchanged is cleaned field by field only.

    Its values are the database's own, which met every constraint when they were written; checking
    them again cost one to three queries per row (the foreign key, the unique and check
    constraints), so a save grew with the rows the article holds. Changed and new rows are
    validated in full, and the database's constraints still guard every write.
    """

    def full_clean(self):
        if self.instance.pk is None or not self.is_bound or self.empty_permitted or self.has_changed():
            return super().full_clean()
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self._clean_fields()
        self._clean_form()
        return None


class ArticleRowsInlineMixin:
    """An article inline drawn and saved in a fixed number of queries however many rows it has.

    Its rows are read with ``row_select_related`` joined; the objects its rows choose (a
    reference, a related article, a reviewer) are read in one query for the formset, for both
    the autocomplete labels and the posted values; each row gets the article itself; unchanged
    rows are not validated again (``UnchangedRowForm``).
    """

    row_select_related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.row_select_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoicesAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", KnownModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        form = kwargs.get("form", self.form)
        if not issubclass(form, UnchangedRowForm):
            kwargs["form"] = type(form.__name__, (UnchangedRowForm, form), {})
        return known_rows_formset(super().get_formset(request, obj, **kwargs))


def known_rows_formset(formset):
    """``formset`` with its rows' chosen objects read once for all rows (see ``ArticleRowsInlineMixin``)."""

    class KnownRowsFormSet(formset):
        def _known_objects(self):
            if not hasattr(self, "_known"):
                self._known = {}
                chosen = [name for name, field in self.form.base_fields.items() if isinstance(field, KnownModelChoiceField)]
                for name in chosen:
                    if self.is_bound:
                        keys = {self.data.get(f"{self.prefix}-{i}-{name}") for i in range(min(self.total_form_count(), 1000))}
                        keys = [int(k) for k in keys if k and str(k).isdigit()]
                        objects = self.form.base_fields[name].queryset.in_bulk(keys) if keys else {}
                    else:
                        objects = {getattr(row, name).pk: getattr(row, name) for row in self.get_queryset()
                                   if getattr(row, f"{name}_id", None) is not None}
                    self._known[name] = {str(pk): obj for pk, obj in objects.items()}
                self._known[self._pk_field.name] = {str(row.pk): row for row in self.get_queryset()}
            return self._known

        def add_fields(self, form, index):
            super().add_fields(form, index)
            pk = self._pk_field.name
            field = form.fields.get(pk)
            if isinstance(field, forms.ModelChoiceField) and not isinstance(field, KnownModelChoiceField):
                form.fields[pk] = KnownModelChoiceField(field.queryset, initial=field.initial, required=False,
                                                        widget=field.widget)

        def _construct_form(self, i, **kwargs):
            form = super()._construct_form(i, **kwargs)
            if self.instance.pk is not None:
                setattr(form.instance, self.fk.name, self.instance)
            for name, known in self._known_objects().items():
                field = form.fields.get(name)
                if isinstance(field, KnownModelChoiceField):
                    field.known = known
                    widget = getattr(field.widget, "widget", field.widget)
                    if isinstance(widget, KnownChoicesAutocompleteSelect):
                        widget.known = known
            return form

    KnownRowsFormSet.__name__ = formset.__name__
    return KnownRowsFormSet
