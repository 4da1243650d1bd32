"""Write one parsed page to the database, in one transaction, idempotently.

``import_page`` creates the article or updates it in place (matched by slug,
then by title), records the medical review once, turns the reference list into
citations that reuse existing references, places the article in a series from
its Previous/Next titles and adds its related links. Links to articles that
are not there yet are kept as ``PendingLink`` rows and resolved by the import
that brings the missing article, whatever the order of the files.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from articles.content.html import sanitize_html
from articles.importing.plaintext import PageError, truncate_words
from articles.models import (
    Article,
    ArticleEvent,
    MedicalReview,
    PendingLink,
    RelatedLink,
    Reviewer,
    Series,
    SeriesEntry,
    split_terms,
)
from articles.workflow import integrity
from articles.workflow import rules as workflow
from references.models import Citation, Reference, Source

LABEL_MAX_LENGTH = 60


@dataclass
class Outcome:
    """What one import did (or, in a dry run, would do)."""

    article: Article
    created: bool = False
    changes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # series places and related links made
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def verb(self):
        if self.created:
            return "created"
        return "updated" if self.changes or self.links else "unchanged"


def import_page(page, *, publish=False, author=None, origin=""):
    """Create or update the article ``page`` describes; raises ``PageError`` and writes nothing on failure.

    ``publish`` publishes the article (now, unless it already has a publish
    time) and requires the page's review line. Without it a new article is a
    draft and an existing one keeps its status. The page's own "Status" field
    wins over ``publish``: "published" publishes it (at its "Publish" time),
    "draft" keeps it a draft. ``origin`` (a file name) goes into the audit trail.
    """
    status = page.fields.status
    if status == "published" and not page.has_review:
        raise PageError('"Status: published" needs a "Review" field or a "Medically Reviewed by <name> on <date>" '
                        "line; this page has neither.", page.fields.lines["status"])
    if publish and status != "draft" and not page.has_review:
        raise PageError('--publish needs a "Medically Reviewed by <name> on <date>" line; this page has none.', page.title_line)
    publish = status == "published" or (publish and status != "draft")
    with transaction.atomic():
        article, outcome = _save_article(page, author=author, origin=origin)
        _add_tags(article, page, outcome)
        _add_search_terms(article, page, outcome)
        _replace_citations(article, page, outcome)
        if page.has_review:  # after the citations: the review covers the page as imported (integrity)
            _record_reviews(article, page, outcome)
        _place_in_named_series(article, page, outcome)
        _place_in_series(article, page, outcome)
        _add_related_links(article, page, outcome)
        _resolve_links_to(article, outcome)
        if publish:
            _publish(article, outcome, origin, page)
    return outcome


def _publish(article, outcome, origin, page):
    """Publish through the workflow, once the review and citations are in: its blockers decide."""
    if article.status in {Article.Status.PUBLISHED, Article.Status.ARCHIVED, Article.Status.IN_REVIEW}:
        if article.status != Article.Status.PUBLISHED:
            outcome.notes.append(f"{article.get_status_display().lower()}: left as it is, not published")
        return
    old_status = article.status
    now = timezone.now()
    at = page.fields.publish.resolve(now, timezone.get_current_timezone()) if page.fields.publish else None
    try:
        workflow.publish_imported(article, at=at or article.publish_at or now,
                                  comment=f"Published by the importer ({origin})")
    except workflow.TransitionNotAllowed as error:
        raise PageError(f"Not published: {' '.join(error.messages)}", page.title_line) from None
    if not outcome.created:
        outcome.changes.append(f"status {old_status} → {article.status}")


def find_by_title(title, *, exclude=None):
    """The article with this title (case-insensitive), the oldest when several share it."""
    articles = Article.objects.filter(title__iexact=" ".join(title.split()))
    if exclude is not None:
        articles = articles.exclude(pk=exclude.pk)
    return articles.order_by("pk").first()


def _save_article(page, *, author, origin):
    slug = page.fields.slug or slugify(page.title)[:200].strip("-") or "article"
    article = Article.objects.filter(slug=slug).first() or find_by_title(page.title)
    outcome = Outcome(article=article or Article(slug=slug), created=article is None)
    article = outcome.article
    old_status = article.status

    new_values = {
        "title": page.title,
        "summary": page.summary,
        "body": sanitize_html(page.body_html),
        "referenced_on": page.referenced_on,
    }
    for name, value in new_values.items():
        if getattr(article, name) != value:
            if not outcome.created:
                outcome.changes.append(f"{article._meta.get_field(name).verbose_name} changed")
            setattr(article, name, value)
    if outcome.created:
        article.status = Article.Status.DRAFT
        article.author = author
    try:
        article.full_clean()
    except ValidationError as error:
        raise PageError(f"The article would not be valid ({validation_summary(error)}).", page.title_line) from None
    save_imported(article, outcome, old_status, source=origin, status_note=f"Published by the importer ({origin})")
    return article, outcome


def validation_summary(error):
    """One line for the import report from a model's ValidationError."""
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items())


