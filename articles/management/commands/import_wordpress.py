"""Import posts from a WordPress export (WXR file): Tools → Export in WordPress's admin."""

from collections import Counter, defaultdict
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.importing.dates import FORMATS_HELP, parse_date
from articles.importing.plaintext import PageError
from articles.importing.wordpress import WPAuthor, WPPost, WPSite, WXRError, read_wxr
from articles.importing.wordpress_apply import Options, ReviewAtImport, import_post
from articles.importing.wordpress_media import UploadsLibrary
from articles.models import Reviewer
from cms.progress import progress_bar

# What is never imported, and why (the summary says it per type).
SKIP_REASONS = {
    "attachment": "media files are imported only with --uploads DIR",
    "nav_menu_item": "menus are not imported",
    "wp_block": "reusable blocks are not imported",
    "wp_template": "theme templates are not imported",
    "wp_template_part": "theme templates are not imported",
    "wp_navigation": "navigation menus are not imported",
    "wp_global_styles": "theme styles are not imported",
    "revision": "old revisions are not imported",
    "customize_changeset": "theme settings are not imported",
    "custom_css": "theme styles are not imported",
    "oembed_cache": "embed caches are not imported",
    "user_request": "privacy requests are not imported",
}
SKIP_STATUSES = {"trash": "in the trash", "auto-draft": "an empty auto-draft", "inherit": "a revision"}


class RollBack(Exception):
    """Raised to roll back a file (it could not be read to its end) or a whole dry run."""


