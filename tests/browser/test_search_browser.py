"""A reader searches with the keyboard: suggestions as they type (the ARIA combobox pattern), a
misspelling corrected, and the missed-searches beacon; and an editor resolves the miss."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, SearchMiss
from tests.factories import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LYMPHEDEMA = "Understanding Lymphedema After Breast Cancer Treatment"


def test_reader_picks_a_suggestion_with_the_keyboard(page):
    """Type, hear how many suggestions, arrow down, Enter: the article opens."""
    call_command("load_demo")
    page.goto("/")
    box = page.get_by_role("combobox", name="Search articles")
    assert box.get_attribute("aria-expanded") == "false"
    box.focus()
    page.keyboard.type("lymphoe")
    listbox = page.get_by_role("listbox", name="Suggested articles")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = listbox.get_by_role("option")
    assert options.count() == 1
    assert LYMPHEDEMA in options.first.inner_text() and "also known as lymphoedema" in options.first.inner_text()
    assert "1 suggestion" in page.get_by_role("status").first.inner_text()
    page.keyboard.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert box.evaluate("el => el === document.activeElement")  # focus stays in the box
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/understanding-lymphedema-after-breast-cancer-treatment/$"))


def test_escape_closes_and_enter_submits_the_plain_form(page):
    """Escape closes the list; Enter without a chosen suggestion searches as the plain form does."""
    call_command("load_demo")
    page.goto("/search/")
    box = page.locator("#search-q")
    box.focus()
    page.keyboard.type("chemo")
    page.get_by_role("listbox", name="Suggested articles").wait_for()
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and box.input_value() == "chemo"
    page.keyboard.type("terapy")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=chemoterapy"))
    assert "Showing results for chemotherapy" in page.locator(".correction").inner_text()
    exact = page.get_by_role("link", name="Search instead for “chemoterapy”")
    assert "exact=1" in exact.get_attribute("href")


def test_a_search_that_found_nothing_reaches_the_report_and_an_editor_resolves_it(page, live_server):
    """The page's beacon logs the miss; the editor mistypes the article, mends it in the row kept as typed,
    and adds the words as a term."""
    call_command("load_demo")
    page.goto("/search/?q=tumor+markers")
    assert "No results for" in page.locator("#results-heading").inner_text()
    for _ in range(50):
        if SearchMiss.objects.filter(query="tumor markers").exists():
            break
        page.wait_for_timeout(100)
    assert SearchMiss.objects.get(query="tumor markers").found_nothing == 1

    staff_in("Editor", username="eddie", password="correct horse battery")
    page.goto("/admin/login/?next=/staff/searches/")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", "correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/searches/$"))
    row = page.locator("#missed-searches tbody tr", has_text="tumor markers")
    row.get_by_label("Term").fill("tumour markers")
    row.get_by_label("Article (slug or address)").fill("stage-4-breast-cancr")  # mistyped
    row.get_by_role("button", name="Add as a term").click()
    # Refused: the row comes back as typed, the reason beside it, the cursor in the field to mend.
    row = page.locator("#missed-searches tbody tr", has_text="tumor markers")
    expect(row.locator(".errorlist")).to_contain_text("No article has the slug “stage-4-breast-cancr”")
    expect(row.get_by_label("Term")).to_have_value("tumour markers")
    article_field = row.get_by_label("Article (slug or address)")
    expect(article_field).to_be_focused()
    expect(article_field).to_have_value("stage-4-breast-cancr")
    page.keyboard.press("Control+A")
    page.keyboard.type("stage-4-breast-cancer-treatment-options")
    row.get_by_label("Term").fill("tumor markers")
    row.get_by_role("button", name="Add as a term").click()
    page.wait_for_url(re.compile(r"/staff/searches/$"))
    assert "Resolved" in page.locator("#missed-searches tbody tr", has_text="tumor markers").inner_text()
    assert "tumor markers" in Article.objects.get(slug="stage-4-breast-cancer-treatment-options").search_terms
