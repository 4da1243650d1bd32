"""``manage.py review_due``: formats, exit codes, reminders sent once, escalation to editors."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import ReviewReminder

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("review_due", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def due(make):
    account = make.user(email="ana@example.org")
    ana = make.reviewer(name="Dr. Ana Lee", slug="ana-lee", user=account)
    bo = make.reviewer(name="Dr. Bo Kim", slug="bo-kim", user=make.user(email="bo@example.org"))
    return {
        "ana_overdue": make.article(title="Ana overdue", reviewed_on=ago(365 + 45), reviewed_by=ana),
        "ana_soon": make.article(title="Ana soon", reviewed_on=ago(365 - 10), reviewed_by=ana),
        "bo_later": make.article(title="Bo later", reviewed_on=ago(365 - 60), reviewed_by=bo),
        "never": make.article(title="Never reviewed"),
        "fresh": make.article(title="Fresh", reviewed_on=ago(3), reviewed_by=bo),
    }


def test_table_lists_the_due_articles_and_exits_zero(due):
    """Overdue, never reviewed and due within the window are listed, soonest first; fresh ones are not."""
    out, _ = run("--within", "30")
    lines = out.splitlines()
    titles = [t for t in ("Never reviewed", "Ana overdue", "Ana soon") if any(line.endswith(t) for line in lines)]
    assert titles == ["Never reviewed", "Ana overdue", "Ana soon"]
    assert out.index("Never reviewed") < out.index("Ana overdue") < out.index("Ana soon")
    assert "Bo later" not in out and "Fresh" not in out
    assert "3 articles due within 30 days" in out
    assert "Bo later" in run("--within", "90")[0]


def test_nothing_due_still_exits_zero(make):
    """An empty due list is a normal answer, not an error."""
    make.article(reviewed_on=ago(1))
    out, _ = run("--within", "0")
    assert "Nothing is due" in out


def test_csv_and_json_formats_hold_the_same_rows(due):
    """CSV has a header row; JSON is a list of objects with the same fields."""
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv")[0])))
    data = json.loads(run("--format", "json")[0])
    assert [r["title"] for r in rows] == [d["title"] for d in data] == ["Never reviewed", "Ana overdue", "Ana soon"]
    overdue = data[1]
    assert overdue["reviewer"] == "Dr. Ana Lee" and overdue["days_overdue"] == 45
    assert overdue["last_reviewed"] == ago(365 + 45).isoformat()
    assert data[0]["next_review_due"] == "now" and data[0]["last_reviewed"] == "never"


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(due):
    """A title typed as a formula stays text in the CSV (as in every CSV the site writes); JSON keeps it as typed."""
    due["ana_overdue"].title = "=HYPERLINK(evil)"
    due["ana_overdue"].save()
    rows = {r["admin_url"]: r for r in csv.DictReader(io.StringIO(run("--format", "csv")[0]))}
    row = next(r for url, r in rows.items() if url.endswith(f"/{due['ana_overdue'].pk}/change/"))
    assert row["title"] == "'=HYPERLINK(evil)" and row["reviewer"] == "Dr. Ana Lee"
    assert "=HYPERLINK(evil)" in [d["title"] for d in json.loads(run("--format", "json")[0])]


def test_reviewer_option_filters_and_an_unknown_slug_exits_2(due):
    """--reviewer limits to that reviewer's articles; an unknown slug is a usage error (exit 2)."""
    data = json.loads(run("--reviewer", "ana-lee", "--format", "json", "--within", "90")[0])
    assert [d["title"] for d in data] == ["Ana overdue", "Ana soon"]
    with pytest.raises(CommandError) as error:
        run("--reviewer", "nobody")
    assert error.value.returncode == 2 and "nobody" in str(error.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--format", "xml"], "invalid choice: 'xml'"), (["--within", "soon"], "whole number"), (["--within", "-5"], "between 0"),
     (["--bogus"], "unrecognized arguments")],
)
def test_a_bad_option_is_a_clear_error_with_exit_status_2(args, message):
    """From the command line (as cron runs it), argparse errors exit 2 with a message on stderr."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.test_settings"}
    result = subprocess.run([sys.executable, "manage.py", "review_due", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert message in result.stderr


def test_notify_sends_one_digest_per_reviewer_once_per_due_date(due, make):
    """Each reviewer gets one email listing their due articles; a second run sends nothing new."""
    run("--notify")
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("ana@example.org",)}  # Bo has nothing due within 30 days
    ana_mail = by_recipient[("ana@example.org",)]
    assert "Ana overdue" in ana_mail.body and "Ana soon" in ana_mail.body and "overdue by 45 days" in ana_mail.body
    assert ReviewReminder.objects.filter(kind=ReviewReminder.Kind.REMINDER).count() == 2

    mail.outbox.clear()
    run("--notify")
    assert mail.outbox == []

    # A new review gives a new due date, which is reminded about again when it comes due.
    make.review(due["ana_soon"], reviewer_=due["ana_soon"].reviews.first().reviewer, reviewed_on=ago(400))
    mail.outbox.clear()
    run("--notify", "--within", "90")
    assert [tuple(m.to) for m in mail.outbox] == [("bo@example.org",)]


def test_long_overdue_and_unassigned_articles_are_escalated_to_the_editor_group(due, make, settings):
    """Overdue by more than the set days, or nobody to remind: one email to the Editor group, once."""
    settings.REVIEW_ESCALATE_AFTER_DAYS = 30
    editors = Group.objects.get_or_create(name="Editor")[0]
    for email in ("ed1@example.org", "ed2@example.org"):
        make.user(email=email).groups.add(editors)
    make.user(email="writer@example.org")  # not an editor
    run("--notify")
    escalation = next(m for m in mail.outbox if "Escalation" in m.subject)
    assert sorted(escalation.to) == ["ed1@example.org", "ed2@example.org"]
    assert "Ana overdue" in escalation.body and "Never reviewed" in escalation.body and "Ana soon" not in escalation.body
    sent = ReviewReminder.objects.filter(kind=ReviewReminder.Kind.ESCALATION)
    assert {r.article.title for r in sent} == {"Ana overdue", "Never reviewed"}
    mail.outbox.clear()
    run("--notify")
    assert mail.outbox == []


def test_reminders_sent_are_visible_to_staff(due, admin_client):
    """The schedule and the article's admin page say when the reminder went."""
    run("--notify")
    article = due["ana_overdue"]
    page = admin_client.get("/staff/reviews/", {"group": "overdue"})
    row = next(a for a in page.context["page"] if a.pk == article.pk)
    assert row.last_reminder_at is not None
    exported = {r["title"]: r for r in json.loads(run("--format", "json")[0])}
    assert exported[article.title]["last_reminder_sent"].startswith(timezone.localdate().isoformat())
    change = admin_client.get(f"/admin/articles/article/{article.pk}/change/").text
    assert "Last reminder:" in change and "ana@example.org" in change


