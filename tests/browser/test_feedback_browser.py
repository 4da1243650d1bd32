"""A reader tells us a page was not helpful and what was wrong: without JavaScript, with it, by keyboard; axe-clean."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from playwright.sync_api import expect

from articles.feedback import services
from articles.feedback.models import Feedback
from cms.pagecache import generation
from cms.pagecache import http as caching
from tests.browser.helpers import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
BODY = "<h2>Hormone therapy</h2><p>Letrozole 2.5 mg a day.</p><h2>Side effects</h2><p>Hot flushes.</p>"


@pytest.fixture
def article(make):
    cache.clear()
    yield make.article(title="Breast cancer treatment", slug="treatment", body=BODY)
    cache.clear()


@pytest.fixture
def cached_pages(settings):
    """The page cache on, as in production."""
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    generation.forget_local_generation()
    caching.recent_pages.clear()
    yield
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()


def serious(tab):
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(tab, options=RULES).response["violations"]
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations
            if v["impact"] in {"serious", "critical"}]


def serious_in_html(browser, live_server, html):
    """axe on a page captured from a tab without JavaScript (axe itself needs script to run)."""
    context = browser.new_context(base_url=live_server.url)
    try:
        tab = context.new_page()
        tab.goto("/robots.txt")  # the site's origin, so the page's styles load
        tab.set_content(html)
        return serious(tab)
    finally:
        context.close()


def test_without_javascript_a_reader_votes_then_reports_on_plain_pages(browser, live_server, article):
    """No script: "No" posts and a thank-you page offers the form; sending it shows thanks; one row, redacted."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        tab.goto("/articles/treatment/")
        assert tab.locator("#feedback-report").is_hidden()  # shown on the next page instead
        tab.get_by_role("button", name="No, this page was not helpful").click()
        tab.wait_for_url(re.compile(r"/articles/treatment/feedback/$"))
        assert tab.get_by_role("heading", level=1).inner_text() == "Thank you for your feedback"
        assert serious_in_html(browser, live_server, tab.content()) == []
        tab.get_by_label("The medical information seems wrong or out of date").check()
        tab.get_by_label("Which part of the page? (optional)").select_option("Hormone therapy")
        tab.get_by_label("Tell us more (optional)").fill("The dose is wrong. Call me on 07700 900123.")
        tab.get_by_role("button", name="Send report").click()
        assert tab.get_by_role("heading", level=1).inner_text() == "Thank you"
        report = Feedback.objects.get()
        assert (report.helpful, report.reason, report.section) == (False, "medical", "Hormone therapy")
        assert "07700" not in report.text and "[number removed]" in report.text

        tab.goto("/articles/treatment/")
        tab.get_by_role("link", name="Report a problem with this page").click()
        assert tab.get_by_role("heading", level=1).inner_text() == "Report a problem with this page"
        tab.get_by_role("button", name="Send report").click()  # nothing chosen or written
        assert "Choose what was wrong" in tab.locator("main").inner_text()
        assert Feedback.objects.count() == 1
    finally:
        context.close()


def test_with_javascript_the_form_opens_inline_by_keyboard_from_the_cached_page(page, article, cached_pages):
    """The cached page (served from cache) works inline: no reload, focus moves to the form, the result is announced."""
    first = page.goto("/articles/treatment/")
    assert first.headers[caching.STATUS_HEADER.lower()] == caching.MISS
    response = page.goto("/articles/treatment/")
    assert response.headers[caching.STATUS_HEADER.lower()] == caching.HIT
    page.evaluate("window.notReloaded = true")

    no = page.get_by_role("button", name="No, this page was not helpful")
    yes = page.get_by_role("button", name="Yes, this page was helpful")
    no.focus()
    page.keyboard.press("Enter")
    status = page.locator(".feedback-status")
    status.get_by_text("Thank you for your feedback").wait_for()
    form = page.locator("#feedback-report")
    assert form.is_visible()
    assert page.evaluate("document.activeElement.id") == "feedback-report-heading"
    # The answer given stays on show, to the eye and to a screen reader; neither can be sent again.
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    assert no.is_visible() and no.is_disabled() and yes.is_disabled()
    assert "✓" in no.inner_text() and "✓" not in yes.inner_text()
    background = "button => getComputedStyle(button).backgroundColor"
    assert no.evaluate(background) != yes.evaluate(background)
    assert serious(page) == []

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the notice's two links, to the first reason
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.get_by_label("Tell us more (optional)").fill("Dose wrong; write to me at pat@example.org")
    page.get_by_role("button", name="Send report").press("Enter")
    status.get_by_text("Your report has been sent").wait_for()
    assert form.is_hidden()
    assert page.evaluate("window.notReloaded") is True
    report = Feedback.objects.get()
    assert report.helpful is False and report.is_report and report.reason == "medical"
    assert report.text == "Dose wrong; write to me at [email removed]"
    # Feedback never empties the page cache.
    assert page.goto("/articles/treatment/").headers[caching.STATUS_HEADER.lower()] == caching.HIT


