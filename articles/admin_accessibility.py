"""The accessibility check in the article admin: findings beside the body, a message on save, a list filter.

A mixin, so ``articles/admin.py`` only adds it to ``ArticleAdmin``'s bases; every hook here calls
``super()``. The checks themselves are ``articles.accessibility``; what blocks publishing is
``articles.workflow.publish_blockers``.
"""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from . import accessibility


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


class AccessibilityAdminMixin:
    """Adds the accessibility check beside the body, its message on save, and the list filter."""

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
            return "The body is checked when you save."
        return render_findings(accessibility.check_body(obj.body))

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
