"""An editor schedules an article in a real browser: the time typed is the site's time (Europe/London)."""

import datetime

import pytest
from playwright.sync_api import expect

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def test_editor_schedules_in_site_time_whatever_the_browser_zone(browser, live_server, make):
    """09:00 typed in a New York browser for a July day is 09:00 BST (08:00 UTC), and reads so afterwards."""
    make.staff_in("Editor", username="eddie")
    article = make.article(title="Questions for your care team", status=Article.Status.APPROVED, reviewed_by=make.reviewer())
    context = browser.new_context(base_url=live_server.url, timezone_id="America/New_York")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto("/admin/login/")
    tab.fill("#id_username", "eddie")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.goto(f"/admin/articles/article/{article.pk}/change/")
    tab.get_by_role("link", name="Publish or schedule", exact=True).click()
    expect(tab.locator("#id_at_helptext")).to_contain_text("Europe/London")
    tab.fill("#id_at", "2031-07-15T09:00")
    tab.get_by_role("button", name="Publish or schedule", exact=True).click()
    expect(tab.locator(".messagelist")).to_contain_text("Scheduled for 15 July 2031, 09:00 BST")
    expect(tab.locator(".workflow-status")).to_have_text("Scheduled for 15 July 2031, 09:00 BST")
    article.refresh_from_db()
    assert article.publish_at == datetime.datetime(2031, 7, 15, 8, 0, tzinfo=datetime.UTC)
    tab.goto("/admin/articles/article/?status__exact=scheduled")
    expect(tab.locator("#result_list")).to_contain_text("Questions for your care team")
    context.close()