def test_with_javascript_the_report_link_opens_the_form_and_errors_are_announced(page, article):
    page.goto("/articles/treatment/")
    link = page.get_by_role("link", name="Report a problem with this page")
    link.click()
    assert link.get_attribute("aria-expanded") == "true"
    assert page.locator("#feedback-report").is_visible()
    page.get_by_role("button", name="Send report").click()
    page.locator(".feedback-status").get_by_text("Choose what was wrong").wait_for()
    # A problem with the form as a whole: focus on its message at the top of the form, not lost on <body>.
    assert page.evaluate("[document.activeElement.className, document.activeElement.textContent]") == [
        "feedback-error", "Choose what was wrong, or tell us in your own words."]
    assert not Feedback.objects.exists()
    page.get_by_label("A link is broken").check()
    page.get_by_role("button", name="Send report").click()
    page.locator(".feedback-status").get_by_text("Your report has been sent").wait_for()
    assert Feedback.objects.get().reason == "broken_link"


def test_with_javascript_an_error_moves_focus_to_the_field_to_fix(page, article):
    """Too long a text (maxlength taken off): the server's 400 marks the field, and focus lands on it."""
    page.goto("/articles/treatment/")
    page.get_by_role("button", name="No, this page was not helpful").click()
    text = page.get_by_label("Tell us more (optional)")
    text.evaluate("textarea => textarea.removeAttribute('maxlength')")
    text.fill("x" * 1001)
    page.get_by_role("button", name="Send report").click()
    expect(text).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.activeElement.id") == "feedback-report-text"
    error = page.locator("#feedback-report-text-error-inline")
    assert error.inner_text() == "Please keep it under 1,000 characters (you wrote 1001)."
    assert text.get_attribute("aria-describedby").split() == ["feedback-report-text-hint", "feedback-report-text-error-inline"]
    assert not Feedback.objects.filter(text__startswith="x").exists()


def test_with_javascript_over_the_limit_the_form_keeps_the_words_and_says_when(page, article, settings):
    """The report over the limit: the inline form keeps the reader's text, says when to send it (as the
    page without script does) and focus moves to that message."""
    settings.FEEDBACK_REPORTS_PER_HOUR = 1
    page.goto("/articles/treatment/")
    page.get_by_role("link", name="Report a problem with this page").click()
    page.get_by_label("A link is broken").check()
    page.get_by_role("button", name="Send report").click()
    status = page.locator(".feedback-status")
    status.get_by_text("Your report has been sent").wait_for()

    page.goto("/articles/treatment/")
    page.get_by_role("link", name="Report a problem with this page").click()
    text = page.get_by_label("Tell us more (optional)")
    text.fill("The dose in Hormone therapy is out of date.")
    page.get_by_role("button", name="Send report").click()
    expect(status).to_contain_text(re.compile(r"so this one was not sent\. You can send it again (in about|in less).*\(after \d\d:\d\d "))
    assert text.input_value() == "The dose in Hormone therapy is out of date."
    assert page.evaluate("document.activeElement.className") == "feedback-status"
    assert Feedback.objects.count() == 1


def test_the_corrections_log_is_axe_clean(page, article, make):
    from articles.models import ArticleEvent

    ArticleEvent.objects.create(article=article, kind=ArticleEvent.Kind.CORRECTION, announced=True,
                                comment="We corrected the dose of letrozole in Hormone therapy.")
    page.goto("/corrections/")
    assert "We corrected the dose of letrozole" in page.locator("main").inner_text()
    assert serious(page) == []
    page.goto("/articles/treatment/")
    assert serious(page) == []


def test_an_editor_turns_a_medical_report_into_a_public_correction(browser, live_server, article, make):
    """The editor's journey: the inbox, the report, triage, then the correction readers see."""
    # The feedback roles of its data migration, again: an earlier transactional test flushed them
    # (as the browser conftest does for the articles' roles).
    importlib.import_module("articles.feedback.migrations.0002_roles").grant(apps, None)
    make.staff_in("Editor", username="eddie")
    services.record_report(article, reason="medical", section="Hormone therapy", text="Is 2.5 mg right?")
    tab = signed_in(browser, live_server, "eddie")
    try:
        tab.goto("/admin/feedback/feedback/")
        assert "median time from report to triage" in tab.locator("#content").inner_text()
        tab.get_by_role("link", name=re.compile(r"\d")).first.click()  # the report's "received" time
        tab.get_by_label("State:").select_option("triaged")
        tab.get_by_label("Internal notes:").fill("Asked Dr. Lee.")
        tab.get_by_role("button", name="Save and continue editing").click()
        assert Feedback.objects.get().state == "triaged"
        tab.get_by_label("Publish a correction:").fill("We corrected the dose of letrozole in Hormone therapy.")
        tab.get_by_role("button", name="Save and continue editing").click()
        assert "The correction is published" in tab.locator(".messagelist").inner_text()
        report = Feedback.objects.get()
        assert report.state == "actioned" and report.correction is not None

        tab.goto("/corrections/")
        assert "We corrected the dose of letrozole in Hormone therapy." in tab.locator("main").inner_text()
        tab.get_by_role("link", name="Breast cancer treatment").click()
        corrections = tab.locator(".corrections")
        assert "We corrected the dose of letrozole" in corrections.inner_text()
    finally:
        tab.context.close()
