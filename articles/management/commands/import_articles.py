"""Import pages in the format of the publisher's current site (see articles/importing/plaintext.py)."""

import logging
from contextlib import nullcontext
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from articles.importing.apply import import_page
from articles.importing.plaintext import PageError, parse_page
from articles.models import PendingLink
from cms.progress import progress_bar

logger = logging.getLogger("vetted.import")


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll every change back."""


class Command(BaseCommand):
    help = (
        "Import the publisher's plain-text pages (files, or folders of .txt files). Each file is one transaction; "
        "re-importing a file updates its article in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", help="Files, or folders searched for *.txt files.")
        parser.add_argument("--publish", action="store_true", help="Publish the articles (each page needs its review line).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be created or changed; write nothing.")
        parser.add_argument("--author", metavar="USERNAME", help="The account recorded as author of new articles.")
        parser.add_argument("--pending", action="store_true", help="List links still waiting for an article, then stop.")

    def handle(self, *args, paths, publish, dry_run, author, pending, verbosity, **options):
        if pending:
            return self._list_pending()
        if not paths:
            raise CommandError("Name at least one file or folder to import.")
        author_user = None
        if author:
            author_user = get_user_model().objects.filter(username=author).first()
            if author_user is None:
                raise CommandError(f"No account with the username {author!r}.")
        files, missing = collect_files(paths)
        for path in missing:
            self.stderr.write(f"{path}: no such file or folder")
        if not files and not missing:
            raise CommandError("No pages to import: the folders named hold no .txt files.")

        totals = {"created": 0, "updated": 0, "unchanged": 0}
        failed = len(missing)
        bar = progress_bar(len(files), unit="files", out=self.stderr)
        try:
            # A dry run imports inside one transaction that is rolled back, so later files still see
            # earlier ones (links resolve as they would); a real run commits each file on its own.
            with transaction.atomic() if dry_run else nullcontext():
                for path in files:
                    bar.set_description_str(path.name[:30])
                    try:
                        outcome = self._import_file(path, publish=publish, author=author_user, dry_run=dry_run)
                    except PageError as error:
                        bar.clear()
                        self.stderr.write(f"{path}:{error.line or '-'}: {error.message}")
                        failed += 1
                        continue
                    except DatabaseError as error:
                        # The file's transaction (a savepoint in a dry run) is rolled back; go on with the next.
                        bar.clear()
                        self.stderr.write(f"{path}:-: the database refused it ({error})")
                        failed += 1
                        continue
                    except Exception as error:  # noqa: BLE001 - one file's bug must not stop the run
                        # Its transaction is rolled back like any failure; the traceback goes to the log.
                        bar.clear()
                        logger.exception("Importing %s failed", path)
                        self.stderr.write(f"{path}:-: unexpected error ({type(error).__name__}: {error})")
                        failed += 1
                        continue
                    bar.clear()
                    totals[outcome.verb] += 1
                    self._report(path, outcome, verbosity, dry_run)
                    bar.update(1)
                bar.clear()
                waiting = PendingLink.objects.count()
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        finally:
            bar.close()

        summary = (
            f"{'Dry run, nothing written: would have ' if dry_run else ''}"
            f"{totals['created']} created, {totals['updated']} updated, {totals['unchanged']} unchanged, "
            f"{failed} failed; {waiting} links waiting for articles not imported yet (--pending lists them)."
        )
        self.stdout.write(summary)
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported; see the messages above.")

    def _import_file(self, path, *, publish, author, dry_run):
        page = parse_page(read_text(path))
        # import_page is atomic (a savepoint inside a dry run): a failing file leaves nothing behind.
        return import_page(page, publish=publish, author=author, origin=path.name)

    def _report(self, path, outcome, verbosity, dry_run):
        if verbosity == 0:
            return
        style = {"created": self.style.SUCCESS, "updated": self.style.WARNING}.get(outcome.verb, str)
        verb = f"would be {outcome.verb}" if dry_run and outcome.verb != "unchanged" else outcome.verb
        self.stdout.write(style(f"{path}: {verb} “{outcome.article.title}”"))
        details = outcome.changes if verbosity > 1 or dry_run or not outcome.created else []
        for line in [*details, *outcome.links]:
            self.stdout.write(f"    {line}")
        for line in outcome.unresolved:
            self.stdout.write(f"    unresolved: {line}")
        for line in outcome.notes:
            self.stdout.write(f"    note: {line}")

    def _list_pending(self):
        waiting = PendingLink.objects.select_related("article")
        for link in waiting:
            self.stdout.write(str(link))
        self.stdout.write(f"{len(waiting)} links waiting.")


def collect_files(paths):
    """The files named, and the *.txt files under the folders named (sorted); plus the paths that do not exist."""
    files, missing = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    return files, missing


def read_text(path):
    """The file's text as UTF-8 (a byte-order mark is fine); ``PageError`` with the line of a bad byte."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PageError(f"cannot read the file ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PageError("the file is not UTF-8 text (save it as UTF-8 and try again)", line) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PageError("the file contains NUL bytes: it is not a text page", line)
    return text
