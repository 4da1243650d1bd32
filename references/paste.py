"""Turn parsed reference-list entries into Sources, References and an article's Citations.

``plan_citations`` reads the database and says, entry by entry, what would be
reused and what created; it writes nothing, so the admin can show it as a
preview. ``save_citations`` plans again inside a transaction (the database may
have changed since the preview) and creates everything or nothing.

The article is any saved model instance with a ``citations`` reverse relation
(``Citation.article``): this app never imports ``articles``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower

from .models import Citation, Reference, Source
from .parsing import ParsedEntry, parse_reference_list


@dataclass
class PlannedCitation:
    """What one readable entry becomes.

    ``reference`` is an existing reference to reuse (``matched_by`` says why),
    or None when ``new_reference`` (unsaved) will be created. ``source`` is an
    existing source or None; ``new_source_name`` names one to create.
    ``already_cited_as`` is the entry's number in the article when the article
    already cites that reference: such an entry is skipped. ``number`` is the
    number the new citation will have on the page; ``created`` is set once
    ``save_citations`` has created the reference.
    """

    entry: ParsedEntry
    source: Source | None = None
    new_source_name: str | None = None
    reference: Reference | None = None
    matched_by: str = ""
    new_reference: Reference | None = None
    already_cited_as: int | None = None
    created: bool = False
    number: int | None = None
    position: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def skipped(self):
        return self.already_cited_as is not None

    @property
    def shown_reference(self):
        """The reference as it will be cited: the existing one or the one to create."""
        return self.reference or self.new_reference


@dataclass
class CitationPlan:
    """The preview of a paste: planned entries, and the lines that could not be read."""

    items: list[PlannedCitation]
    unreadable: list[ParsedEntry]
    existing_count: int = 0

    @property
    def ok(self):
        """Nothing unreadable, nothing invalid, and something to do."""
        return not self.unreadable and not self.invalid and bool(self.to_add)

    @property
    def invalid(self):
        return [item for item in self.items if item.errors]

    @property
    def to_add(self):
        return [item for item in self.items if not item.skipped and not item.errors]

    @property
    def skipped(self):
        return [item for item in self.items if item.skipped]

    @property
    def new_sources(self):
        return sorted({item.new_source_name for item in self.to_add if item.new_source_name}, key=str.lower)

    @property
    def new_references(self):
        return [item for item in self.to_add if item.reference is None or item.created]

    @property
    def reused_references(self):
        return [item for item in self.to_add if item.reference is not None and not item.created]

    @property
    def renumbered(self):
        """Whether the pasted numbers differ from the numbers the citations will have."""
        return any(item.entry.number is not None and item.entry.number != item.number for item in self.to_add)

    def problems(self):
        """Every reason the plan cannot be saved, one sentence each."""
        messages = [f"Line {e.line_number}: {e.error}" for e in self.unreadable]
        messages += [f"Line {i.entry.line_number}: {error}" for i in self.invalid for error in i.errors]
        if not messages and not self.to_add:
            messages.append("There is nothing new to add: every entry is already cited in this article.")
        return messages


def plan_citations(entries, article=None):
    """What saving ``entries`` (from ``parse_reference_list``) would reuse and create. Writes nothing."""
    cited = _existing_citations(article)
    existing_count = len(cited)
    next_position = _max_position(article) + 1
    next_number = existing_count + 1
    sources = _sources_by_name({e.source for e in entries if e.ok and e.source})
    seen = {}  # identity key -> line number, to catch one reference pasted twice
    items, unreadable = [], []
    for entry in entries:
        if not entry.ok:
            unreadable.append(entry)
            continue
        item = _plan_entry(entry, sources)
        if item.reference is not None and item.reference.pk in cited:
            item.already_cited_as = cited[item.reference.pk]
        for key in _identity_keys(item):
            if key in seen:
                item.errors.append(f"The same reference as line {seen[key]}; paste it once.")
                break
        for key in _identity_keys(item):
            seen.setdefault(key, entry.line_number)
        if not item.errors and not item.skipped:
            item.number, item.position = next_number, next_position
            next_number += 1
            next_position += 1
        items.append(item)
    return CitationPlan(items=items, unreadable=unreadable, existing_count=existing_count)


def save_citations(article, text):
    """Create the sources, references and citations of a pasted list on ``article``, all or nothing.

    ``text`` is the pasted list, or entries already parsed by ``parse_reference_list``
    (an importer that found the list itself). Raises ``ValidationError`` (with every
    problem) when the list has an unreadable or invalid line; returns the saved plan.
    """
    entries = parse_reference_list(text) if isinstance(text, str) else list(text)
    try:
        with transaction.atomic():
            # Lock the article so two editors pasting at once cannot take the same positions.
            list(type(article)._default_manager.select_for_update().filter(pk=article.pk).order_by().values_list("pk"))
            plan = plan_citations(entries, article)
            if not plan.ok:
                raise ValidationError(plan.problems())
            created_sources = {}
            for item in plan.to_add:
                if item.reference is None:
                    source = item.source
                    if item.new_source_name:
                        key = item.new_source_name.lower()
                        if key not in created_sources:
                            created_sources[key] = Source.objects.create(name=item.new_source_name)
                        source = created_sources[key]
                    reference = item.new_reference
                    reference.source = source
                    reference.save()
                    item.reference, item.created = reference, True
                Citation.objects.create(article=article, reference=item.reference, position=item.position)
    except IntegrityError:
        # Someone saved the same reference or position between our check and our insert.
        raise ValidationError(
            "The references changed while you were pasting. Preview the list again and confirm."
        ) from None
    return plan


def _plan_entry(entry, sources):
    item = PlannedCitation(entry=entry)
    if entry.source:
        item.source = sources.get(entry.source.lower())
        if item.source is None:
            item.new_source_name = entry.source
    candidate = Reference(
        source=item.source, title=entry.title, more_titles=entry.more_titles,
        url=entry.url, doi=entry.doi, pmid=entry.pmid, accessed_on=entry.accessed_on,
    )
    try:
        candidate.clean_fields(exclude=["source"])
        candidate.clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            item.errors += [
                f"{_field_label(name)}: {message}" for name, messages in exc.message_dict.items() for message in messages
            ]
            return item
        # A non-field error from clean() is the duplicate check: that is a match, handled below.
    matches = list(candidate.duplicates()[:2])
    if len(matches) > 1:
        item.errors.append(
            f"Its identifiers match two different references (“{matches[0]}” and “{matches[1]}”); fix those first."
        )
        return item
    if matches:
        item.reference = matches[0]
        item.matched_by = _matched_by(candidate, matches[0])
        return item
    if item.source is not None or not entry.source:
        same = _same_titles(item.source, entry.titles)
        if same is not None:
            item.reference, item.matched_by = same, "publisher and titles"
            return item
    item.new_reference = candidate
    return item


def _same_titles(source, titles):
    """An existing reference from ``source`` (None: no publisher) that has every one of these titles,
    ignoring case: the same entry, or one whose further titles include them (a page cited alone
    that is already one of a multi-title entry's titles). The same titles win over more of them."""
    wanted = [" ".join(t.split()).casefold() for t in titles]
    first = titles[0]
    found = []
    for reference in Reference.objects.filter(Q(title__iexact=first) | Q(more_titles__icontains=first), source=source):
        have = [" ".join(t.split()).casefold() for t in reference.titles]
        if have == wanted:
            return reference
        if set(wanted) <= set(have):
            found.append(reference)
    return min(found, key=lambda r: (len(r.titles), r.pk)) if found else None


def _matched_by(candidate, existing):
    if candidate.doi and candidate.doi == existing.doi:
        return "DOI"
    if candidate.pmid and candidate.pmid == existing.pmid:
        return "PubMed id"
    return "URL"


def _identity_keys(item):
    if item.reference is not None:
        return [("pk", item.reference.pk)]
    candidate = item.new_reference
    if candidate is None:
        return []
    keys = [("titles", (item.entry.source or "").lower(), tuple(t.lower() for t in item.entry.titles))]
    keys += [(name, value) for name, value in (("doi", candidate.doi), ("pmid", candidate.pmid),
                                               ("url", candidate.url_key)) if value]
    return keys


def _sources_by_name(names):
    if not names:
        return {}
    found = Source.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=[n.lower() for n in names])
    return {source.lower_name: source for source in found}


def _existing_citations(article):
    """reference id -> its number in the article's list (citations in position order)."""
    if article is None or article.pk is None:
        return {}
    ids = Citation.objects.filter(article=article).order_by("position").values_list("reference_id", flat=True)
    return {reference_id: number for number, reference_id in enumerate(ids, start=1)}


def _max_position(article):
    if article is None or article.pk is None:
        return 0
    return Citation.objects.filter(article=article).aggregate(top=Max("position"))["top"] or 0


def _field_label(name):
    return {"url": "URL", "doi": "DOI", "pmid": "PubMed id", "title": "Title", "more_titles": "Further titles"}.get(
        name, name.replace("_", " ").capitalize()
    )
