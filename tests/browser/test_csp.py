"""The admin, the rich-text editor and the public pages run under the strict CSP with zero violations."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import sign_in
from tests.urlwalk import admin_urls, public_routes, staff_routes, url_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records every violation the page reports, from the first script on.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with CSP violations collected from events and from console messages."""
    page.add_init_script(COLLECT_VIOLATIONS)
    page.csp_console = []
    page.on(
        "console",
        lambda msg: page.csp_console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return page


def violations(page):
    return page.evaluate("window.__csp || []") + page.csp_console


def sample_content(make):
    article = make.article(title="Fatigue", slug="fatigue", tags=["fatigue"], body="<h2>What</h2><p>Text [1]</p>")
    reviewer = make.reviewer(slug="dr-k")
    make.review(article, reviewer_=reviewer)
    make.cite(article)
    series = make.series(slug="stages")
    make.series_entry(series, article, 1)
    make.related(article, make.article())
    from taggit.models import Tag

    return {"article": article, "reviewer": reviewer, "series": series, "tag": Tag.objects.get(slug="fatigue")}


def test_the_rich_text_editor_loads_without_csp_violations(watched, make):
    """The article form's prose editor starts (import map and modules carry the nonce) and reports nothing."""
    get_user_model().objects.create_superuser("admin", "a@example.org", "correct horse battery")
    article = sample_content(make)["article"]
    sign_in(watched)
    watched.goto(f"/admin/articles/article/{article.pk}/change/")
    editor = watched.locator(".prose-editor .ProseMirror[contenteditable=true]")
    editor.wait_for(state="visible")
    editor.click()
    watched.keyboard.type(" more words")
    assert "more words" in editor.inner_text()
    assert violations(watched) == []


def test_every_admin_page_loads_without_csp_violations(watched, make):
    """Login, index, every changelist, add, change, delete and history page, and the staff pages: zero violations."""
    get_user_model().objects.create_superuser("admin", "a@example.org", "correct horse battery")
    objects = sample_content(make)
    urls = [u.url for u in admin_urls(lambda model: model._default_manager.first()) if u.action != "jsi18n"]
    staff = [url_for(route, objects) for route in staff_routes()]
    urls += [url for url in staff if url]
    watched.goto("/admin/login/")
    assert violations(watched) == [], "login page"
    sign_in(watched)
    problems = {}
    for url in urls:
        if watched.request.get(url, max_redirects=0).status == 405:
            continue  # a POST-only action (e.g. "use this reference"): there is no page to load
        watched.csp_console.clear()
        try:
            response = watched.goto(url, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # a CSV or other file, not a page
                continue
            raise
        assert response.status < 500, url
        found = violations(watched)
        if found:
            problems[url] = found
    assert problems == {}
    assert len(urls) > 40


def test_public_pages_load_without_csp_violations(watched, make):
    """Every public page (found from the URL resolver) loads with zero violations."""
    objects = sample_content(make)
    problems = {}
    for route in public_routes():
        url = url_for(route, objects)
        if url is None or "sitemap" in url or url.endswith("feed/"):
            continue  # XML, not HTML: Chrome's own XML viewer styles it inline, outside our policy's reach
        if url in {"/search/suggest/", "/search/log/"}:
            continue  # JSON for the search box's script, and its POST-only beacon: not pages
        watched.csp_console.clear()
        response = watched.goto(url, wait_until="load")
        assert response.status == 200, url
        if found := violations(watched):
            problems[url] = found
    assert problems == {}