def save_imported(article, outcome, old_status, *, source, status_note, first_source=None):
    """Save an imported article when anything changed, with its audit trail: a note, and a transition if the status moved."""
    if not (outcome.created or outcome.changes):
        return
    article.save()
    ArticleEvent.objects.create(
        article=article,
        kind=ArticleEvent.Kind.NOTE,
        comment=(f"Imported from {first_source or source}" if outcome.created
                 else f"Re-imported from {source}: " + "; ".join(outcome.changes)),
    )
    if article.status != old_status or (outcome.created and article.status != Article.Status.DRAFT):
        ArticleEvent.objects.create(
            article=article,
            kind=ArticleEvent.Kind.TRANSITION,
            from_status=Article.Status.DRAFT if outcome.created else old_status,
            to_status=article.status,
            comment=status_note,
        )


def find_or_create_reviewer(name, credentials=""):
    """The reviewer with this name (case-insensitive), created when new; returns (reviewer, created)."""
    reviewer = Reviewer.objects.filter(name__iexact=name).order_by("pk").first()
    if reviewer:
        return reviewer, False
    reviewer = Reviewer.objects.create(name=name, credentials=credentials, slug=_unique_slug(Reviewer, name, 120))
    return reviewer, True


def _add_search_terms(article, page, outcome):
    """Add the page's "also known as" terms the article lacks; terms are never removed (an editor's stay)."""
    have = split_terms(article.search_terms)
    missing = [term for term in page.fields.also_known_as if term.casefold() not in {t.casefold() for t in have}]
    if missing:
        article.search_terms = "\n".join(have + missing)
        article.save(update_fields=["search_terms", "updated_at"])
        outcome.changes.append(f"also known as added: {', '.join(missing)}")


def _add_tags(article, page, outcome):
    """Add the page's tags the article lacks; tags are never removed (an editor's stay)."""
    have = {name.casefold() for name in article.tags.names()}
    missing = [tag for tag in page.fields.tags if tag.casefold() not in have]
    if missing:
        article.tags.add(*missing)
        outcome.changes.append(f"tags added: {', '.join(missing)}")


def _record_reviews(article, page, outcome):
    """The review line and every "Review" field, oldest first, each recorded once."""
    reviews = [(r.reviewer_name, r.reviewer_credentials, r.reviewed_on, r.notes) for r in page.fields.reviews]
    if page.reviewer_name and page.reviewed_on:
        reviews.append((page.reviewer_name, page.reviewer_credentials, page.reviewed_on, ""))
    for name, credentials, reviewed_on, notes in sorted(reviews, key=lambda review: review[2]):
        _record_review(article, outcome, name, credentials, reviewed_on, notes)


