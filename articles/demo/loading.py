"""Load the demo content: the profiles and sites in ``content.py``, then the pages through the importer.

The pages go through ``articles.importing.apply.import_page``, the path ``import_articles``
takes for an editor's files, so every write (reviews, citations, series places, related
links, publishing through ``workflow.publish_imported``) is the importer's. Idempotent:
a page whose article already exists (by its slug) is skipped, so a second run adds
nothing and never overwrites an editor's changes.
"""

from dataclasses import dataclass, field

from django.db import transaction

from articles.demo import content
from articles.feedback import services as feedback
from articles.feedback.models import Feedback
from articles.importing.apply import import_page
from articles.importing.plaintext import PageError, parse_page
from articles.media import demo as media_demo
from articles.models import Article, Reviewer, SearchEquivalent, Series, split_terms
from articles.search import terms as search_terms
from articles.workflow import integrity
from references.models import Source


class DemoPageError(Exception):
    """A demo page the importer refuses: a bug in the demo, named with its file and line."""


@dataclass
class Loaded:
    """What a run added."""

    articles: list[Article] = field(default_factory=list)
    reviewers: int = 0
    references: int = 0


@transaction.atomic
def load(author):
    """Add whatever of the demo is missing, with ``author`` as the author of new articles; returns ``Loaded``."""
    loaded = Loaded()
    for data in content.REVIEWERS:
        loaded.reviewers += Reviewer.objects.get_or_create(slug=data["slug"], defaults=data)[1]
    for data in content.SOURCES:
        Source.objects.get_or_create(name=data["name"], defaults=data)
    for data in content.SERIES:
        Series.objects.get_or_create(slug=data["slug"], defaults=data)
    new_equivalents = []
    for terms in content.SEARCH_EQUIVALENTS:
        group = "\n".join(split_terms(terms))
        if not SearchEquivalent.objects.filter(terms=group).exists():
            new_equivalents += SearchEquivalent.objects.create(terms=group).term_list()
    search_terms.reindex(new_equivalents)  # articles already loaded gain the new equivalents

    pages = [(path, _parse(path)) for path in content.page_files()]
    existing = set(Article.objects.filter(slug__in=[page.fields.slug for _, page in pages]).values_list("slug", flat=True))
    for path, page in pages:
        if page.fields.slug in existing:
            continue
        try:
            outcome = import_page(page, author=author, origin=f"demo page {path.name}")
        except PageError as error:
            raise DemoPageError(f"{path}:{error.line or '-'}: {error.message}") from None
        loaded.articles.append(outcome.article)
        loaded.references += sum(change.startswith("reference “") for change in outcome.changes)
    # The demo's pictures (drawn by code, articles/media/demo.py) head two of the new articles.
    new = {article.slug: article for article in loaded.articles}
    for slug, image in (media_demo.demo_images() if new else {}).items():
        if slug in new:
            new[slug].lead_image = image
            new[slug].save(update_fields=["lead_image"])
    # The demo is written as reviewed: its reviews cover the text as loaded (references and images included).
    integrity.accept_as_reviewed(article.pk for article in loaded.articles)
    _readers_feedback(new)
    return loaded


def _readers_feedback(new):
    """Votes and reports from readers on the demo's newly loaded articles, through the feedback service."""
    for slug, helpful, unhelpful, reports in content.FEEDBACK:
        if slug not in new:
            continue
        for answer in [True] * helpful + [False] * unhelpful:
            feedback.record_vote(new[slug], answer)
        for reason, section, text in reports:
            feedback.record_report(new[slug], reason=reason, section=section, text=text)


def publish_correction(editor):
    """The demo's public correction, answering its first report, published by ``editor`` (an Editor).

    Once: nothing happens when the report was already answered or the article is not the demo's.
    """
    slug, note = content.DEMO_CORRECTION
    report = Feedback.objects.reports().filter(article__slug=slug, correction__isnull=True,
                                               state=Feedback.State.NEW).order_by("pk").first()
    if report is not None:
        feedback.publish_correction(report, by=editor, note=note)


def _parse(path):
    try:
        page = parse_page(path.read_text(encoding="utf-8"))
    except PageError as error:
        raise DemoPageError(f"{path}:{error.line or '-'}: {error.message}") from None
    if not page.fields.slug:
        raise DemoPageError(f"{path}:1: a demo page needs a \"Slug\" field (it is how load_demo knows it is loaded).")
    return page
