"""In a real browser: a writer saves a body with a skipped heading level and sees the finding beside the body."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.helpers import sign_in, wait_for_editor_caret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_writer_sees_a_skipped_heading_level_beside_the_body_after_saving(page, make):
    """Typed with the editor's own heading shortcut, saved, and reported right under the body with its fix."""
    writer = make.staff_in("Writer", username="wendy")
    article = make.article(
        title="Managing fatigue", status=Article.Status.DRAFT, author=writer,
        body="<h2>Rest</h2><p>Short naps help.</p>",
    )
    sign_in(page, "wendy")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    check = page.locator(".form-row.field-body + .form-row.field-accessibility_check")
    expect(check).to_contain_text("No accessibility problems found in the body.")

    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.locator("p").last.click()
    page.keyboard.press("End")
    wait_for_editor_caret(page, "end", editor=".ProseMirror[contenteditable=true]")
    page.keyboard.press("Enter")
    wait_for_editor_caret(page, "empty line", editor=".ProseMirror[contenteditable=true]")
    page.keyboard.type("#### Pacing yourself")  # the editor turns "#### " into a level 4 heading
    expect(editor.locator("h4")).to_have_text("Pacing yourself")
    wait_for_editor_caret(page, "end", editor=".ProseMirror[contenteditable=true]")
    page.keyboard.press("Enter")
    wait_for_editor_caret(page, "empty line", editor=".ProseMirror[contenteditable=true]")
    page.keyboard.type("Plan the day around your energy.")
    expect(editor.locator("h4 + p")).to_have_text("Plan the day around your energy.")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("Accessibility: 1 warning in the body")
    check = page.locator(".form-row.field-body + .form-row.field-accessibility_check")
    expect(check).to_contain_text("In “Rest”: “Pacing yourself”")
    expect(check).to_contain_text("This level 4 heading follows a level 2 heading, skipping level 3")
    expect(check).to_contain_text("Make it a Heading 3")
    saved = Article.objects.get(pk=article.pk)
    assert "<h4>Pacing yourself</h4>" in saved.body
    assert (saved.accessibility_blockers, saved.accessibility_warnings) == (0, 1)


def test_the_check_beside_the_body_follows_the_typing_before_any_save(page, make):
    """A moment after the writer stops typing, the list under the body shows the new finding; nothing is saved."""
    writer = make.staff_in("Writer", username="wendy")
    article = make.article(title="Managing fatigue", status=Article.Status.DRAFT, author=writer, body="<h2>Rest</h2><p>Naps.</p>")
    sign_in(page, "wendy")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    check = page.locator(".form-row.field-body + .form-row.field-accessibility_check")
    expect(check).to_contain_text("No accessibility problems found in the body.")
    page.locator(".ProseMirror[contenteditable=true] p").last.click()
    page.keyboard.press("End")
    wait_for_editor_caret(page, "end", editor=".ProseMirror[contenteditable=true]")
    page.keyboard.press("Enter")
    wait_for_editor_caret(page, "empty line", editor=".ProseMirror[contenteditable=true]")
    page.keyboard.type("PLEASE DO NOT SKIP MEALS.")
    expect(check).to_contain_text("In “Rest”: “PLEASE DO NOT SKIP MEALS.”")
    expect(check).to_contain_text("Checked as you type")
    assert Article.objects.get(pk=article.pk).body == "<h2>Rest</h2><p>Naps.</p>"
