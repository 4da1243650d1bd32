"""End-to-end tests in a real browser: Playwright for Python driving Debian's Chromium.

They need /usr/bin/chromium (or $CHROMIUM); without it every test here is skipped
with one clear reason, and `make test` prints that it skipped them.
"""

import os
import shutil
import threading
import time

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls that
# tests make to set up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.access(CHROMIUM, os.X_OK):
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def answered_requests():
    """After each test, before its database is flushed: wait (up to 10 s) until the live server has
    answered every request still in flight.

    A page left open calls the server on its own (the article form's heartbeat, autosave and the
    beacon it sends when its tab closes). A request that still holds a table when the test's
    transactional flush begins makes PostgreSQL's TRUNCATE deadlock with it (CI saw it once) or
    SQLite's lock it. Autouse, so it is set up after pytest-django's database fixture and torn down
    before that flush, and after each test's own tab fixture closed its browser context.
    """
    yield
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        thread.name.endswith("(process_request_thread)") for thread in threading.enumerate()  # socketserver's
    ):
        time.sleep(0.02)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab; ``page.base_url`` is the live server's address."""
    context = browser.new_context(base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.base_url = live_server.url
    yield tab
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A tab the width of a phone (390 px)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def editorial_roles(request):
    """The role groups of the data migration, again: a transactional test before this one flushed them."""
    if request.node.get_closest_marker("django_db") is None:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    importlib.import_module("articles.migrations.0004_issue3_roles").create_roles(apps, None)
    importlib.import_module("articles.media.migrations.0002_roles").grant(apps, None)
    importlib.import_module("articles.api.migrations.0002_editors_manage_partners").grant(apps, None)