def test_a_failed_send_is_reported_and_retried_next_run(due, settings):
    """If the mail server refuses, nothing is recorded as sent and the command exits non-zero."""
    settings.MAILERS = {"default": {"BACKEND": "tests.test_review_due_command.FailingBackend"}}
    with pytest.raises(CommandError, match="could not be sent"):
        run("--notify")
    assert not ReviewReminder.objects.exists()


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")


def test_command_runs_a_fixed_number_of_queries(make):
    """10 or 60 due articles over many reviewers, some escalated: the same number of queries, with --notify too."""
    Group.objects.get_or_create(name="Editor")[0]

    def grow(n):
        for i in range(n):
            rev = make.reviewer(user=make.user(email=f"r{i}-{n}@example.org"))
            make.article(reviewed_on=ago(380 + i * 3), reviewed_by=rev)  # some overdue > 30 days

    grow(10)
    with CaptureQueriesContext(connection) as few:
        run("--notify", "--format", "csv")
    grow(50)
    with CaptureQueriesContext(connection) as many:
        run("--notify", "--format", "csv")
    # the review policy (are the stored due dates current?), reviewers, reminders, due rows; with
    # --notify: a savepoint, the run lock (PostgreSQL), what was sent before, editors, the insert
    # and the savepoint's release; and the readers' medical-information reports still to send
    # (articles/feedback/notifications.py).
    assert len(many.captured_queries) == len(few.captured_queries) <= 11


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_notify_runs_at_the_same_moment_send_each_reminder_once(due):
    """Cron on two machines: the second run waits for the first, then finds nothing left to send."""
    import threading

    from django.db import connections

    from articles.models import Article, Reviewer
    from articles.reviews import queries as review_queries
    from articles.reviews import reminders as review_reminders
    from articles.reviews import rows as review_rows

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers anyway")
    today = timezone.localdate()
    reviewers = {r.pk: r for r in Reviewer.objects.select_related("user")}
    due_list = review_queries.due_for_review(Article.objects.in_review_cycle(), 30, today)
    rows = [review_rows.decorate(v, reviewers, today) for v in review_rows.due_rows(due_list)]
    barrier = threading.Barrier(2)

    def notify():
        try:
            barrier.wait()
            review_reminders.notify(rows, today=today)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=notify) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    digests = [m for m in mail.outbox if "Escalation" not in m.subject]
    assert [m.to for m in digests] == [["ana@example.org"]]
    assert ReviewReminder.objects.filter(kind=ReviewReminder.Kind.REMINDER).count() == 2
