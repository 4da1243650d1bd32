"""The accessibility check in the article admin: findings beside the body, a message on save, a list filter.

A mixin, so ``articles/admin/articles.py`` only adds it to ``ArticleAdmin``'s bases; every hook here calls
``super()``. The checks themselves are ``articles.content.accessibility``; what blocks publishing is
``articles.workflow.rules.publish_blockers``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.content import accessibility
from articles.content.html import sanitize_html
from articles.models import Article


class AccessibilityFilter(admin.SimpleListFilter):
    """"Accessibility problems": articles with blockers, with warnings, or with neither.

    Reads the counts each article stores when it is saved, through partial indexes, so a page of
    a large catalogue is found without checking any body (docs/accessibility.md).
    """

    title = "accessibility problems"
    parameter_name = "accessibility"
    CHOICES = {
        "blockers": "Blocking publishing",
        "warnings": "With warnings",
        "none": "None found",
    }

    def lookups(self, request, model_admin):
        return list(self.CHOICES.items())

    def queryset(self, request, queryset):
        match self.value():
            case "blockers":
                return queryset.with_accessibility_problems(accessibility.BLOCKER)
            case "warnings":
                return queryset.with_accessibility_problems(accessibility.WARNING)
            case "none":
                return queryset.without_accessibility_problems()
        return queryset


class PublishedBodyForm(forms.ModelForm):
    """Mixed into the article form of a published article: its body may not gain a problem that
    would have blocked publishing it, as a published body may not cite a missing reference."""

    def clean_body(self):
        inherited = getattr(super(), "clean_body", None)
        body = (inherited() if inherited else self.cleaned_data.get("body")) or ""
        blockers = accessibility.blockers(sanitize_html(body))
        if blockers:
            raise forms.ValidationError(
                [f"{finding} This article is published: fix this before saving, as it would block publishing."
                 for finding in blockers]
            )
        return body


class AccessibilityAdminMixin:
    """Adds the accessibility check beside the body (live as the body is typed), its message on
    save, the refusal of a blocker in a published body, and the list filter."""

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (PublishedBodyForm, base), {})
        return super().get_form(request, obj, **kwargs)

    @property
    def media(self):
        return super().media + forms.Media(js=["articles/admin/accessibility-check.js"])

    def get_urls(self):
        return [
            path(
                "accessibility-check/", self.admin_site.admin_view(self.accessibility_check_view),
                name="articles_article_accessibility_check",
            ),
            *super().get_urls(),
        ]

    def accessibility_check_view(self, request):
        """The findings of the body as typed (POST ``body``), for the live check beside the editor."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        findings = accessibility.check_body(sanitize_html(request.POST.get("body", "")))
        blockers, warnings = accessibility.tally(findings)
        html = format_html('{}<p class="help">Checked as you type; saving checks it again.</p>', render_findings(findings))
        return JsonResponse({"html": html, "blockers": blockers, "warnings": warnings})

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = list(options["fields"])
            if "body" in fields and "accessibility_check" not in fields:
                fields.insert(fields.index("body") + 1, "accessibility_check")
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "accessibility_check"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), AccessibilityFilter]

    @admin.display(description="Accessibility check")
    def accessibility_check(self, obj):
        """The saved body's findings, blockers first, each with its place and its fix."""
        if obj is None or obj.pk is None:
            findings = format_html("<p>{}</p>", "The body is checked when you save.")
        else:
            findings = render_findings(accessibility.check_body(obj.body))
        url = reverse("admin:articles_article_accessibility_check")
        return format_html('<div class="accessibility-check" data-check-url="{}">{}</div>', url, findings)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        blockers, warnings = article.accessibility_blockers, article.accessibility_warnings
        if blockers or warnings:
            parts = []
            if blockers:
                parts.append(f"{blockers} problem{'s' if blockers != 1 else ''} that block{'s' if blockers == 1 else ''} publishing")
            if warnings:
                parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
            messages.warning(
                request, f"Accessibility: {' and '.join(parts)} in the body of “{article}”. "
                "See “Accessibility check” under the body.",
            )


def render_findings(findings):
    """The findings as the editor sees them under the body: a list, blockers first."""
    if not findings:
        return format_html('<p class="accessibility-ok">{}</p>', "No accessibility problems found in the body.")
    ordered = sorted(findings, key=lambda finding: not finding.is_blocker)
    items = format_html_join(
        "",
        '<li class="accessibility-{}"><strong>{}</strong> {}. {} <em>{}</em></li>',
        (
            (finding.severity, "Blocks publishing:" if finding.is_blocker else "Warning:", finding.place, finding.problem, finding.fix)
            for finding in ordered
        ),
    )
    return format_html('<ul class="accessibility-findings">{}</ul>', items)
