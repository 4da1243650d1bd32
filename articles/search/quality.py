"""How well the search finds what readers mean: a list of reader queries, each with the article
it should find, and the share found in the top three (``tests/data/search_queries.csv``)."""

import csv
from pathlib import Path
from typing import NamedTuple

from articles.search.query import clean_query, search

TOP = 3
QUERIES = Path(__file__).resolve().parents[2] / "tests" / "data" / "search_queries.csv"


class Outcome(NamedTuple):
    query: str
    expected: str
    kind: str
    found: list  # the top slugs
    corrected: str

    @property
    def ok(self):
        return self.expected in self.found


def read_queries(path=QUERIES):
    """``[(query, expected slug, kind)]`` from a CSV with the columns query, article, kind."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["query"], row["article"], row.get("kind", "")) for row in csv.DictReader(handle)]


def evaluate(queries):
    """One :class:`Outcome` per query: the slugs of its first ``TOP`` results."""
    outcomes = []
    for query, expected, kind in queries:
        results = search(clean_query(query)[0])
        found = [article.slug for article in results.articles[:TOP]]
        outcomes.append(Outcome(query, expected, kind, found, results.corrected))
    return outcomes


def share(outcomes):
    return sum(o.ok for o in outcomes) / len(outcomes) if outcomes else 0.0
