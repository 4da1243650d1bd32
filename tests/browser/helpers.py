"""Steps the browser tests share."""

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

PASSWORD = "correct horse battery"  # the password the tests give the accounts they create


def sign_in(page, username="admin", password=PASSWORD):
    """Sign in through the admin's login form and wait for the admin's front page."""
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def signed_in(browser, live_server, username, viewport=None):
    """A new browser context signed in as ``username`` (1280 × 900 unless told), on the admin's front page."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    sign_in(tab, username)
    return tab


def transition(tab, button):
    """Take a workflow step from the change form: its link, then the confirming page's button, then its message."""
    tab.get_by_role("link", name=button, exact=True).click()
    tab.get_by_role("button", name=button, exact=True).click()
    expect(tab.locator(".messagelist")).to_contain_text(f"{button}: done")


def wait_for_editor_selection(tab, text=None, editor=".field-body .ProseMirror[contenteditable=true]"):
    """Wait until the body editor itself holds ``text`` (or, without it, any text) as its selection.

    The browser moves its selection at once, but the editor takes it a moment later (on the
    ``selectionchange`` event); focus moved elsewhere before then, as a script can and a person
    cannot, would leave the editor with no selection.
    """
    tab.wait_for_function(
        """([selector, text]) => {
            const editor = document.querySelector(selector).editor;  // Tiptap keeps itself on its element
            if (!editor) return false;  // not made yet
            const { from, to } = editor.state.selection;
            const selected = editor.state.doc.textBetween(from, to);
            return text === null ? selected !== "" : selected === text;
        }""",
        arg=[editor, text],
    )


CARET = {  # where the body editor's own caret is, as ``wait_for_editor_caret`` checks it
    "start": "empty && doc.textBetween(0, head) === ''",
    "end": "empty && doc.textBetween(head, doc.content.size) === '' && $head.parentOffset === $head.parent.content.size",
    "line end": "empty && $head.parentOffset === $head.parent.content.size",
    "empty line": "empty && $head.parent.isTextblock && $head.parent.content.size === 0",
}


def wait_for_editor_caret(tab, where, editor=".field-body .ProseMirror[contenteditable=true]"):
    """Wait until the body editor itself has its caret at ``where`` (a key of ``CARET``).

    A click or a key moves the browser's caret at once, and the editor takes it a moment later; on
    a loaded machine a script's next key or button could act where the editor's caret was before,
    which a person, slower than a script, never sees. Waiting here keeps each step where it was meant.
    """
    tab.wait_for_function(
        f"""(selector) => {{
            const editor = document.querySelector(selector)?.editor;
            if (!editor || !editor.isFocused) return false;
            const {{ doc, selection: {{ empty, head, $head }} }} = editor.state;
            return {CARET[where]};
        }}""",
        arg=editor,
    )


def leave(tab):
    """Close ``tab``'s browser context once the change form's last calls (the "leaving" beacon) are answered.

    The article form calls the server on its own (heartbeat, autosave, a beacon when the page goes);
    a call still running when the test's database is flushed would lock SQLite's tables.
    """
    tab.on("dialog", lambda dialog: dialog.accept())
    for page in tab.context.pages:
        try:
            page.goto("about:blank")
        except PlaywrightError:  # a "leave page?" question answered while the navigation began
            page.goto("about:blank")
    tab.wait_for_timeout(500)
    tab.context.close()
