"""``manage.py review_due``: the articles due for medical review, for people and for cron.

Exit status: 0 whether or not anything is due; 2 for a bad option (unknown format, negative
days, unknown reviewer); 1 when --notify could not send an email.
"""

import argparse
import contextlib
import gc

import orjson
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.feedback import notifications as feedback_notifications
from articles.models import Article, Reviewer
from articles.reviews import queries
from articles.reviews import reminders as review_reminders
from articles.reviews import rows as review_rows
from articles.tasks import send_review_reminders
from cms.spreadsheet import SpreadsheetWriter


def days(value):
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of days (got {value!r})") from None
    if not 0 <= number <= 3650:
        raise argparse.ArgumentTypeError(f"must be between 0 and 3650 days (got {number})")
    return number


@contextlib.contextmanager
def bulk_objects():
    """No cyclic garbage collection while tens of thousands of rows are built: they hold no cycles,
    and the collector's repeated passes over them cost about a sixth of the command's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Command(BaseCommand):
    help = (
        "List published articles that are overdue, never reviewed, or due for medical review within DAYS days. "
        "With --notify, email each reviewer one digest of their newly due articles and escalate long-overdue "
        "ones to the Editor group (each at most once per due date)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--within", type=days, default=30, metavar="DAYS",
                            help="include articles due within DAYS days from today (default 30)")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
        parser.add_argument("--reviewer", metavar="SLUG", help="only articles whose latest review is by this reviewer")
        parser.add_argument("--notify", action="store_true", help="send the reminder and escalation emails")
        parser.add_argument("--enqueue", action="store_true",
                            help="with --notify: queue the reminders for the task worker instead of sending them here")

    def handle(self, *args, within, format, reviewer, notify: bool, enqueue=False, **options):
        if enqueue:
            if not notify or reviewer:
                raise CommandError("--enqueue goes with --notify, for every reviewer.", returncode=2)
            result = send_review_reminders.enqueue(within=within)
            self.stdout.write(f"Queued the review reminders as task {result.id}; the task worker sends them.")
            return
        today = timezone.localdate()
        reviewers = {r.pk: r for r in Reviewer.objects.select_related("user")}
        queryset = queries.due_for_review(Article.objects.in_review_cycle(), within, today)
        if reviewer:
            chosen = next((r for r in reviewers.values() if r.slug == reviewer), None)
            if chosen is None:
                raise CommandError(f"No reviewer with the slug {reviewer!r}.", returncode=2)
            queryset = queries.last_reviewed_by(queryset, chosen)
        with bulk_objects():
            reminders = review_rows.last_reminders(queryset)
            rows = [review_rows.decorate(v, reviewers, today, reminders) for v in review_rows.due_rows(queryset)]
            self._print(rows, format, within)
        if notify:
            self._notify(rows, today)

    def _print(self, rows, format, within):
        urls = review_rows.RowUrls(settings.SITE_URL)
        if format == "json":
            # orjson: about a tenth of a second for 50,000 rows, indented, where json's C encoder
            # took three times as long on one line (and its indent= a second more).
            fields = review_rows.ROW_FIELDS
            data = [dict(zip(fields, review_rows.row_values(a, urls), strict=True)) for a in rows]
            self.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        elif format == "csv":
            writer = SpreadsheetWriter(self.stdout, lineterminator="\n")  # no byte-order mark on a terminal
            writer.writerow(review_rows.ROW_FIELDS)
            writer.writerows(review_rows.row_values(a, urls) for a in rows)
        elif not rows:
            self.stdout.write(f"Nothing is due for medical review within {within} days.")
        else:
            header = ("DUE", "OVERDUE", "REVIEWER", "CHANGED", "TITLE")
            table = [
                (
                    a.next_due.isoformat() if a.next_due else "now",
                    f"{a.days_overdue}d" if a.days_overdue else "",
                    a.reviewer.name if a.reviewer else "(never reviewed)" if a.last_reviewed_on is None else "",
                    "yes" if a.changed else "",
                    a.title,
                )
                for a in rows
            ]
            widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header) - 1)]
            for line in [header, *table]:
                cells = [str(c).ljust(w) for c, w in zip(line, widths, strict=False)] + [line[-1]]
                self.stdout.write("  ".join(cells).rstrip())
            self.stdout.write(f"\n{len(rows)} article{'s' if len(rows) != 1 else ''} due within {within} days "
                              "(including overdue and never reviewed).")

    def _notify(self, rows, today):
        reports = list(feedback_notifications.pending())  # readers' medical-information reports, in the same digests
        outcome = review_reminders.notify(rows, today=today, news=feedback_notifications.news(reports))
        feedback_notifications.mark_told(reports, outcome)
        for subject, to in outcome.sent:
            self.stderr.write(f"Sent “{subject}” to {', '.join(to)}")
        if outcome.skipped:
            self.stderr.write(f"{outcome.skipped} article(s) were already reminded for their due date.")
        for error in outcome.errors:
            self.stderr.write(self.style.ERROR(error))
        if any(e.startswith("Could not send") for e in outcome.errors):
            raise CommandError("Some reminders could not be sent; they will be retried on the next run.")