def _record_review(article, outcome, name, credentials, reviewed_on, notes):
    reviewer, new_reviewer = find_or_create_reviewer(name, credentials)
    if new_reviewer:
        outcome.changes.append(f"reviewer “{reviewer.name}” created")
    review, created = MedicalReview.objects.get_or_create(
        article=article, reviewer=reviewer, reviewed_on=reviewed_on, defaults={"notes": notes}
    )
    if created:
        outcome.changes.append(f"review by {reviewer.name} on {reviewed_on.day} {reviewed_on:%B %Y} recorded")
        ArticleEvent.objects.create(article=article, kind=ArticleEvent.Kind.REVIEW, comment=f"Imported review: {review}")


def _replace_citations(article, page, outcome):
    wanted = []
    seen = {}
    for index, entry in enumerate(page.references, start=1):
        reference = _find_or_create_reference(entry, outcome)
        position = entry.number or index
        if reference.pk in seen:
            raise PageError(
                f"Reference {position} is the same reference as {seen[reference.pk]} ({reference}).", entry.line_number
            )
        seen[reference.pk] = position
        wanted.append((position, reference.pk))
    current = list(article.citations.order_by("position").values_list("position", "reference_id"))
    if current == wanted:
        return
    article.citations.all().delete()
    Citation.objects.bulk_create(Citation(article=article, position=p, reference_id=r) for p, r in wanted)
    outcome.changes.append(f"reference list set ({len(wanted)} citations)")
    integrity.refresh([article.pk])  # bulk_create sends no signal


def _find_or_create_reference(entry, outcome):
    """An existing reference with the same DOI, PubMed id or URL, or the same source and title; else a new one."""
    source = None
    if entry.source:
        source = Source.objects.filter(name__iexact=entry.source).first()
        if source is None:
            source = Source.objects.create(name=entry.source)
            outcome.changes.append(f"source “{source}” created")
    candidate = Reference(
        source=source,
        title=entry.title,
        more_titles=entry.more_titles,
        url=entry.url,
        doi=entry.doi,
        pmid=entry.pmid,
        accessed_on=entry.accessed_on,
    )
    existing = candidate.duplicates().first() or Reference.objects.filter(source=source, title__iexact=entry.title).first()
    if existing:
        return existing
    try:
        candidate.full_clean()
    except ValidationError as error:
        raise PageError(f"Reference {entry.number or ''}: {'; '.join(error.messages)}", entry.line_number) from None
    candidate.save()
    outcome.changes.append(f"reference “{candidate}” created")
    return candidate


# Series -------------------------------------------------------------------------------------------


def _place_in_named_series(article, page, outcome):
    """The "Series" field: the series with that title (or slug), created when new; the article at
    "Series position" (else last) with "Series label". An article already in a series stays where
    an editor (or an earlier import) put it."""
    fields = page.fields
    if not fields.series:
        return
    series = (Series.objects.filter(title__iexact=fields.series).order_by("pk").first()
              or Series.objects.filter(slug=slugify(fields.series)).first())
    if series is None:
        series = Series.objects.create(title=fields.series, slug=_unique_slug(Series, fields.series, 200))
        outcome.changes.append(f"series “{series}” created")
    entry = SeriesEntry.objects.filter(article=article).select_related("series").first()
    if entry is not None:
        if entry.series_id != series.id:
            outcome.notes.append(f"already in series “{entry.series}”: not moved to “{series}”")
        return
    position = fields.series_position
    if position is None:
        position = (series.entries.aggregate(top=Max("position"))["top"] or 0) + 1
    taken = series.entries.filter(position=position).select_related("article").first()
    if taken is not None:
        raise PageError(f"Position {position} of series “{series}” is taken by “{taken.article}”.",
                        fields.lines.get("series position", fields.lines["series"]))
    label = fields.series_label or series_label(article.title, series.title)
    SeriesEntry.objects.create(series=series, article=article, position=position, label=label)
    outcome.links.append(f"placed in series “{series}” at position {position}")


