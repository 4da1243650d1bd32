"""The review cycle in a real browser: a reviewer confirms from their list; staff read the schedule."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_confirms_no_change_needed_in_one_click(page, make):
    """From the admin's front page to "My reviews", one button records the review."""
    account = make.user(username="drk")
    dr = make.reviewer(name="Dr. K", user=account)
    make.article(title="Living with lymphedema", reviewed_by=dr,
                 reviewed_on=timezone.localdate() - datetime.timedelta(days=380))
    sign_in(page, "drk")
    page.get_by_role("link", name="My reviews").click()
    row = page.get_by_role("row", name="Living with lymphedema")
    row.get_by_role("button", name="Reviewed, no change needed").click()
    assert "reviewed, no change needed" in page.locator(".messagelist").inner_text()
    assert "Nothing is due for your review" in page.locator("#content-main").inner_text()


def test_staff_see_the_schedule_with_its_chart_and_no_script_errors(page, make, superuser):
    """The schedule renders its groups and the inline SVG chart; the browser reports no errors."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    make.article(title="Overdue article", reviewed_on=timezone.localdate() - datetime.timedelta(days=400))
    sign_in(page)
    page.get_by_role("link", name="Review schedule").click()
    assert page.locator(".schedule-chart rect.bar").count() == 12
    page.get_by_role("link", name="1 Overdue").click()
    assert page.get_by_role("link", name="Overdue article").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export this view as CSV").click()
    assert "Overdue article" in open(download.value.path(), encoding="utf-8").read()
    assert errors == []
