"""The API's documentation page renders the OpenAPI document from our own static files, within the CSP."""

import pytest

from tests.browser.test_csp import COLLECT_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_lists_the_operations_without_csp_violations(page):
    page.add_init_script(COLLECT_VIOLATIONS)
    console = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs/")
    page.get_by_text("/api/v1/articles/{slug}").first.wait_for(state="visible")
    assert page.get_by_text("Vetted syndication API").first.is_visible()
    assert page.evaluate("window.__csp || []") + console == []
    assert all(url.startswith(page.base_url) or url.startswith("data:") for url in requests), requests
