"""Report the share of reader queries whose article the search finds in its top three."""

import json

from django.core.management.base import BaseCommand, CommandError

from articles.search import quality


class Command(BaseCommand):
    help = "Run the reader queries (tests/data/search_queries.csv) and report the share found in the top 3."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(quality.QUERIES), help="CSV with the columns query, article, kind.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, file, json: bool, **options):
        try:
            queries = quality.read_queries(file)
        except (OSError, KeyError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        outcomes = quality.evaluate(queries)
        missed = [o for o in outcomes if not o.ok]
        if json:
            self.stdout.write(_json({"queries": len(outcomes), "share_top3": quality.share(outcomes),
                                     "missed": [o._asdict() for o in missed]}))
            return
        for o in missed:
            self.stdout.write(f"missed: {o.query!r} ({o.kind}) expected {o.expected}, found {o.found}"
                              + (f" (corrected to {o.corrected!r})" if o.corrected else ""))
        self.stdout.write(f"{len(outcomes) - len(missed)} of {len(outcomes)} found in the top {quality.TOP}: "
                          f"{quality.share(outcomes):.0%}")


def _json(data):
    return json.dumps(data, indent=1)
