"""Admin page to paste a numbered reference list into an article: preview, then confirm.

Hooked into the article admin by ``references.admin.CitingAdminMixin``; it knows the
article only as the model admin's object, so this app still never imports ``articles``.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .parsing import parse_reference_list
from .paste import plan_citations, save_citations

MAX_PASTE_CHARACTERS = 100_000


class PasteReferencesForm(forms.Form):
    text = forms.CharField(
        label="Reference list",
        max_length=MAX_PASTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "spellcheck": "false"}),
        help_text=(
            "Paste the numbered list as it appears on the page, one entry per line, e.g. "
            "1. American Cancer Society: “Learn about Cancer: Breast Cancer.” "
            "Several quoted titles may share one entry; the publisher may be left out. "
            "A URL, doi:… or PMID: … after the titles is kept."
        ),
    )


def paste_references_view(model_admin, request, object_id):
    """GET: the form. POST "preview": what would happen. POST "confirm": create it all, or show why not."""
    opts = model_admin.opts
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        return model_admin._get_obj_does_not_exist_redirect(request, opts, object_id)
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied

    form = PasteReferencesForm(request.POST or None)
    plan = None
    problems = []
    changed_since_preview = False
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        plan = plan_citations(parse_reference_list(text), article)
        problems = plan.problems() if not plan.ok else missing_permissions(request.user, plan)
        if "confirm" in request.POST and not problems:
            if request.POST.get("previewed") != text_digest(text):
                changed_since_preview = True
            else:
                try:
                    saved = save_citations(article, text)
                except ValidationError as exc:
                    # The database changed since the preview: show the fresh plan with the reason.
                    problems = exc.messages
                    plan = plan_citations(parse_reference_list(text), article)
                else:
                    messages.success(request, _saved_message(saved))
                    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[article.pk])
                    return HttpResponseRedirect(change_url)

    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Paste references into “{article}”",
        "subtitle": None,
        "opts": opts,
        "object": article,
        "module_name": str(opts.verbose_name_plural),
        "form": form,
        "plan": plan,
        "problems": problems,
        "previewed": text_digest(form.cleaned_data["text"]) if plan is not None else "",
        "can_confirm": plan is not None and plan.ok and not problems,
        "changed_since_preview": changed_since_preview,
        "media": model_admin.media,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/references/paste_references.html", context)


def missing_permissions(user, plan):
    """What the plan would create that ``user`` may not add, as sentences (empty when allowed)."""
    needed = [("references.add_citation", "citations", plan.to_add)]
    needed += [("references.add_source", "sources", plan.new_sources), ("references.add_reference", "references", plan.new_references)]
    return [
        f"You may not add {what}; ask an editor who may, or cite existing ones."
        for permission, what, items in needed
        if items and not user.has_perm(permission)
    ]


def text_digest(text):
    """Identifies the previewed text, so "confirm" adds exactly what the editor saw."""
    return hashlib.sha256(text.strip().encode()).hexdigest()


def _saved_message(plan):
    added = len(plan.to_add)
    first, last = plan.to_add[0].number, plan.to_add[-1].number
    numbers = f"[{first}]" if first == last else f"[{first}]–[{last}]"
    text = f"Added {added} citation{'s' if added != 1 else ''} as {numbers}"
    parts = []
    if plan.new_sources:
        parts.append(f"{len(plan.new_sources)} new source{'s' if len(plan.new_sources) != 1 else ''}")
    if plan.new_references:
        parts.append(f"{len(plan.new_references)} new reference{'s' if len(plan.new_references) != 1 else ''}")
    if plan.reused_references:
        parts.append(f"{len(plan.reused_references)} existing reused")
    if parts:
        text += f" ({', '.join(parts)})"
    if plan.skipped:
        text += f"; {len(plan.skipped)} already cited, not added again"
    return text + "."
