"""manage.py check_references: check every reference's URL and record the answer."""

from django.core.management.base import BaseCommand, CommandError

from cms.progress import on_terminal, progress_bar
from references.linkcheck import check_references, stale_references
from references.tasks import check_reference_links


def positive_number(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise CommandError(f"{text!r} is not a number.") from None
        if value <= 0:
            raise CommandError(f"{text!r} must be more than 0.")
        return value

    return parse


class Command(BaseCommand):
    help = (
        "Check each reference's URL (HEAD, then GET when HEAD is refused; redirects followed) and record "
        "its status, final URL and check time. Never waits longer than --max-time in all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=positive_number(int), default=10, help="URLs checked at once (10).")
        parser.add_argument("--timeout", type=positive_number(float), default=10.0, help="Seconds per request (10).")
        parser.add_argument(
            "--only-stale", type=positive_number(int), metavar="DAYS", default=None,
            help="Only references never checked or last checked more than DAYS days ago.",
        )
        parser.add_argument(
            "--max-time", type=positive_number(float), default=600.0,
            help="Seconds for the whole run (600); URLs not reached by then keep their previous result.",
        )
        parser.add_argument(
            "--enqueue", action="store_true",
            help="Queue the check for the task worker (manage.py db_worker) instead of running it here.",
        )

    def handle(self, *args, concurrency, timeout, only_stale, max_time, enqueue=False, **options):
        if enqueue:
            result = check_reference_links.enqueue(
                only_stale_days=only_stale, concurrency=concurrency, timeout=timeout, max_time=max_time
            )
            self.stdout.write(f"Queued the link check as task {result.id}; the task worker runs it.")
            return
        references = list(stale_references(only_stale))
        if not references:
            self.stdout.write("No reference URLs to check.")
            return
        # Drawn on stderr, and only when stdout is a terminal: a cron run's mail stays clean.
        bar = progress_bar(len(references), unit="url", shown=on_terminal(self.stdout))
        try:
            summary = check_references(
                references, concurrency=concurrency, timeout=timeout, max_time=max_time,
                progress=lambda result: bar.update(1),
            )
        finally:
            bar.close()
        for result in sorted(summary.broken, key=lambda r: r.reference_id):
            reason = result.status or result.error
            self.stdout.write(self.style.WARNING(f"broken     #{result.reference_id} {result.url} ({reason})"))
        for result in sorted(summary.redirected, key=lambda r: r.reference_id):
            self.stdout.write(f"redirected #{result.reference_id} {result.url} -> {result.final_url}")
        self.stdout.write(self.style.SUCCESS(summary.describe()) if not summary.broken else summary.describe())
