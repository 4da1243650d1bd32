"""axe-core (bundled in axe-playwright-python, no download) finds no serious or critical problem."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "series": "/series/breast-cancer-treatment-by-stage/",
    "article": "/articles/stage-3-breast-cancer-treatment-options/",
    "tag": None,  # the first tag of the article, found below
    "reviewer": "/reviewers/lucia-moreno/",
    "search": "/search/?q=radiation",
    "search-no-results": "/search/?q=zzzzqqq",
    "not-found": "/no/such/page/",
}
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}


@pytest.fixture
def scan(browser, live_server):
    """Open a page at a given width and return axe's violations there."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    contexts = []

    def run(url=None, width=1280, html=None):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, bypass_csp=True)
        contexts.append(context)
        tab = context.new_page()
        if html is None:
            tab.goto(url)
        else:
            tab.set_content(html)
        return axe.run(tab, options=RULES).response["violations"]

    yield run
    for context in contexts:
        context.close()


def describe(violations):
    return "\n".join(
        f"{v['impact']}: {v['id']} – {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_or_critical_axe_violations(scan, width):
    """Home, series, article, tag, reviewer and search pages, at desktop and phone widths."""
    call_command("load_demo")
    from articles.models import Article

    article = Article.objects.get(slug="stage-3-breast-cancer-treatment-options")
    pages = {**PAGES, "tag": f"/tags/{article.tags.order_by('slug').first().slug}/"}
    failures = {}
    for name, url in pages.items():
        serious = [v for v in scan(url, width) if v["impact"] in {"serious", "critical"}]
        if serious:
            failures[name] = describe(serious)
    assert failures == {}


def test_the_scan_is_live_and_catches_a_serious_problem(scan):
    """A control: the same scan reports an unlabelled field and low-contrast text as serious or critical."""
    bad = (
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main>'
        '<h1>x</h1><p style="color:#bbb;background:#fff">faint text</p><input type="text"></main></body></html>'
    )
    found = {v["id"] for v in scan(html=bad) if v["impact"] in {"serious", "critical"}}
    assert {"color-contrast", "label"} <= found