def _place_in_series(article, page, outcome):
    links = []
    for kind, title in ((PendingLink.Kind.PREVIOUS, page.previous_title), (PendingLink.Kind.NEXT, page.next_title)):
        neighbour = find_by_title(title, exclude=article) if title else None
        links.append((kind, title, neighbour))
    # Join a neighbour's series before starting a new one with the other neighbour.
    links.sort(key=lambda link: not (link[2] and SeriesEntry.objects.filter(article=link[2]).exists()))
    for kind, title, neighbour in links:
        if neighbour is None and title:
            _keep_pending(article, kind, title, 0, outcome)
        elif kind == PendingLink.Kind.PREVIOUS and neighbour:
            _note(outcome, link_in_series(neighbour, article))
        elif neighbour:
            _note(outcome, link_in_series(article, neighbour))
        _forget_pending(article, kind, [title] if title and neighbour is None else [])


def link_in_series(first, second):
    """Put ``first`` directly before ``second`` in a series (see ``_link``); returns (change, note).

    A series the importer named keeps a name worked out from all its titles
    (:func:`series_name`), so the same pages give the same series whatever the
    order of the files; a name an editor gave is kept.
    """
    automatic = {
        entry.series_id
        for entry in SeriesEntry.objects.filter(article__in=[first, second]).select_related("series")
        if entry.series.title == series_name(_titles(entry.series))
    }
    change, note = _link(first, second)
    entry = SeriesEntry.objects.filter(article=first).select_related("series").first()
    if entry and (entry.series_id in automatic or change and "created with" in change):
        renamed = _rename(entry.series)
        change = f"{change}; {renamed}" if change and renamed else change or renamed
    return change, note


def _titles(series):
    return list(series.entries.order_by("position").values_list("article__title", flat=True))


def _rename(series):
    """Give an importer-named series the name its titles now call for, and its entries their labels."""
    old_title = series.title
    new_title = series_name(_titles(series))
    if new_title == old_title:
        return None
    series.title = new_title
    if not series.entries.filter(article__status=Article.Status.PUBLISHED).exists():
        series.slug = _unique_slug(Series, new_title, 200, exclude_pk=series.pk)
    series.save(update_fields=["title", "slug"])
    for entry in series.entries.select_related("article"):
        if entry.label == series_label(entry.article.title, old_title):
            entry.label = series_label(entry.article.title, new_title)
            entry.save(update_fields=["label"])
    return f"series “{old_title}” renamed “{new_title}”"


def _link(first, second):
    """Put ``first`` directly before ``second`` in a series; returns (change, note), either may be None.

    Neither in a series: a new series holds both. One in a series: the other
    joins it next to it (later entries move up one). Both in one series, in
    this order and adjacent: nothing to do. ``first`` ends one series and
    ``second`` starts another: two pieces of one chain, imported out of order,
    so the second series is appended to the first. Anything else would move an
    article an editor placed, so it is left as is and reported.
    """
    first_entry = SeriesEntry.objects.filter(article=first).select_related("series").first()
    second_entry = SeriesEntry.objects.filter(article=second).select_related("series").first()
    if first_entry is None and second_entry is None:
        series = _create_series(first, second)
        SeriesEntry.objects.create(series=series, article=first, position=1, label=series_label(first.title, series.title))
        SeriesEntry.objects.create(series=series, article=second, position=2, label=series_label(second.title, series.title))
        return f"series “{series}” created with “{first}” and “{second}”", None
    if first_entry and second_entry:
        if first_entry.series_id != second_entry.series_id:
            if _is_last(first_entry) and _is_first(second_entry):
                return _append_series(first_entry, second_entry.series), None
            return None, (
                f"“{first}” is in series “{first_entry.series}” and “{second}” in “{second_entry.series}”: left as they are"
            )
        between = SeriesEntry.objects.filter(
            series_id=first_entry.series_id, position__gt=first_entry.position, position__lt=second_entry.position
        )
        if second_entry.position > first_entry.position and not between.exists():
            return None, None
        return None, f"“{first}” and “{second}” are placed differently in series “{first_entry.series}”: left as they are"
    if first_entry:
        _insert(first_entry.series, first_entry.position + 1, second)
        return f"“{second}” placed after “{first}” in series “{first_entry.series}”", None
    _insert(second_entry.series, second_entry.position, first)
    return f"“{first}” placed before “{second}” in series “{second_entry.series}”", None


