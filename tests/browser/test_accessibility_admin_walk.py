"""axe-core walks every page a writer, a medical reviewer and an editor reach, at desktop and phone widths.

The admin's pages come from its registry and each model admin's own URLs, so a model or view added
later is walked without editing this file; the staff pages come from the URL resolver. A page that
is not HTML, not allowed to the role (403) or only answers POST is skipped: what is walked is what
the role can open.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from articles.api.models import ApiKey, Partner, Webhook
from articles.models import Article, MedicalReview, Reviewer
from articles.workflow import rules as workflow
from tests import factories
from tests.browser.helpers import leave, sign_in
from tests.urlwalk import iter_routes, staff_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
# Only the serious and critical violations cross back from the browser: axe's whole answer on a
# long change form is megabytes, and moving it would take longer than the scan.
SCAN = """options => axe.run(document, options).then(results => results.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target)})))"""
# A page another role already saw, the same but for who is signed in, is not scanned twice: its
# markup without the user's name and the form tokens is the key to the earlier answer.
SIGNATURE = """async () => {
    const page = document.documentElement.cloneNode(true);
    page.querySelectorAll("#user-tools, input[name=csrfmiddlewaretoken]").forEach(n => n.remove());
    const bytes = new TextEncoder().encode(page.outerHTML);
    return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), b => b.toString(16)).join("");
}"""
SCANNED = {}  # (signature, width) -> serious and critical violations, shared by the roles' walks
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ROLES = {"writer": "Writer", "reviewer": "Medical reviewer", "editor": "Editor"}
# Pages each role must have reached, so a walk that silently lost them (a 403, a changed URL) fails.
MUST_WALK = {
    "writer": ["/admin/", "/paste-references/", "/transition/submit/", "/revisions/", "/revisions/compare/", "/restore/",
               "/admin/articles/article/add/", "/staff/reviews/"],
    "reviewer": ["/admin/", "/transition/sign_off/", "/revisions/compare/", "/staff/reviews/mine/", "/changes/"],
    "editor": ["/admin/", "/transition/publish/", "/transition/unpublish/", "/revisions/compare/", "/restore/",
               "/admin/articles/series/add/", "/staff/reviews/", "/admin/syndication/partner/add/"],
}
# Admin views that are no page of their own: the catch-all redirect, and site-wide helpers.
NOT_PAGES = {"admin:login", "admin:logout", "admin:view_on_site", "admin:autocomplete", "admin:jsi18n"}


def role_account(role):
    """The role's account, linked for a reviewer to the demo's Dr. Lucia Moreno (as load_demo's accounts are)."""
    account = factories.user(username=f"axe-{role}", first_name=role.title())
    account.groups.add(Group.objects.get(name=ROLES[role]))
    if role == "reviewer":
        Reviewer.objects.filter(slug="lucia-moreno").update(user=account)
    return account


def sample_objects(account):
    """The rows whose pages are walked: the role's own draft (an editable form), another writer's
    article in review, and the demo's rows."""
    draft = factories.article(
        title="Sleep and fatigue", slug="sleep-and-fatigue", status=Article.Status.DRAFT, author=account,
        body="<h2>Rest</h2><p>Short naps help.</p>", tags=["fatigue"],
    )
    factories.edit(draft)  # a second revision, to compare and restore
    reviewed = MedicalReview.objects.select_related("article").order_by("-reviewed_on", "pk").first().article
    factories.edit(reviewed)  # changed since its review: "My reviews" links to the changes page
    in_review = factories.article(title="Eating well", slug="eating-well", status=Article.Status.IN_REVIEW,
                                  author=factories.user(username="axe-other-writer"))
    # Approved, then changed since its review: the ways forward and what changed.
    changed = factories.article(title="Moving after surgery", slug="moving-after-surgery", status=Article.Status.APPROVED,
                                publish_at=None, author=factories.user(username="axe-third-writer"),
                                reviewed_by=Reviewer.objects.get(slug="lucia-moreno"))
    factories.edit(changed)
    partner = Partner.objects.create(name="Riverside Surgery", contact_email="web@riverside.example")  # editors' API admin
    ApiKey.issue(partner=partner, name="surgery website")
    Webhook.objects.create(partner=partner, url="https://riverside.example/hook")
    return {"draft": draft, "reviewed": reviewed, "in_review": in_review, "changed": changed}


def object_urls(route, obj):
    """The URLs of one admin route for ``obj``: each transition, the latest revision, a comparison."""
    kwargs = set(route.kwargs) - {"object_id"}
    if not kwargs:
        url = reverse(route.name, kwargs={"object_id": obj.pk})
        if route.name.endswith("_compare"):
            ids = list(obj.history.order_by("-history_id").values_list("history_id", flat=True)[:2])
            url += f"?old={ids[-1]}&new={ids[0]}"
        return [url]
    if kwargs == {"name"}:
        return [reverse(route.name, kwargs={"object_id": obj.pk, "name": name}) for name in workflow.TRANSITIONS]
    if kwargs == {"history_id"}:
        history_id = obj.history.order_by("history_id").values_list("history_id", flat=True).first()
        return [reverse(route.name, kwargs={"object_id": obj.pk, "history_id": history_id})]
    return []


def editor_pages(objects):
    """Every admin and staff page to try, in order: site views, then each registered model's views."""
    urls = ["/admin/"]
    urls += [reverse("admin:app_list", kwargs={"app_label": label})
             for label in sorted({m._meta.app_label for m in admin.site._registry})]
    for model, model_admin in admin.site._registry.items():
        obj = objects["draft"] if model is Article else model._default_manager.order_by("pk").first()
        for route in iter_routes(model_admin.get_urls(), "", "admin"):
            if not route.name or route.name in NOT_PAGES:
                continue
            if not route.kwargs:
                urls.append(reverse(route.name))
            elif "object_id" in route.kwargs and obj is not None:
                urls += object_urls(route, obj)
        if model is Article:  # a published article too: its form and transitions differ from a draft's
            urls.append(reverse("admin:articles_article_change", args=[objects["reviewed"].pk]))
            urls.append(reverse("admin:articles_article_transition", args=[objects["reviewed"].pk, "unpublish"]))
            urls.append(reverse("admin:articles_article_change", args=[objects["in_review"].pk]))
            urls += [reverse("admin:articles_article_transition", args=[objects["in_review"].pk, name])
                     for name in ("sign_off", "request_changes")]
            urls.append(reverse("admin:articles_article_change", args=[objects["changed"].pk]))
            urls += [reverse("admin:articles_article_transition", args=[objects["changed"].pk, name])
                     for name in ("sign_off", "request_changes", "review_again", "publish")]
    for route in staff_routes():
        if not route.route.startswith("staff/") or "export" in route.route:
            continue
        if route.kwargs == ("pk",):
            urls.append(reverse(route.name, kwargs={"pk": objects["reviewed"].pk}))
        elif not route.kwargs:
            urls.append(reverse(route.name))
    return list(dict.fromkeys(urls))


def describe(violations):
    return "; ".join(f"{v['impact']} {v['id']} at {v['targets'][:4]}" for v in violations)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_has_no_serious_or_critical_axe_violation(browser, live_server, role):
    """Each page the role can open in the admin and the staff pages, at 1280 and 390 pixels wide."""
    call_command("load_demo", verbosity=0)
    account = role_account(role)
    objects = sample_objects(account)
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS["desktop"], bypass_csp=True)
    context.add_init_script(Axe().axe_script)  # axe-core, bundled with axe-playwright-python, in every page
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on("dialog", lambda dialog: dialog.accept())
    sign_in(tab, f"axe-{role}")
    walked, failures = [], {}
    for url in editor_pages(objects):
        answer = context.request.get(url, max_redirects=0)  # JSON, POST-only and refused views are no page to walk
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        tab.set_viewport_size(WIDTHS["desktop"])
        tab.goto(url)
        walked.append(url)
        signature = tab.evaluate(SIGNATURE)
        for width, size in WIDTHS.items():
            if (signature, width) not in SCANNED:
                tab.set_viewport_size(size)
                SCANNED[signature, width] = tab.evaluate(SCAN, RULES)
            found = SCANNED[signature, width]
            if found:
                failures[f"{url} ({width})"] = describe(found)
    leave(tab)
    assert len(walked) >= 20, walked  # the walk reached the role's pages, not only a login form
    assert [part for part in MUST_WALK[role] if not any(part in url for url in walked)] == [], walked
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
