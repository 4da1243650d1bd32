"""Every public page has the same readable skeleton: skip link, landmarks, one h1, no skipped heading levels."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/articles/stage-3-breast-cancer-treatment-options/",
    "/series/",
    "/series/breast-cancer-treatment-by-stage/",
    "/tags/breast-cancer/",
    "/reviewers/lucia-moreno/",
    "/search/?q=radiation",
    "/search/?q=nothing+matches+this",
    "/search/",
    "/no/such/page/",
]


class Outline(HTMLParser):
    """Collects headings, landmarks, ids and the first link of a page."""

    def __init__(self):
        super().__init__()
        self.headings, self.landmarks, self.ids, self.first_link = [], [], set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        if tag in {"header", "main", "footer", "nav"} or attrs.get("role") == "search":
            self.landmarks.append(attrs.get("role") or tag)
        if tag == "a" and self.first_link is None:
            self.first_link = attrs.get("href")


@pytest.fixture
def demo(db):
    call_command("load_demo")


def skeleton_problems(html):
    outline = Outline()
    outline.feed(html)
    problems = []
    if outline.first_link != "#main" or "main" not in outline.ids:
        problems.append("the first link is not a skip link to the main landmark")
    if not {"header", "main", "footer", "search"} <= set(outline.landmarks) or outline.landmarks.count("main") != 1:
        problems.append(f"landmarks: {outline.landmarks}")
    if not outline.headings or outline.headings[0] != 1 or outline.headings.count(1) != 1:
        problems.append(f"not exactly one h1, first: {outline.headings}")
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level jumps from h{before} to h{after}: {outline.headings}")
    return problems


def test_every_page_has_skip_link_landmarks_one_h1_and_ordered_headings(client, demo):
    """Home, article, series, tag, reviewer, search (results, none, empty) and 404."""
    problems = {}
    for url in PAGES:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        found = skeleton_problems(response.content.decode())
        if found:
            problems[url] = found
    assert problems == {}


def test_skeleton_check_catches_a_skipped_level_and_a_missing_skip_link():
    assert skeleton_problems("<header></header><main id='main'><h1>a</h1><h3>b</h3></main><footer></footer>")


def test_breadcrumb_and_series_navigation_are_labelled(client, demo):
    page = client.get("/articles/stage-3-breast-cancer-treatment-options/").text
    assert '<nav class="breadcrumbs wrap" aria-label="Breadcrumb">' in page
    assert '<nav class="series-nav" aria-label="Breast cancer treatment by stage">' in page
    assert 'aria-label="Next: Stage 4 Breast Cancer Treatment Options"' in page
    assert 'aria-label="Previous: Stage 2 Breast Cancer Treatment Options"' in page


def test_error_page_has_no_canonical_or_structured_data(client):
    page = client.get("/no/such/page/").text
    assert 'rel="canonical"' not in page and "application/ld+json" not in page