def _is_last(entry):
    return not SeriesEntry.objects.filter(series_id=entry.series_id, position__gt=entry.position).exists()


def _is_first(entry):
    return not SeriesEntry.objects.filter(series_id=entry.series_id, position__lt=entry.position).exists()


def _append_series(last_entry, other):
    """Move ``other``'s entries, in order, after ``last_entry`` (the end of its series)."""
    series = last_entry.series
    for offset, entry in enumerate(other.entries.order_by("position"), start=1):
        entry.series = series
        entry.position = last_entry.position + offset
        entry.save(update_fields=["series", "position"])
    message = f"series “{other}” appended to “{series}”"
    # An emptied series nobody configured is the importer's own leftover; one with settings is kept.
    if not other.description and other.review_interval_months is None:
        other.delete()
        message += f" (“{other}” removed)"
    return message


def _insert(series, position, article):
    # Move later entries up one in two statements: first out of the way (above every position in
    # use), then back down to their place plus one, so (series, position) stays unique row by row.
    later = SeriesEntry.objects.filter(series=series, position__gte=position)
    top = later.aggregate(top=Max("position"))["top"]
    if top is not None:
        later.update(position=F("position") + top + 1)
        SeriesEntry.objects.filter(series=series, position__gt=top).update(position=F("position") - top)
    SeriesEntry.objects.create(series=series, article=article, position=position, label=series_label(article.title, series.title))


def series_title(first_title, second_title):
    """The words two titles share at the start or the end ("Breast Cancer Treatment Options"), else "<first> series"."""
    return series_name([first_title, second_title])


def series_name(titles):
    """The name for a series of ``titles`` (in series order), the same whatever order they were imported in.

    The words that most of the titles share at their start or end ("Breast Cancer
    Treatment Options" for Stage 1, 2 and 3 ...), the longest when several are
    shared as widely; when no two titles share two words, "<first title> series".
    """
    best = None
    for index, first in enumerate(titles):
        for second in titles[index + 1:]:
            common = _shared_words(first, second)
            if len(common) < 2:
                continue
            phrase = " ".join(common)
            shared_by = sum(1 for title in titles if _has_words(title, common))
            key = (shared_by, len(common), len(phrase))
            if best is None or key > best[0]:
                best = (key, phrase)
    if best:
        return best[1][:200]
    return f"{titles[0]} series"[:200] if titles else "Series"


def _shared_words(first_title, second_title):
    a, b = first_title.split(), second_title.split()
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix].casefold() == b[prefix].casefold():
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix].casefold() == b[-1 - suffix].casefold():
        suffix += 1
    if prefix >= suffix:
        return _trim_small_words(a[:prefix], end=True)
    return _trim_small_words(a[len(a) - suffix:], end=False)


def _has_words(title, words):
    """Whether ``title`` starts or ends with ``words`` (case-insensitive)."""
    folded = [w.casefold() for w in title.split()]
    wanted = [w.casefold() for w in words]
    return folded[: len(wanted)] == wanted or folded[len(folded) - len(wanted):] == wanted


_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with", "-", "–", "—", ":"}


def _trim_small_words(words, *, end):
    """Drop "of the" and friends where the shared words meet the differing ones."""
    words = list(words)
    while words and words[-1 if end else 0].casefold().strip(",:") in _SMALL_WORDS:
        words.pop(-1 if end else 0)
    return words


