"""Triage of reader reports in the admin, the notifications they raise, and the public corrections log."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from articles.feedback import notifications, services, stats
from articles.feedback.models import Feedback
from articles.models import ArticleEvent

pytestmark = pytest.mark.django_db

INBOX = "/admin/feedback/feedback/"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ana(make):
    """The article's medical reviewer (a profile with an account that has an email address)."""
    return make.reviewer(name="Dr. Ana Lee", slug="ana-lee", user=make.user(email="ana@example.org", username="ana"))


@pytest.fixture
def article(make, ana):
    reviewed = timezone.localdate() - datetime.timedelta(days=40)
    return make.article(title="Hormone therapy", slug="hormone-therapy", reviewed_on=reviewed, reviewed_by=ana,
                        body="<h2>Letrozole</h2><p>2.5 mg a day.</p>")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def report(article, *, reason="medical", text="The dose looks wrong.", at=None):
    row = services.record_report(article, reason=reason, section="Letrozole", text=text)
    if at:
        Feedback.objects.filter(pk=row.pk).update(created_at=at)
        row.refresh_from_db()
    return row


def test_the_inbox_groups_reports_by_article_newest_first(editor_client, article, make):
    """The article with the newest report comes first; within it, the newest report first; votes stay out."""
    other = make.article(title="Radiotherapy", slug="radio")
    now = timezone.now()
    old = report(article, text="first", at=now - datetime.timedelta(hours=5))
    report(other, text="other", at=now - datetime.timedelta(hours=3))
    new = report(article, text="second", at=now - datetime.timedelta(hours=1))
    services.record_vote(article, True)
    response = editor_client.get(INBOX)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [r.text for r in rows] == ["second", "first", "other"]
    assert rows[0].pk == new.pk and rows[1].pk == old.pk
    html = response.content.decode()
    assert "median time from report to triage" in html
    # Each group is headed once, with its counts; the rows under it keep the title for screen readers only.
    assert html.count(f'<strong><a href="?article__id__exact={article.pk}">Hormone therapy</a></strong>') == 1
    assert "2 reports, 2 new" in html and "1 report, 1 new" in html
    assert '<span class="visually-hidden">Hormone therapy</span>' in html
    # Sorted by a column, the rows are not groups: every row names its article plainly.
    sorted_html = editor_client.get(f"{INBOX}?o=2").content.decode()
    assert "visually-hidden\">Hormone therapy" not in sorted_html and "2 reports" not in sorted_html


@pytest.mark.parametrize("query", ["state__exact=new", "reason__exact=medical", "article__id__exact={article}",
                                   "article__last_reviewer__id__exact={reviewer}", "q=dose"])
def test_the_inbox_filters(editor_client, article, ana, make, query):
    """By state, reason, article, reviewer, and words."""
    report(article)
    other = report(make.article(slug="x"), reason="broken_link", text="Link 3 is dead.")
    other.state = "triaged"
    services.save_triage(other)
    response = editor_client.get(f"{INBOX}?{query.format(article=article.pk, reviewer=ana.pk)}")
    assert response.status_code == 200
    assert [r.text for r in response.context["cl"].result_list] == ["The dose looks wrong."]


def test_the_series_filter(editor_client, article, make):
    series = make.series(title="Breast cancer")
    make.series_entry(series, article, 1)
    report(article)
    elsewhere = make.article(slug="y")
    make.series_entry(make.series(title="Lung cancer"), elsewhere, 1)  # a filter lists two choices or hides itself
    report(elsewhere, text="elsewhere")
    response = editor_client.get(f"{INBOX}?article__series_entry__series__id__exact={series.pk}")
    assert [r.text for r in response.context["cl"].result_list] == ["The dose looks wrong."]


