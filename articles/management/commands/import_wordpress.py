"""Import posts from a WordPress export (WXR file): Tools → Export → Posts in WordPress's admin."""

from collections import Counter
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from articles.importing.apply import import_post
from articles.importing.plaintext import PageError
from articles.importing.progress import ProgressBar
from articles.importing.wordpress import WPAuthor, WXRError, read_wxr


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll every change back."""


class Command(BaseCommand):
    help = (
        "Import the posts of a WordPress export (WXR). Posts become articles (matched by slug, so a second run "
        "updates them); categories and tags become tags; pages and attachments are skipped and counted."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="EXPORT.xml")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be created or changed; write nothing.")
        parser.add_argument("--as-drafts", action="store_true", help="Import every post as a draft, whatever its status.")

    def handle(self, *args, paths, dry_run, as_drafts, verbosity, **options):
        self.verbosity = verbosity
        self.dry_run = dry_run
        self.totals = Counter()
        self.skipped = Counter()
        failed_files = 0
        try:
            with transaction.atomic() if dry_run else nullcontext():
                for raw in paths:
                    failed_files += not self._import_file(Path(raw), as_drafts=as_drafts)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass

        skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(self.skipped.items())) or "nothing"
        self.stdout.write(
            f"{'Dry run, nothing written: would have ' if dry_run else ''}"
            f"{self.totals['created']} created, {self.totals['updated']} updated, {self.totals['unchanged']} unchanged, "
            f"{self.totals['failed']} failed; skipped {skipped}."
        )
        if failed_files or self.totals["failed"]:
            raise CommandError(
                f"{self.totals['failed']} post(s) and {failed_files} file(s) could not be imported; see the messages above."
            )

    def _import_file(self, path, *, as_drafts):
        """Import one export; False when the file could not be read to its end."""
        try:
            size = path.stat().st_size
            stream = path.open("rb")
        except OSError as error:
            self.stderr.write(f"{path}:-: cannot read the file ({error.strerror or error})")
            return False
        authors = {}
        bar = ProgressBar(self.stderr, 100, unit="%")
        with stream:
            try:
                for item in read_wxr(stream):
                    bar.update(int(stream.tell() * 100 / size) if size else 100, path.name)
                    if isinstance(item, WPAuthor):
                        authors[item.login] = item
                    else:
                        bar.clear()
                        self._import_item(path, item, authors, as_drafts)
            except WXRError as error:
                bar.clear()
                self.stderr.write(f"{path}:{error.line or '-'}: {error.message}")
                return False
        bar.clear()
        return True

    def _import_item(self, path, post, authors, as_drafts):
        if post.post_type != "post":
            kind = {"page": "pages", "attachment": "attachments"}.get(post.post_type, f"{post.post_type} items")
            self.skipped[kind] += 1
            return
        if post.status in {"trash", "auto-draft", "inherit"}:
            self.skipped[f"{post.status} posts"] += 1
            return
        try:
            outcome = import_post(post, authors=authors, as_drafts=as_drafts, origin=path.name)
        except PageError as error:
            self.totals["failed"] += 1
            self.stderr.write(f"{path}:{error.line or '-'}: {error.message}")
            return
        except DatabaseError as error:  # the post's transaction is rolled back; go on with the next
            self.totals["failed"] += 1
            self.stderr.write(f"{path}:{post.line or '-'}: {post}: the database refused it ({error})")
            return
        self.totals[outcome.verb] += 1
        if self.verbosity == 0 or (outcome.verb == "unchanged" and self.verbosity < 2):
            return
        verb = f"would be {outcome.verb}" if self.dry_run else outcome.verb
        self.stdout.write(f"{post}: {verb} as “{outcome.article.slug}” ({outcome.article.get_status_display().lower()})")
        if self.dry_run or self.verbosity > 1 or not outcome.created:
            for line in outcome.changes:
                self.stdout.write(f"    {line}")
        for line in outcome.notes:
            self.stdout.write(f"    note: {line}")