def series_label(article_title, title_of_series):
    """The article's title without the series' own words ("Stage 2"), or the title, cut to fit."""
    label = article_title
    index = article_title.casefold().find(title_of_series.casefold())
    if index >= 0:
        words = (article_title[:index] + " " + article_title[index + len(title_of_series):]).split()
        while words and words[-1].casefold().strip(",:") in _SMALL_WORDS:
            words.pop()
        while words and words[0].casefold().strip(",:") in _SMALL_WORDS:
            words.pop(0)
        label = " ".join(words) or article_title
    return truncate_words(label, LABEL_MAX_LENGTH)


def _create_series(first, second):
    title = series_title(first.title, second.title)
    return Series.objects.create(title=title, slug=_unique_slug(Series, title, 200))


def _unique_slug(model, text, max_length, *, exclude_pk=None):
    base = slugify(text)[: max_length - 6].strip("-") or model._meta.model_name
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# Related links and pending links ------------------------------------------------------------------


def _add_related_links(article, page, outcome):
    next_position = (article.related_links.aggregate(top=Max("position"))["top"] or 0) + 1
    waiting = []
    for index, title in enumerate(page.related_titles, start=1):
        target = find_by_title(title, exclude=article)
        if target is None:
            if _same(title, article.title):
                outcome.notes.append(f"related link to itself (“{title}”) skipped")
            else:
                _keep_pending(article, PendingLink.Kind.RELATED, title, index, outcome)
                waiting.append(title)
            continue
        _, created = RelatedLink.objects.get_or_create(article=article, target=target, defaults={"position": next_position})
        if created:
            next_position += 1
            outcome.links.append(f"related link to “{target}” added")
    _forget_pending(article, PendingLink.Kind.RELATED, waiting)


def _resolve_links_to(article, outcome):
    """Links other imported pages made to this article's title, waiting for it: make them now."""
    waiting = PendingLink.objects.filter(title__iexact=article.title).exclude(article=article).select_related("article")
    for pending in waiting:
        source = pending.article
        if pending.kind == PendingLink.Kind.RELATED:
            if _insert_related(source, article, pending.position):
                outcome.links.append(f"related link from “{source}” resolved")
        elif pending.kind == PendingLink.Kind.PREVIOUS:
            _note(outcome, link_in_series(article, source))
        else:
            _note(outcome, link_in_series(source, article))
        pending.delete()


def _insert_related(source, target, wanted):
    """Link ``source`` to ``target`` at its place in the page's list (``wanted``, 1-based), whatever
    the order the files came in: at ``wanted`` or after the last link, later links moving down one."""
    if RelatedLink.objects.filter(article=source, target=target).exists():
        return False
    top = source.related_links.aggregate(top=Max("position"))["top"] or 0
    position = min(wanted, top + 1) if wanted else top + 1
    source.related_links.filter(position__gte=position).update(position=F("position") + 1)
    RelatedLink.objects.create(article=source, target=target, position=position)
    return True


def _keep_pending(article, kind, title, position, outcome):
    PendingLink.objects.update_or_create(article=article, kind=kind, title=title, defaults={"position": position})
    label = {"previous": "Previous Post", "next": "Next Post", "related": "Related Post"}[kind]
    outcome.unresolved.append(f"{label} “{title}” is not imported yet")


def _forget_pending(article, kind, titles):
    """Drop waiting links the page no longer names (the file was edited since)."""
    keep = {" ".join(t.split()).casefold() for t in titles if t}
    for pending in PendingLink.objects.filter(article=article, kind=kind):
        if pending.title.casefold() not in keep:
            pending.delete()


def _note(outcome, result):
    change, note = result
    if change:
        outcome.links.append(change)
    if note:
        outcome.notes.append(note)


def _same(a, b):
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
