"""``manage.py check_accessibility``: the body accessibility checks over the whole catalogue.

For an editor cleaning up imported content, and for CI or cron with ``--strict``. Exit status: 0
when the run finished (findings or not); 1 with ``--strict`` when some article has a problem that
blocks publishing.
"""

import orjson
from django.core.management.base import BaseCommand, CommandError

from articles.content import accessibility
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Check every article body for accessibility problems (empty or skipped headings, vague link text, "
        "tables without headers, typed lists, capitals) and list each finding with its place and fix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only-published", action="store_true", help="only articles readers can see now")
        parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
        parser.add_argument("--strict", action="store_true", help="exit with status 1 when any problem blocks publishing")
        parser.add_argument(
            "--refresh", action="store_true",
            help="first work out again the counts each article stores for the admin's filter (after the checks change)",
        )

    def handle(self, *args, only_published, json, strict, refresh, **options):
        articles = Article.objects.published() if only_published else Article.objects.all()
        if refresh:
            changed = accessibility.refresh_counts(articles)
            self.stderr.write(f"Stored counts updated for {changed} article(s).")
        rows = articles.order_by("pk").only("pk", "title", "slug", "status", "body")
        checked = affected = blockers = warnings = 0
        reports = []
        for article in rows.iterator(chunk_size=500):
            checked += 1
            findings = accessibility.check_body(article.body)
            if not findings:
                continue
            affected += 1
            found = accessibility.tally(findings)
            blockers, warnings = blockers + found[0], warnings + found[1]
            if json:
                reports.append({
                    "id": article.pk, "slug": article.slug, "title": article.title, "status": article.status,
                    "findings": [finding.as_dict() for finding in findings],
                })
            else:
                self.stdout.write(f"{article.title} ({article.slug}, {article.get_status_display().lower()})")
                for finding in findings:
                    self.stdout.write(f"  {finding.severity.upper()}: {finding}")
        if json:
            summary = {"checked": checked, "with_findings": affected, "blockers": blockers, "warnings": warnings}
            self.stdout.write(orjson.dumps({**summary, "articles": reports}, option=orjson.OPT_INDENT_2).decode())
        else:
            self.stdout.write(
                f"Checked {checked} article(s), {affected} with findings: "
                f"{blockers} problem(s) blocking publishing, {warnings} warning(s)."
            )
        if strict and blockers:
            raise CommandError(f"{blockers} accessibility problem(s) block publishing.", returncode=1)
