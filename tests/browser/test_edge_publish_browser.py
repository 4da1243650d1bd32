"""An editor publishes in the admin, through the edge, and readers get the new home page from the edge at once.

Chromium talks to Varnish (the repository's VCL) in front of the live server, as readers and
editors would in production: the editor's session passes through uncached, the reader's pages
come from the edge, and the publish purges exactly what it changed. Skipped without Chromium or
Varnish.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab(browser, base_url):
    context = browser.new_context(base_url=base_url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab


def test_an_editor_publishes_through_the_edge_and_readers_see_it_at_once(browser, varnish_edge, make):
    make.staff_in("Editor", username="eddie")
    make.article(title="Sleep and recovery", slug="sleep")
    article = make.article(title="Walking after surgery", slug="walking", status="approved", tags=["recovery"])
    make.review(article)

    reader = _tab(browser, varnish_edge.url)
    for _ in range(2):
        answer = reader.goto("/")
    assert answer.headers["x-edge"] == "hit"
    expect(reader.locator("main")).not_to_contain_text("Walking after surgery")
    sleep_page = reader.goto("/articles/sleep/")
    sleep_page = reader.goto("/articles/sleep/")
    assert sleep_page.headers["x-edge"] == "hit"

    editor = _tab(browser, varnish_edge.url)
    editor.goto("/admin/login/")
    editor.fill("#id_username", "eddie")
    editor.fill("#id_password", PASSWORD)
    editor.click("input[type=submit]")
    editor.wait_for_url("**/admin/")
    editor.goto(f"/admin/articles/article/{article.pk}/change/")
    transition(editor, "Publish or schedule")
    own_view = editor.goto("/articles/walking/")
    assert own_view.headers["x-edge"] == "miss" and "no-store" in own_view.headers["cache-control"]

    home = reader.goto("/")
    assert home.headers["x-edge"] == "miss"  # purged by the publish
    expect(reader.locator("main")).to_contain_text("Walking after surgery")
    assert reader.goto("/articles/walking/").status == 200
    assert reader.goto("/articles/sleep/").headers["x-edge"] == "hit"  # not one of the pages that changed
    editor.context.close()
    reader.context.close()
