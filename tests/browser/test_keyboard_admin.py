"""The editors' custom widgets by keyboard alone: the body editor's toolbar and its dialog, and ordering rows."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, SeriesEntry
from tests.browser.helpers import leave, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element's ring, as the reader sees it: an outline or a box shadow.
# ``frame`` names the element that shows it when it is not the focused one itself.
FOCUS_RING = """frame => { const s = getComputedStyle(frame ? document.activeElement.closest(frame) : document.activeElement);
    return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"; }"""


def tab_until(page, selector, limit=60):
    """Press Tab until the focus is on an element matching ``selector``; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def select_last_line(page):
    """Select the body's last line with the keyboard, and wait until the editor has taken the selection
    (its toolbar enables "insert link" for a selection)."""
    link = page.locator('.prose-menubar__button[title="insert link"]')
    expect(page.locator(".ProseMirror-focused")).to_have_count(1)
    for _ in range(3):  # the editor restores its own selection as it takes the focus, which may come after a key
        page.keyboard.press("Control+End")
        page.keyboard.press("Shift+Home")
        try:
            expect(link).to_have_attribute("aria-disabled", "false", timeout=2_000)
            return
        except AssertionError:
            continue
    expect(link).to_have_attribute("aria-disabled", "false")


def back_tab_to_button(page, title, limit=30):
    """Press Shift+Tab until the toolbar button called ``title`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.title") == title:
            return
    raise AssertionError(f"the {title!r} button not reached in {limit} presses of Shift+Tab")


@pytest.fixture
def draft_form(page, make):
    """A writer's draft open in the change form, the focus on its title; yields the body editor."""
    writer = make.staff_in("Writer", username="wendy")
    article = make.article(title="Managing fatigue", status=Article.Status.DRAFT, author=writer,
                           body="<h2>Rest</h2><p>Short naps help.</p>")
    sign_in(page, "wendy")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.wait_for()
    page.focus("#id_title")
    yield editor
    leave(page)


def test_a_writer_reaches_the_body_toolbar_by_tab_and_sees_where_the_focus_is(page, draft_form):
    """From the title, Tab reaches the toolbar's buttons, each with a visible focus ring, and Enter applies one."""
    tab_until(page, ".prose-menubar__button")
    assert page.evaluate(FOCUS_RING, None)
    tab_until(page, ".ProseMirror[contenteditable=true]")
    assert page.evaluate(FOCUS_RING, ".prose-editor")  # the editor's own CSS removes the text area's outline
    select_last_line(page)  # "Short naps help."
    back_tab_to_button(page, "bold")
    assert page.evaluate(FOCUS_RING, None)
    page.keyboard.press("Enter")
    expect(draft_form.locator("strong")).to_have_text("Short naps help.")


def test_the_insert_link_dialog_opens_from_the_keyboard_and_closes_with_escape(page, draft_form):
    """Enter on the toolbar's link button opens its dialog with the focus inside; Escape closes it unchanged."""
    tab_until(page, ".ProseMirror[contenteditable=true]")
    select_last_line(page)
    back_tab_to_button(page, "insert link")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    assert page.evaluate("() => !!document.activeElement.closest('dialog[open]')")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert draft_form.locator("a").count() == 0


def test_an_editor_reorders_a_series_with_the_keyboard_alone(page, make):
    """The position numbers are the keyboard's way to reorder (the drag handle is for a pointer): typed and saved with Enter."""
    make.staff_in("Editor", username="omar")
    series = make.series(title="Fatigue")
    first, second = make.article(title="Sleep"), make.article(title="Exercise")
    make.series_entry(series, first, 1)
    make.series_entry(series, second, 2)
    sign_in(page, "omar")
    page.goto(f"/admin/articles/series/{series.pk}/change/")
    page.focus("#id_title")
    tab_until(page, "#id_entries-0-position")
    assert page.evaluate(FOCUS_RING, None)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Position, row 1"
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_until(page, "#id_entries-1-position")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    order = list(SeriesEntry.objects.filter(series=series).order_by("position").values_list("article__title", flat=True))
    assert order == ["Exercise", "Sleep"]