def test_triage_sets_state_assignee_and_notes_and_stamps_the_time(editor_client, article, editor):
    row = report(article)
    response = editor_client.post(f"{INBOX}{row.pk}/change/", {
        "state": "triaged", "assignee": editor.pk, "notes": "Checking with Dr. Lee.", "revision": "", "correction": "",
        "correction_note": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert (row.state, row.assignee, row.notes) == ("triaged", editor, "Checking with Dr. Lee.")
    assert row.triaged_at is not None and row.actioned_at is None


def test_from_report_to_public_correction_in_one_step(editor_client, client, article, ana):
    """The editor writes the note on the report: it is published, linked, the report actioned; the
    article shows it in its review history, /corrections/ and its feed list it, dateModified moves and
    "last reviewed" does not."""
    row = report(article)
    before = client.get("/articles/hormone-therapy/").content.decode()
    assert 'class="corrections"' not in before
    article.refresh_from_db()
    last_reviewed = article.last_reviewed_on
    assert last_reviewed is not None
    note = "We corrected the dose of letrozole in Hormone therapy."
    response = editor_client.post(f"{INBOX}{row.pk}/change/", {
        "state": "new", "assignee": "", "notes": "", "revision": "", "correction": "", "correction_note": note,
    })
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "actioned" and row.triaged_at and row.actioned_at
    assert row.correction.comment == note and row.correction.announced
    assert row.correction.kind == ArticleEvent.Kind.CORRECTION
    article.refresh_from_db()
    assert article.last_reviewed_on == last_reviewed
    assert timezone.localdate(article.content_changed_at) == timezone.localdate()

    client.logout()
    page = client.get("/articles/hormone-therapy/").content.decode()
    assert note in page and f'id="correction-{row.correction.pk}"' in page
    assert f'"dateModified": "{timezone.localdate().isoformat()}' in page or timezone.localdate().isoformat() in page.split(
        'article:modified_time" content="')[1][:10]
    log = client.get("/corrections/")
    assert log.status_code == 200 and note in log.content.decode() and "Hormone therapy" in log.content.decode()
    feed = client.get("/corrections/feed/")
    assert feed.status_code == 200 and note in feed.content.decode()


def test_only_editors_publish_corrections(client, article, make):
    """A reviewer who may read the inbox cannot publish a correction: told so, nothing published."""
    writer = make.user(username="wally", is_superuser=False)
    row = report(article)
    with pytest.raises(Exception, match="Only editors"):
        services.publish_correction(row, by=writer, note="Nope")
    assert not ArticleEvent.objects.filter(kind=ArticleEvent.Kind.CORRECTION).exists()


def test_a_report_links_to_the_revision_that_answered_it(editor_client, article, make):
    make.edit(article, body="<h2>Letrozole</h2><p>2.5 mg once a day.</p>")
    revision = article.history.order_by("-history_date").first()
    row = report(article)
    response = editor_client.post(f"{INBOX}{row.pk}/change/", {
        "state": "actioned", "assignee": "", "notes": "", "revision": revision.pk, "correction": "", "correction_note": "",
    })
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revision_id == revision.pk and row.actioned_at is not None


def test_the_revisions_to_link_read_apart_when_saved_in_the_same_minute(editor_client, article, make):
    """Two saves a few seconds apart showed as two identical "07 Dec 2026 12:47: edited" choices."""
    make.edit(article, body="<h2>Letrozole</h2><p>2.5 mg once a day.</p>")
    make.edit(article, body="<h2>Letrozole</h2><p>2.5 mg once a day, with or without food.</p>")
    row = report(article)
    page = editor_client.get(f"{INBOX}{row.pk}/change/").content.decode()
    choices = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page.split('name="revision"')[1].split("</select>")[0])
    assert len(choices) == article.history.count() == len(set(choices))
    assert all("(published)" in choice or "(draft)" in choice for choice in choices)


def test_median_times_to_triage_and_action_over_90_days(article):
    now = timezone.now()
    for hours_to_triage, hours_to_action in [(1, 2), (3, None), (5, 10)]:
        row = report(article, at=now - datetime.timedelta(days=2))
        row.triaged_at = row.created_at + datetime.timedelta(hours=hours_to_triage)
        if hours_to_action:
            row.actioned_at = row.created_at + datetime.timedelta(hours=hours_to_action)
        row.save()
    report(article, at=now - datetime.timedelta(days=120))  # outside the window
    times = stats.triage_times(now)
    assert times.to_triage == datetime.timedelta(hours=3)
    assert times.to_action == datetime.timedelta(hours=6)
    assert (times.reports, times.triaged, times.actioned) == (3, 3, 2)
    assert stats.duration(times.to_triage) == "3 hours"


def test_the_reports_export_as_csv_with_formulas_neutralised(editor_client, article):
    report(article, text="=HYPERLINK(\"http://evil\")")
    response = editor_client.post(INBOX, {"action": "export_csv", "_selected_action": [r.pk for r in Feedback.objects.all()]})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Received", "Article", "Article URL"]
    assert rows[1][1] == "Hormone therapy" and rows[1][6].startswith("'=")


# --- helpful percentages -------------------------------------------------------------------------


def test_helpful_percentage_in_the_article_list_and_flag_below_the_threshold(editor_client, article, settings):
    settings.FEEDBACK_HELPFUL_MIN_ANSWERS = 5
    for helpful in [True, True, False, False, False]:
        services.record_vote(article, helpful)
    response = editor_client.get("/admin/articles/article/")
    html = response.content.decode()
    assert "40% of 5" in html and "review</strong>" in html


def test_the_review_schedule_shows_helpful_and_lists_flagged_articles(editor_client, article, settings):
    settings.FEEDBACK_HELPFUL_MIN_ANSWERS = 4
    for helpful in [True, False, False, False]:
        services.record_vote(article, helpful)
    html = editor_client.get("/staff/reviews/?group=all").content.decode()
    assert "Flagged by readers (1)" in html and "helpful to 25% of 4" in html


def test_old_votes_do_not_count(article):
    vote = services.record_vote(article, False)
    Feedback.objects.filter(pk=vote.pk).update(created_at=timezone.now() - datetime.timedelta(days=91))
    assert stats.helpful_for([article.pk]) == {}


# --- notifications --------------------------------------------------------------------------------


def test_medical_reports_reach_the_last_reviewer_and_editors_with_the_reminders(article, editor):
    """``review_due --notify`` sends them once; other reasons are not sent."""
    report(article, text="Dose wrong; email me@example.org")
    report(article, reason="broken_link", text="dead link")
    call_command("review_due", "--notify", stdout=io.StringIO(), stderr=io.StringIO())
    sent = {tuple(m.to): m for m in mail.outbox if "reader report" in m.subject}
    assert set(sent) == {("ana@example.org",), ("eddie@example.org",)}
    assert "Hormone therapy" in sent[("ana@example.org",)].body and "[email removed]" in sent[("ana@example.org",)].body
    assert "dead link" not in sent[("eddie@example.org",)].body
    mail.outbox.clear()
    call_command("review_due", "--notify", stdout=io.StringIO(), stderr=io.StringIO())
    assert not [m for m in mail.outbox if "reader report" in m.subject]


def test_a_reviewer_gets_one_digest_with_their_due_articles_and_the_readers_reports(article, ana, editor, make, settings):
    """The reports travel inside the reminder digests: one email to the reviewer, one to the editors."""
    settings.REVIEW_ESCALATE_AFTER_DAYS = 30
    make.article(title="Radiotherapy", reviewed_on=timezone.localdate() - datetime.timedelta(days=420), reviewed_by=ana)
    report(article, text="The letrozole dose looks wrong.")
    call_command("review_due", "--notify", stdout=io.StringIO(), stderr=io.StringIO())
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert sorted(by_recipient) == [("ana@example.org",), ("eddie@example.org",)]  # one email each
    to_ana = by_recipient[("ana@example.org",)]
    assert to_ana.subject.endswith("1 article due for medical review; 1 reader report about medical information")
    assert to_ana.body.index("Radiotherapy: due") < to_ana.body.index("Hormone therapy (section: Letrozole)")
    assert "The letrozole dose looks wrong." in to_ana.body
    to_editors = by_recipient[("eddie@example.org",)]
    assert to_editors.subject.endswith("Escalation: 1 article(s) overdue for medical review; 1 reader report about medical information")
    assert "Radiotherapy" in to_editors.body and "Last reviewer: Dr. Ana Lee" in to_editors.body
    assert not notifications.pending().exists()


def test_medical_reports_go_at_once_when_the_setting_says_so(article, editor, settings, django_capture_on_commit_callbacks):
    settings.FEEDBACK_NOTIFY_AT_ONCE = True
    with django_capture_on_commit_callbacks(execute=True):
        report(article)
    assert {tuple(m.to) for m in mail.outbox} == {("ana@example.org",), ("eddie@example.org",)}
    assert not notifications.pending().exists()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", [INBOX, "/admin/articles/article/", "/corrections/"])
def test_the_inbox_article_list_and_corrections_log_do_not_grow_with_their_rows(editor_client, make, editor, url):
    """3 or 30 articles, each with a report, a vote and a correction: the same number of queries."""

    def grow(n):
        for _ in range(n):
            article = make.article()
            report(article)
            services.record_vote(article, False)
            services.publish_correction(report(article), by=editor, note="We fixed a dose.")

    grow(3)
    few = _queries(editor_client, url)
    grow(27)
    assert _queries(editor_client, url) == few


CORRECTIONS_PAGES = ["/corrections/", "/corrections/feed/", "/sitemap.xml"]


def test_publishing_a_correction_refreshes_the_log_its_feed_and_the_sitemap_in_the_page_cache(
    client, page_cache, committed, article, editor
):
    """Cached before, fresh after: the note on /corrections/ and in its feed, /corrections/ in the sitemap."""
    from cms.pagecache import http as pagecache_http

    for url in CORRECTIONS_PAGES:
        client.get(url)
        assert client.get(url)[pagecache_http.STATUS_HEADER] == pagecache_http.HIT, url
    note = "We corrected the dose of letrozole."
    committed(lambda: services.publish_correction(report(article), by=editor, note=note))
    log, feed, sitemap = (client.get(url) for url in CORRECTIONS_PAGES)
    assert note in log.content.decode() and note in feed.content.decode()
    assert "/corrections/</loc>" in sitemap.content.decode()


def _sitemap_entry(client, path):
    """The ``<lastmod>`` of ``path`` in /sitemap.xml, or None when it is not listed."""
    xml = client.get("/sitemap.xml").content.decode()
    for entry in xml.split("<url>")[1:]:
        if f"{path}</loc>" in entry:
            return entry.split("<lastmod>")[1].split("</lastmod>")[0]
    return None


def test_the_sitemap_lists_the_corrections_log_dated_by_its_newest_correction(client, article, editor, make):
    """Only once it lists one; a correction of an article readers cannot see does not count."""
    response = client.get("/sitemap.xml")
    assert _sitemap_entry(client, "/corrections/") is None
    assert response.has_header("Last-Modified")  # an empty section leaves the others' date
    older = timezone.now() - datetime.timedelta(days=30)
    newer = timezone.now() - datetime.timedelta(days=3)
    services.publish_correction(report(article), by=editor, note="Older.", now=older)
    assert _sitemap_entry(client, "/corrections/") == timezone.localdate(older).isoformat()
    services.publish_correction(report(article), by=editor, note="Newer.", now=newer)
    draft = make.article(status="draft")
    services.publish_correction(report(draft), by=editor, note="Not public.")
    assert _sitemap_entry(client, "/corrections/") == timezone.localdate(newer).isoformat()
    assert client.get("/sitemap.xml").has_header("Last-Modified")


def test_the_sitemap_index_names_the_corrections_section(client, article, editor, settings, monkeypatch):
    """Past the URL limit the log has its own file, /sitemap-corrections.xml."""
    from articles.public import sitemaps

    services.publish_correction(report(article), by=editor, note="A note.")
    monkeypatch.setattr(sitemaps, "SITEMAP_URL_LIMIT", 1)
    assert "sitemap-corrections.xml" in client.get("/sitemap.xml").content.decode()
    section = client.get("/sitemap-corrections.xml")
    assert section.status_code == 200 and "/corrections/</loc>" in section.content.decode()
