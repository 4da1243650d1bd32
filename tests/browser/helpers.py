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
    _wait_for_editor(
        tab,
        editor,
        "text === null ? doc.textBetween(from, to) !== '' : doc.textBetween(from, to) === text",
        text,
        f"the editor's selection to be {text!r}" if text is not None else "a selection in the editor",
    )


CARET = {  # where the body editor's own caret is, as ``wait_for_editor_caret`` checks it
    "start": "empty && doc.textBetween(0, head) === ''",
    "end": "empty && doc.textBetween(head, doc.content.size) === '' && $head.parentOffset === $head.parent.content.size",
    "line end": "empty && $head.parentOffset === $head.parent.content.size",
    "empty line": "empty && $head.parent.isTextblock && $head.parent.content.size === 0",
    "before the line's last character": "empty && $head.parentOffset === $head.parent.content.size - 1",
    "on a figure": "to - from === 1 && doc.nodeAt(from)?.type.name === 'libraryFigure'",  # the figure itself selected
}


def wait_for_editor_caret(tab, where, editor=".field-body .ProseMirror[contenteditable=true]"):
    """Wait until the body editor itself has its caret at ``where`` (a key of ``CARET``).

    A click or a key moves the browser's caret at once, and the editor takes it a moment later; on
    a loaded machine a script's next key or button could act where the editor's caret was before,
    which a person, slower than a script, never sees. Waiting here keeps each step where it was meant.
    """
    _wait_for_editor(tab, editor, f"editor.isFocused && {CARET[where]}", None, f"the editor's caret at {where}")


def _wait_for_editor(tab, selector, condition, text, wanted):
    """Wait until ``condition`` (JavaScript over the editor's own state) holds; on a timeout, say what the editor held."""
    state = """const editor = document.querySelector(selector)?.editor;  // Tiptap keeps itself on its element
        if (!editor) return null;  // not made yet
        const { doc, selection: { empty, from, to, head, $head } } = editor.state;"""
    try:
        tab.wait_for_function(
            f"([selector, text]) => {{ {state} return {condition}; }}",
            arg=[selector, text],
        )
    except PlaywrightError as timeout:
        seen = tab.evaluate(
            f"""([selector, text]) => {{ {state}
                return {{ focused: editor.isFocused, from, to, selected: doc.textBetween(from, to),
                         text: doc.textContent, active: document.activeElement?.outerHTML.slice(0, 120) }};
            }}""",
            [selector, text],
        )
        raise AssertionError(f"waited for {wanted}; the editor held {seen}") from timeout


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
