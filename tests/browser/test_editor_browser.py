"""The editor's day in a real browser: conflicts, leaving the page, autosave, unsaved preview, paste, layout."""

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles.models import Article, AutosavedDraft
from tests.browser.helpers import leave, signed_in, wait_for_editor_caret, wait_for_editor_selection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ".field-body .ProseMirror[contenteditable=true]"


def _open(tab, article):
    tab.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(tab.locator(BODY)).to_be_visible()


def _editing(browser, live_server, username, article):
    """A tab signed in as ``username`` with ``article``'s change form open."""
    tab = signed_in(browser, live_server, username)
    _open(tab, article)
    return tab


def _save(tab):
    tab.get_by_role("button", name="Save and continue editing").click()


@pytest.fixture
def editors(make):
    make.staff_in("Editor", username="dana", first_name="Dana", last_name="Okafor")
    make.staff_in("Editor", username="sam", first_name="Sam", last_name="Lee")
    return make.article(title="Nausea", summary="Old summary.", body="<p>Feeling sick is common.</p>")


def test_second_save_after_a_conflict_needs_a_choice_per_field(browser, live_server, editors):
    """Two editors in two browsers: the second is shown theirs and yours, and pressing Save again overwrites nothing."""
    article = editors
    dana = signed_in(browser, live_server, "dana")
    sam = signed_in(browser, live_server, "sam")
    _open(dana, article)
    _open(sam, article)
    expect(sam.locator("#presence-notice")).to_contain_text("Dana Okafor")  # Dana opened it first

    dana.fill("#id_summary", "Dana's summary.")
    _save(dana)
    expect(dana.locator(".messagelist")).to_contain_text("was changed successfully")

    sam.fill("#id_summary", "Sam's summary.")
    _save(sam)
    panel = sam.locator("#conflict-panel")
    expect(panel).to_contain_text("Dana Okafor saved it")
    field = panel.locator(".conflict-field[data-field=summary]")
    expect(field).to_contain_text("Dana's summary.")
    expect(field).to_contain_text("Sam's summary.")

    _save(sam)  # again, without choosing: still refused
    expect(sam.locator("#conflict-panel")).to_be_visible()
    assert Article.objects.get(pk=article.pk).summary == "Dana's summary."

    sam.locator(".conflict-field[data-field=summary]").get_by_label("Keep yours").check()
    _save(sam)
    expect(sam.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).summary == "Sam's summary."
    leave(dana)
    leave(sam)


def test_leaving_with_unsaved_changes_asks_first(browser, live_server, editors):
    """Navigating away after typing raises the browser's "leave page?" question; the paste link asks its own."""
    tab = _editing(browser, live_server, "dana", editors)
    tab.locator(BODY).click()
    tab.keyboard.type(" More text.")

    dialogs = []

    def dismiss(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    tab.on("dialog", dismiss)
    tab.get_by_role("link", name=re.compile("Paste a reference list")).click()
    assert dialogs and dialogs[0][0] == "confirm" and "unsaved changes" in dialogs[0][1]
    assert "/change/" in tab.url  # stayed

    with pytest.raises(PlaywrightError):  # any other navigation: the browser's own question, dismissed
        tab.goto("/admin/")
    assert dialogs[-1][0] == "beforeunload"
    assert "/change/" in tab.url
    tab.remove_listener("dialog", dismiss)
    leave(tab)


def test_saving_does_not_ask_to_leave(browser, live_server, editors):
    """The guard stays quiet for the form's own Save."""
    tab = _editing(browser, live_server, "dana", editors)
    dialogs = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    tab.fill("#id_title", "Nausea and sickness")
    _save(tab)
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")
    assert dialogs == []
    leave(tab)


def test_autosave_recovers_a_closed_tab(browser, live_server, editors):
    """Text typed into a tab that is then closed is offered back on opening the article again, and never published."""
    article = editors
    tab = _editing(browser, live_server, "dana", article)
    tab.locator(BODY).click()
    tab.keyboard.press("End")
    wait_for_editor_caret(tab, "line end")
    tab.keyboard.type(" Eat small meals often.")
    expect(tab.locator("#autosave-status")).to_contain_text("Draft copy kept", timeout=15_000)
    context = tab.context
    tab.close()  # the tab is closed without saving

    assert "small meals" not in Article.objects.get(pk=article.pk).body
    assert AutosavedDraft.objects.filter(article=article, user__username="dana").exists()

    again = context.new_page()
    _open(again, article)
    expect(again.locator("#draft-offer")).to_contain_text("You have unsaved changes")
    again.get_by_role("button", name="Recover my changes").click()
    expect(again.locator(BODY)).to_contain_text("Eat small meals often.")
    _save(again)
    expect(again.locator(".messagelist")).to_contain_text("was changed successfully")
    assert "Eat small meals often." in Article.objects.get(pk=article.pk).body
    assert not AutosavedDraft.objects.filter(article=article).exists()  # a save clears the copy
    leave(again)


def test_preview_shows_the_unsaved_form_in_a_new_window(browser, live_server, editors):
    """Preview opens the form as typed, unsaved, in a new window: desktop width, and a phone's."""
    article = editors
    tab = _editing(browser, live_server, "dana", article)
    tab.fill("#id_title", "Nausea: what helps")
    tab.locator(BODY).click()
    tab.keyboard.press("End")
    wait_for_editor_caret(tab, "line end")
    tab.keyboard.type(" Ginger may help.")
    with tab.context.expect_page() as opened:
        tab.get_by_role("button", name="Preview unsaved changes").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=1)).to_have_text("Nausea: what helps")
    expect(preview.locator(".article-body")).to_contain_text("Ginger may help.")
    expect(preview.locator(".preview-banner")).to_contain_text("Nothing has been saved")

    with tab.context.expect_page() as opened:
        tab.get_by_role("button", name="Preview on a phone").click()
    phone = opened.value
    phone.wait_for_load_state()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Nausea: what helps")
    assert phone.evaluate("window.innerWidth") <= 420
    assert Article.objects.get(pk=article.pk).title == "Nausea"  # nothing saved
    assert "/change/" in tab.url
    leave(tab)


