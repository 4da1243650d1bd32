"""In a real browser: an editor restores an old revision onto a published, reviewed article.

The live page must not show the restored, unreviewed text silently under the reviewer's name:
the restore asks the editor to confirm, the page then says "Updated …, after its last medical
review", and the reviewer finds the article in "My reviews".
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.reviews import services
from articles.workflow import revisions

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_BODY = "<h2>Surgery</h2><p>Most people have surgery [1].</p>"
REVIEWED_BODY = OLD_BODY + "<h2>When to call your doctor</h2><p>Call at once if you have a fever.</p>"


def test_a_restore_onto_a_live_article_goes_back_to_review_and_says_so(browser, live_server, page, make):
    """Editor restores an older revision; readers are told it changed after review; the reviewer is asked."""
    make.staff_in("Editor", username="eddie")
    doctor = make.staff_in("Medical reviewer", username="rita")
    doctor.reviewer_profile.name = "Dr. Rita Moreno"
    doctor.reviewer_profile.save()
    article = make.article(title="Stage 4 treatment", slug="stage-4", body=OLD_BODY)
    make.cite(article, make.reference(title="Treating stage IV"), 1)
    old = revisions.refresh_snapshot(article)
    make.edit(article, body=REVIEWED_BODY)
    revisions.refresh_snapshot(article)
    services.record_review(article, reviewer=doctor.reviewer_profile, by=doctor,
                               reviewed_on=timezone.localdate() - datetime.timedelta(days=3))

    sign_in(page, "eddie")
    page.goto(f"/admin/articles/article/{article.pk}/revisions/")
    page.locator(f"a[href$='/revisions/{old.history_id}/restore/']").click()
    expect(page.locator(".restore-live")).to_contain_text("This article is published")
    confirm = page.get_by_label("I am an editor and want this text live now")
    page.get_by_role("button", name="Restore this revision").click()
    expect(page).to_have_url(f"{live_server.url}/admin/articles/article/{article.pk}/revisions/{old.history_id}/restore/")
    confirm.check()
    page.get_by_role("button", name="Restore this revision").click()
    expect(page.locator(".messagelist")).to_contain_text("changed after its last medical review")

    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto("/articles/stage-4/")
    expect(reader.locator(".article-body")).not_to_contain_text("When to call your doctor")
    notice = reader.locator(".changed-since-review")
    expect(notice).to_contain_text("after its last medical review on")
    expect(notice).to_contain_text("has not been medically reviewed yet")
    expect(reader.locator(".byline")).to_contain_text("Dr. Rita Moreno")
    reader.context.close()

    page.context.clear_cookies()
    sign_in(page, "rita")
    page.goto("/staff/reviews/mine/")
    expect(page.locator("#content")).to_contain_text("Stage 4 treatment")
