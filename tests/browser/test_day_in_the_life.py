"""Issue 22's "day in the life", in a real browser: writer, medical reviewer and editor, one article.

The writer drafts with a callout and an internal link, loses a tab and gets the text back; the
reviewer reads the body rendered and signs off; the editor schedules it in the site's time; once
it is live the editor restores an older revision, and readers are told it changed after its review
while the reviewer finds it waiting in "My reviews".

Going live: the test moves the scheduled ``publish_at`` into the past in the database (the clock
passing), rather than waiting for it.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, AutosavedDraft
from tests.browser.helpers import (
    leave,
    sign_in,
    signed_in,
    transition,
    wait_for_editor_caret,
    wait_for_editor_selection,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ".field-body .ProseMirror[contenteditable=true]"
LONDON = ZoneInfo("Europe/London")


def _save(tab, outcome="was changed successfully"):
    tab.get_by_role("button", name="Save and continue editing").click()
    expect(tab.locator(".messagelist")).to_contain_text(outcome)


def _open(tab, article):
    tab.goto(f"/admin/articles/article/{article.pk}/change/")


def test_a_day_in_the_life_of_one_article(browser, live_server, make):
    """Draft with callout and link, recover a closed tab, review, schedule in London time, restore goes back to review."""
    make.staff_in("Writer", username="wendy", first_name="Wendy", last_name="Hart")
    rita = make.staff_in("Medical reviewer", username="rita")
    rita.reviewer_profile.name = "Dr. Rita Moreno"
    rita.reviewer_profile.save()
    make.staff_in("Editor", username="eddie", first_name="Eddie", last_name="Shaw")
    target = make.article(title="Anti-sickness medicines", slug="anti-sickness-medicines")

    # 1. The writer drafts: an internal link chosen with the picker, then a callout.
    writer = signed_in(browser, live_server, "wendy")
    writer.goto("/admin/articles/article/add/")
    writer.fill("#id_title", "Nausea during chemotherapy")
    writer.fill("#id_summary", "Why chemotherapy can make you feel sick, and what helps.")
    writer.locator(BODY).click()
    wait_for_editor_caret(writer, "empty line")
    writer.keyboard.type("Ask your team about medicines")
    writer.keyboard.press("Shift+Control+ArrowLeft")
    wait_for_editor_selection(writer, "medicines")
    writer.get_by_label("Link to another article:").press_sequentially("sickness")
    writer.get_by_role("button", name="Anti-sickness medicines (Published)").click()
    expect(writer.locator(f"{BODY} a[href='{target.get_absolute_url()}']")).to_have_text("medicines")
    writer.locator(BODY).click()
    writer.keyboard.press("Control+End")
    wait_for_editor_caret(writer, "end")
    writer.get_by_role("button", name="Callout: When to call your doctor").click()
    writer.keyboard.type("If you cannot keep fluids down for a day.")
    expect(writer.locator(f"{BODY} aside.callout-warning h3")).to_have_text("When to call your doctor")
    _save(writer, "was added successfully")
    article = Article.objects.get(slug="nausea-during-chemotherapy")
    first_draft = article.history.order_by("history_id").last()
    assert re.search(f'<a href="{target.get_absolute_url()}"[^>]*>medicines</a>', first_draft.body)
    assert '<aside class="callout callout-warning"><h3>When to call your doctor</h3><p>If you cannot keep fluids down' in first_draft.body

    # 2. More typing, the autosave keeps a copy, the tab is closed unsaved; reopened, the copy is recovered.
    writer.locator(BODY).click()
    writer.keyboard.press("Control+Home")
    wait_for_editor_caret(writer, "start")
    writer.keyboard.type("Eat small meals often. ")
    expect(writer.locator("#autosave-status")).to_contain_text("Draft copy kept", timeout=15_000)
    context = writer.context
    writer.close()
    assert "small meals" not in Article.objects.get(pk=article.pk).body
    assert AutosavedDraft.objects.filter(article=article, user__username="wendy").exists()
    writer = context.new_page()
    writer.set_default_timeout(15_000)
    _open(writer, article)
    expect(writer.locator("#draft-offer")).to_contain_text("You have unsaved changes")
    writer.get_by_role("button", name="Recover my changes").click()
    expect(writer.locator(BODY)).to_contain_text("Eat small meals often. Ask your team about medicines")
    _save(writer)
    assert "Eat small meals often." in Article.objects.get(pk=article.pk).body

    # 3. The writer submits; the reviewer reads the body as readers will see it, and signs off.
    transition(writer, "Submit for medical review")
    expect(writer.locator(".workflow-status")).to_have_text("In medical review")
    reviewer = signed_in(browser, live_server, "rita")
    reviewer.locator("#waiting-for-me").get_by_role("link", name="Nausea during chemotherapy").click()
    rendered = reviewer.locator(".rendered-body")
    expect(rendered.locator("aside.callout-warning h3")).to_have_text("When to call your doctor")
    expect(rendered.locator(f"a[href='{target.get_absolute_url()}']")).to_have_text("medicines")
    expect(rendered).to_contain_text("Eat small meals often.")
    expect(reviewer.locator("#content")).not_to_contain_text("<aside")  # rendered, not HTML source
    transition(reviewer, "Sign off")
    expect(reviewer.locator(".workflow-status")).to_have_text("Approved")

    # 4. The editor, in a New York browser, schedules tomorrow 09:00 site time (Europe/London).
    editor = browser.new_context(base_url=live_server.url, timezone_id="America/New_York").new_page()
    editor.set_default_timeout(15_000)
    sign_in(editor, "eddie")
    _open(editor, article)
    editor.get_by_role("link", name="Publish or schedule", exact=True).click()
    expect(editor.locator("#id_at_helptext")).to_contain_text("Europe/London")
    day = timezone.now().astimezone(LONDON).date() + datetime.timedelta(days=1)
    at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=LONDON)
    editor.fill("#id_at", at.strftime("%Y-%m-%dT%H:%M"))
    editor.get_by_role("button", name="Publish or schedule", exact=True).click()
    shown = f"Scheduled for {day.day} {day:%B %Y}, 09:00 {at.tzname()}"
    expect(editor.locator(".messagelist")).to_contain_text(shown)
    expect(editor.locator(".workflow-status")).to_have_text(shown)
    article.refresh_from_db()
    assert article.publish_at == at.astimezone(datetime.UTC)
    editor.goto("/admin/articles/article/?status__exact=scheduled")
    expect(editor.locator("#result_list")).to_contain_text("Nausea during chemotherapy")
    reader = browser.new_context(base_url=live_server.url).new_page()
    assert reader.goto(article.get_absolute_url()).status == 404  # not public before its time

    # 5. The time passes; it is live as reviewed. The editor restores the first draft onto it.
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    assert reader.goto(article.get_absolute_url()).status == 200
    expect(reader.locator(".article-body")).to_contain_text("Eat small meals often.")
    expect(reader.locator(".byline")).to_contain_text("Medically reviewed by Dr. Rita Moreno")
    expect(reader.locator(".changed-since-review")).to_have_count(0)
    expect(reader.locator(".article-body aside.callout-warning")).to_contain_text("If you cannot keep fluids down")
    expect(reader.locator(f".article-body a[href='{target.get_absolute_url()}']")).to_have_text("medicines")

    editor.goto(f"/admin/articles/article/{article.pk}/revisions/")
    editor.locator(f"a[href$='/revisions/{first_draft.history_id}/restore/']").click()
    expect(editor.locator(".restore-live")).to_contain_text("This article is published")
    editor.get_by_label("I am an editor and want this text live now").check()
    editor.get_by_role("button", name="Restore this revision").click()
    expect(editor.locator(".messagelist")).to_contain_text("changed after its last medical review")

    reader.goto(article.get_absolute_url())
    expect(reader.locator(".article-body")).not_to_contain_text("Eat small meals often.")
    expect(reader.locator(".article-body aside.callout-warning")).to_contain_text("If you cannot keep fluids down")
    notice = reader.locator(".changed-since-review")
    expect(notice).to_contain_text("after its last medical review on")
    expect(notice).to_contain_text("has not been medically reviewed yet")
    reader.context.close()

    reviewer.goto("/staff/reviews/mine/")
    row = reviewer.get_by_role("row", name="Nausea during chemotherapy")
    row.get_by_role("link", name="See what changed").click()
    expect(reviewer.locator("#content")).to_contain_text("Eat small meals often.")  # as reviewed, now gone
    expect(reviewer.get_by_role("button", name="Reviewed, no change needed")).to_be_visible()
    for tab in (writer, reviewer, editor):
        leave(tab)