WORD_HTML = (
    '<html><body><!--StartFragment--><p class="MsoNormal" style="color:#1F3864;font-family:Calibri">'
    'Call your doctor if you cannot keep fluids down.</p>'
    '<div style="border:solid #2E74B5 1.0pt;padding:4pt;background:#DEEAF6"><p class="MsoNormal">Key points</p></div>'
    '<img src="file:///C:/Users/x/AppData/Local/Temp/image001.png" width="200">'
    '<iframe src="https://www.youtube.com/embed/abc"></iframe><!--EndFragment--></body></html>'
)


def test_pasting_from_word_says_what_was_removed(browser, live_server, editors):
    """A paste with an image, an embed and a shaded box shows a notice naming each at paste time."""
    tab = _editing(browser, live_server, "dana", editors)
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab.evaluate(
        """async (html) => {
            await navigator.clipboard.write([new ClipboardItem({
                "text/html": new Blob([html], {type: "text/html"}),
                "text/plain": new Blob(["Call your doctor if you cannot keep fluids down. Key points"], {type: "text/plain"}),
            })]);
        }""",
        WORD_HTML,
    )
    tab.locator(BODY).click()
    tab.keyboard.press("Control+V")  # a real paste, as from Word
    notice = tab.locator("#paste-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("1 image")
    expect(notice).to_contain_text("1 embedded frame or video")
    expect(notice).to_contain_text("callout")
    expect(tab.locator(BODY)).to_contain_text("Call your doctor if you cannot keep fluids down.")
    leave(tab)


def _overlap(a, b):
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize("width", [1280, 390])
def test_writing_layout_uses_the_width_and_keeps_inline_titles_off_inputs(browser, live_server, make, width):
    """The body is at least half a screen tall, spellchecked; inline row titles never cover the row's inputs."""
    make.staff_in("Editor", username="dana")
    article = make.article(title="Nausea", body="<p>Feeling sick is common.</p>")
    for i in range(2):
        make.cite(article, make.reference(title=f"Reference {i} with a long title about nausea and vomiting"))
    make.related(article, make.article(title="Vomiting", status="published"), 1)
    tab = signed_in(browser, live_server, "dana", viewport={"width": width, "height": 900})
    _open(tab, article)
    # Measured once the page's scripts have laid out the rows (the autocomplete boxes replace the selects).
    tab.wait_for_load_state("load")
    for group in ("#citations-group", "#related_links-group"):
        expect(tab.locator(f"{group} tr.has_original .select2-selection").first).to_be_visible()
    body = tab.locator(BODY)
    assert body.bounding_box()["height"] >= 450
    assert body.get_attribute("spellcheck") != "false"
    if width == 1280:
        assert tab.locator("#id_title").bounding_box()["width"] >= 700
    for group in ("#citations-group", "#related_links-group"):
        for row in tab.locator(f"{group} tr.has_original").all():
            title = row.locator("td.original p").bounding_box()
            for field in row.locator("input:not([type=hidden]), .select2-selection").all():
                if field.is_visible():
                    assert not _overlap(title, field.bounding_box()), f"{group}: a row's title covers its input at {width} px"
    leave(tab)


def test_callout_and_table_with_header_row_reach_the_public_page(browser, live_server, make):
    """A "When to call your doctor" callout and a table inserted with the default header row survive the save and show to readers."""
    make.staff_in("Editor", username="dana")
    article = make.article(title="Nausea", body="<p>Feeling sick is common.</p>", status=Article.Status.PUBLISHED)
    tab = _editing(browser, live_server, "dana", article)
    tab.locator(BODY).click()
    tab.keyboard.press("Control+End")
    wait_for_editor_caret(tab, "end")
    tab.get_by_role("button", name="Callout: When to call your doctor").click()
    tab.keyboard.type("If you cannot keep fluids down for a day.")
    expect(tab.locator(f"{BODY} aside.callout-warning h3")).to_have_text("When to call your doctor")
    tab.keyboard.press("Control+End")
    wait_for_editor_caret(tab, "end")
    tab.locator(".prose-editor button[title*='able']").first.click()
    dialog = tab.locator("dialog[open]")
    expect(dialog.get_by_label("Include header row")).to_have_value("Yes")
    dialog.get_by_role("button", name="Insert table").click()
    expect(tab.locator(f"{BODY} table tr").first.locator("th")).to_have_count(3)
    _save(tab)
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")

    body = Article.objects.get(pk=article.pk).body
    assert '<aside class="callout callout-warning"><h3>When to call your doctor</h3><p>If you cannot keep fluids down' in body
    assert "<th" in body
    tab.goto(article.get_absolute_url())
    callout = tab.locator(".article-body aside.callout-warning")
    expect(callout).to_contain_text("If you cannot keep fluids down for a day.")
    assert callout.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
    leave(tab)


def test_link_picker_links_the_selected_words_to_another_article(browser, live_server, make):
    """Typing part of a title lists matching articles; choosing one links the selected words to its address."""
    make.staff_in("Editor", username="dana")
    target = make.article(title="Anti-sickness medicines", status=Article.Status.PUBLISHED)
    article = make.article(title="Nausea", body="<p>Ask about medicines.</p>")
    tab = _editing(browser, live_server, "dana", article)
    tab.locator(BODY).get_by_text("Ask about medicines.").click()
    tab.keyboard.press("End")
    wait_for_editor_caret(tab, "line end")
    tab.keyboard.press("ArrowLeft")  # before the full stop
    wait_for_editor_caret(tab, "before the line's last character")
    tab.keyboard.press("Shift+Control+ArrowLeft")
    wait_for_editor_selection(tab, "medicines")
    tab.get_by_label("Link to another article:").press_sequentially("sickness")
    choice = tab.get_by_role("button", name="Anti-sickness medicines (Published)")
    expect(choice).to_be_visible()
    choice.click()
    expect(tab.locator(f"{BODY} a[href='{target.get_absolute_url()}']")).to_have_text("medicines")
    _save(tab)
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")
    assert f'href="{target.get_absolute_url()}"' in Article.objects.get(pk=article.pk).body
    leave(tab)


def test_live_word_count_and_grade_follow_typing(browser, live_server, make):
    """The word count and reading grade under the body change while typing, before any save."""
    make.staff_in("Editor", username="dana")
    article = make.article(title="Nausea", body="<p>Rest.</p>")
    tab = _editing(browser, live_server, "dana", article)
    live = tab.locator("#reading-level-live")
    expect(live).to_contain_text("1 word ·")
    tab.locator(BODY).click()
    tab.keyboard.press("Control+End")
    wait_for_editor_caret(tab, "end")
    tab.keyboard.type(" Drink water often. Eat small meals.")
    expect(live).to_contain_text("7 words · reading grade")
    leave(tab)


def test_a_recovered_draft_never_overwrites_a_later_save_by_someone_else(browser, live_server, editors):
    """Dana's closed tab left a draft; Sam saved since; recovering and saving shows the conflict panel, not an overwrite."""
    article = editors
    dana = _editing(browser, live_server, "dana", article)
    dana.fill("#id_summary", "Dana's unsaved summary.")
    expect(dana.locator("#autosave-status")).to_contain_text("Draft copy kept", timeout=15_000)
    context = dana.context
    dana.close()

    sam = _editing(browser, live_server, "sam", article)
    sam.fill("#id_summary", "Sam's saved summary.")
    _save(sam)
    expect(sam.locator(".messagelist")).to_contain_text("was changed successfully")

    again = context.new_page()
    _open(again, article)
    again.get_by_role("button", name="Recover my changes").click()
    expect(again.locator("#id_summary")).to_have_value("Dana's unsaved summary.")
    _save(again)
    expect(again.locator("#conflict-panel")).to_contain_text("Sam Lee saved it")
    assert Article.objects.get(pk=article.pk).summary == "Sam's saved summary."
    leave(again)
    leave(sam)
