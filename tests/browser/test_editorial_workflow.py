"""End to end in a real browser: writer -> medical reviewer -> editor -> anonymous reader."""


import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.helpers import signed_in, transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def _signed_in(browser, live_server, username):
    tab = signed_in(browser, live_server, username)
    expect(tab.get_by_role("heading", name="Editorial desk")).to_be_visible()
    return tab


def _choose_reference(tab, row_id, search):
    tab.locator(f"#{row_id} .select2-selection").click()
    tab.locator(".select2-container--open input.select2-search__field").fill(search)
    tab.locator(".select2-results__option", has_text=search).first.click()


def _drag(tab, handle, target_row):
    target_row.scroll_into_view_if_needed()
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    target = target_row.bounding_box()
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tab.mouse.down()
    tab.mouse.move(box["x"] + box["width"] / 2, target["y"] + 2, steps=12)
    tab.mouse.up()


def test_writer_reviewer_editor_reader(browser, live_server, page, make):
    """A writer writes and submits, a reviewer signs off, an editor publishes, a reader sees it with its byline."""
    make.staff_in("Writer", username="wendy")
    reviewer = make.staff_in("Medical reviewer", username="rita")
    reviewer.reviewer_profile.name = "Dr. Rita Moreno"
    reviewer.reviewer_profile.save()
    make.staff_in("Editor", username="eddie")
    make.reference(title="Cancer-related fatigue guideline")
    make.reference(title="Exercise during chemotherapy trial")
    make.article(tags=["Fatigue"])

    # The writer writes the article and cites two references, found with autocomplete.
    writer = _signed_in(browser, live_server, "wendy")
    writer.goto("/admin/articles/article/add/")
    writer.fill("#id_title", "Managing fatigue during treatment")
    writer.fill("#id_summary", "Why treatment makes you tired, and what helps.")
    expect(writer.locator("#id_slug")).to_have_value("managing-fatigue-during-treatment")  # filled in from the title
    writer.locator("#id_tags").press_sequentially("Fati")
    expect(writer.locator("#id_tags-suggestions option")).to_have_attribute("value", "Fatigue")
    writer.fill("#id_tags", "Fatigue")
    writer.locator(".ProseMirror[contenteditable=true]").click()
    writer.keyboard.type("Gentle exercise helps many people [1][2].")
    writer.locator("#citations-group .add-row a").click()
    _choose_reference(writer, "citations-0", "Cancer-related fatigue")
    writer.locator("#citations-group .add-row a").click()
    _choose_reference(writer, "citations-1", "Exercise during chemotherapy")
    expect(writer.locator("#id_citations-0-position")).to_have_value("1")
    expect(writer.locator("#id_citations-1-position")).to_have_value("2")
    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".messagelist")).to_contain_text("was added successfully")

    # ...then reorders them by dragging the second above the first.
    rows = writer.locator("#citations-group tbody tr.has_original")
    expect(rows).to_have_count(2)
    _drag(writer, rows.nth(1).locator(".sortable-handle"), rows.nth(0))
    expect(writer.locator("#citations-group tbody tr.has_original").first).to_contain_text("Exercise during chemotherapy")
    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")
    article = Article.objects.get(slug="managing-fatigue-during-treatment")
    assert [c.reference.title for c in article.citations.order_by("position")] == [
        "Exercise during chemotherapy trial", "Cancer-related fatigue guideline",
    ]
    assert "people [2][1]." in article.body
    assert list(article.tags.names()) == ["Fatigue"]  # the markers still point at the same references

    transition(writer, "Submit for medical review")
    expect(writer.locator(".workflow-status")).to_have_text("In medical review")

    # The reviewer finds it waiting on the admin index and signs it off.
    rev = _signed_in(browser, live_server, "rita")
    rev.locator("#waiting-for-me").get_by_role("link", name="Managing fatigue during treatment").click()
    transition(rev, "Sign off")
    expect(rev.locator(".workflow-status")).to_have_text("Approved")

    # The editor publishes it now.
    ed = _signed_in(browser, live_server, "eddie")
    ed.goto(f"/admin/articles/article/{article.pk}/change/")
    transition(ed, "Publish or schedule")
    expect(ed.locator(".workflow-status")).to_have_text("Published")

    # An anonymous reader sees it, with its byline and references in the new order.
    page.goto("/articles/managing-fatigue-during-treatment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Managing fatigue during treatment")
    expect(page.locator(".byline")).to_contain_text("Medically reviewed by Dr. Rita Moreno")
    expect(page.locator(".reference-list li").first).to_contain_text("Exercise during chemotherapy trial")
    for tab in (writer, rev, ed):
        tab.context.close()