class Command(BaseCommand):
    help = (
        "Import the posts of a WordPress export (WXR 1.0 to 1.2). Posts become draft articles, found again by their "
        "WordPress id on a re-import; they are published only with a medical review (--reviewed-by). Categories and "
        "tags become tags; pages (unless --include-pages), media, menus and theme items are skipped and counted. "
        "Each file is all or nothing: a file that breaks off imports nothing. See docs/importing.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="EXPORT.xml")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be created or changed; write nothing.")
        parser.add_argument("--as-drafts", action="store_true", help="Import every post as a draft, whatever its status.")
        parser.add_argument("--include-pages", action="store_true", help="Import WordPress pages as articles too.")
        parser.add_argument(
            "--reviewed-by", metavar="REVIEWER",
            help="Record a medical review by this reviewer (their name or profile slug) for every post WordPress "
                 "published, and publish it at its WordPress date. Only when that reviewer really reviewed the "
                 "posts as exported. Needs --reviewed-on.",
        )
        parser.add_argument("--reviewed-on", metavar="DATE", help=f"The date of that review, e.g. {FORMATS_HELP}.")
        parser.add_argument(
            "--uploads", metavar="DIR", type=Path,
            help="A copy of the site's wp-content/uploads: attachments become library images, featured images lead "
                 "images, and <img>/[caption] in posts library figures.",
        )
        parser.add_argument(
            "--update-reviewed", action="store_true",
            help="Apply WordPress's changes to articles past draft too, marked “changed since review”.",
        )

    def handle(self, *args, paths, dry_run, as_drafts, include_pages, reviewed_by, reviewed_on, update_reviewed,
               verbosity, uploads=None, **options):
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder (give a copy of wp-content/uploads).")
        self.uploads = uploads
        self.libraries = []
        self.verbosity = verbosity
        self.dry_run = dry_run
        self.include_pages = include_pages
        self.options = Options(as_drafts=as_drafts, review=_review_option(reviewed_by, reviewed_on),
                               update_reviewed=update_reviewed)
        self.totals = defaultdict(Counter)  # post type -> verb -> count
        self.skipped = Counter()  # reason -> count
        self.held = defaultdict(list)  # reason -> posts that WordPress published and stayed drafts
        self.held_back = []
        failed_files = 0
        try:
            with transaction.atomic() if dry_run else nullcontext():
                for raw in paths:
                    failed_files += not self._import_file(Path(raw))
                if dry_run:
                    raise RollBack
        except RollBack:
            for library in self.libraries:
                library.discard()
        self._summary()
        failed = sum(counts["failed"] for counts in self.totals.values())
        if failed_files or failed:
            raise CommandError(f"{failed} post(s) and {failed_files} file(s) could not be imported; see the messages above.")

    def _import_file(self, path):
        """Import one export in one transaction; False (and nothing written) when it cannot be read to its end."""
        try:
            size = path.stat().st_size
            stream = path.open("rb")
        except OSError as error:
            self.stderr.write(f"{path}:-: cannot read the file ({error.strerror or error})")
            return False
        self.site, self.authors = "", {}
        self.images = None
        bar = progress_bar(100, unit="%", out=self.stderr)
        bar.set_description_str(path.name[:30], refresh=False)
        before = self._tallies()
        read = 0
        try:
            with stream, transaction.atomic():
                try:
                    if self.uploads is not None:
                        self.images = self._import_attachments(path)
                    for item in read_wxr(stream):
                        bar.update((int(stream.tell() * 100 / size) if size else 100) - bar.n)
                        if isinstance(item, WPSite):
                            self.site = item.base_site_url
                        elif isinstance(item, WPAuthor):
                            self.authors[item.login] = item
                        else:
                            read += 1
                            bar.clear()
                            self._import_item(path, item)
                except WXRError as error:
                    bar.clear()
                    self.stderr.write(f"{path}:{error.line or '-'}: {error.message}")
                    raise RollBack from None
        except RollBack:
            bar.close()
            if read:
                self.stderr.write(
                    f"{path}: nothing from this file was written: a file is imported whole or not at all, and "
                    f"{read} item(s) read before the break were rolled back. Export it again and re-run."
                )
            self.totals, self.skipped, self.held, self.held_back = before
            if self.images is not None:
                self.images.discard()
            return False
        bar.close()
        return True

    def _import_attachments(self, path):
        """First pass over the file (attachments usually follow the posts that show them): every
        attachment into the library. A file that cannot be read stops here, as in the main pass."""
        site, library = "", None
        with path.open("rb") as stream:
            for item in read_wxr(stream):
                if isinstance(item, WPSite):
                    site = item.base_site_url
                elif isinstance(item, WPPost) and item.post_type == "attachment":
                    if library is None:
                        library = UploadsLibrary(self.uploads, site)
                        self.libraries.append(library)
                    library.add(item)
        return library or UploadsLibrary(self.uploads, site)

    def _tallies(self):
        """A copy of the counts and lists, to go back to when a file is rolled back."""
        return (
            defaultdict(Counter, {kind: Counter(counts) for kind, counts in self.totals.items()}),
            Counter(self.skipped),
            defaultdict(list, {reason: list(posts) for reason, posts in self.held.items()}),
            list(self.held_back),
        )

    def _import_item(self, path, post):
        kind = post.post_type or "post"
        if kind == "attachment" and self.images is not None:
            return  # imported in the first pass (_import_attachments), reported under "images"
        if kind not in {"post", "page"}:
            self.skipped[f"{kind} ({SKIP_REASONS.get(kind, 'not a post: custom content types are not imported')})"] += 1
            return
        if kind == "page" and not self.include_pages:
            self.skipped["page (pages are imported only with --include-pages)"] += 1
            return
        if post.status in SKIP_STATUSES:
            self.skipped[f"{kind} ({SKIP_STATUSES[post.status]})"] += 1
            return
        try:
            outcome = import_post(post, site=self.site, authors=self.authors, origin=path.name, options=self.options,
                                  images=self.images)
        except PageError as error:
            self.totals[kind]["failed"] += 1
            self.stderr.write(f"{path}:{error.line or '-'}: {error.message}")
            return
        except DatabaseError as error:  # the post's savepoint is rolled back; go on with the next
            self.totals[kind]["failed"] += 1
            self.stderr.write(f"{path}:{post.line or '-'}: {post}: the database refused it ({error})")
            return
        self.totals[kind][outcome.verb] += 1
        if outcome.held:
            self.held[outcome.held].append(f"{post} → “{outcome.article.slug}”")
        if outcome.held_back:
            self.held_back.append(f"{post}: {outcome.held_back}")
        self._report(post, outcome)

    def _report(self, post, outcome):
        for warning in outcome.warnings:
            self.stderr.write(f"warning: {post}: {warning}")
        if self.verbosity == 0 or (outcome.verb == "unchanged" and self.verbosity < 2):
            return
        verb = f"would be {outcome.verb}" if self.dry_run else outcome.verb
        self.stdout.write(f"{post}: {verb} as “{outcome.article.slug}” ({outcome.article.get_status_display().lower()})")
        if self.dry_run or self.verbosity > 1 or not outcome.created:
            for line in outcome.changes:
                self.stdout.write(f"    {line}")
        for line in outcome.notes:
            self.stdout.write(f"    note: {line}")

    def _summary(self):
        write = self.stdout.write
        write("Dry run, nothing written. It would have imported:" if self.dry_run else "Import summary:")
        for kind in sorted(self.totals) or ["post"]:
            counts = self.totals[kind]
            write(f"  {kind}s: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged, "
                  f"{counts['held back']} held back, {counts['failed']} failed")
        skipped = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        write(f"  skipped: {skipped or 'nothing'}")
        if self.held:
            write("Stayed drafts, although WordPress had them public or scheduled:")
            for reason, posts in sorted(self.held.items()):
                advice = (" (an article is published only after a medical review: submit them for review in the admin, "
                          "or see --reviewed-by)" if reason == "no medical review" else "")
                write(f"  {reason}: {len(posts)}{advice}")
                for line in posts:
                    write(f"    {line}")
        if self.held_back:
            write("Changed in WordPress, not applied here:")
            for line in self.held_back:
                write(f"  {line}")
        for library in self.libraries:
            write(f"  images: {library.created} imported into the media library, {library.reused} already there, "
                  f"{len(library.missing)} missing, {len(library.refused)} refused")
            if library.missing:
                write("Attachments whose file is not in the uploads folder (their posts imported without them):")
                for line in library.missing:
                    write(f"  {line}")
            if library.refused:
                write("Attachments the media library refused:")
                for line in library.refused:
                    write(f"  {line}")


def _review_option(reviewed_by, reviewed_on):
    """The ``ReviewAtImport`` for --reviewed-by/--reviewed-on, or None; ``CommandError`` for a bad pair."""
    if not reviewed_by and not reviewed_on:
        return None
    if not (reviewed_by and reviewed_on):
        raise CommandError("--reviewed-by and --reviewed-on go together: who reviewed the posts, and when.")
    reviewer = Reviewer.objects.filter(Q(slug=reviewed_by) | Q(name__iexact=reviewed_by), is_active=True).first()
    if reviewer is None:
        raise CommandError(f"No active medical reviewer named {reviewed_by!r} (give their name or profile slug).")
    date = parse_date(reviewed_on)
    if date is None:
        raise CommandError(f"--reviewed-on {reviewed_on!r} is not a date; write it like {FORMATS_HELP}.")
    if date > timezone.localdate():
        raise CommandError("--reviewed-on is in the future: a review date cannot be.")
    return ReviewAtImport(reviewer=reviewer, reviewed_on=date)
