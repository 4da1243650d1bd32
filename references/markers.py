"""Inline citation markers in an article body: ``[1]``, ``[2][3]``.

A marker's number is the citation's number in the article's list (citations in
position order, numbered 1..n). These functions work on the body's sanitised
HTML and a count of citations only, so this app stays ignorant of articles.

Markers inside a link or a heading are left as text (a link in a link is
invalid, and a heading is not a claim), as is anything that is not a bracketed
number, such as "[citation needed]".
"""

import re
from dataclasses import dataclass, field

from django.utils.safestring import mark_safe

# The body is serialised by nh3, which escapes "<" and ">" inside attribute values,
# so a tag is everything from "<" to the next ">" (or to the end: nh3 writes no "<" without a ">",
# but the functions here take any text).
_TAG_RE = re.compile(r"(<[^>]*(?:>|\Z))")
_TAG_NAME_RE = re.compile(r"^<\s*(/?)\s*([a-zA-Z0-9]+)")
_MARKER_RE = re.compile(r"\[(\d{1,4})\]")
# "[1, 2]" or "[1-3]": looks like a citation but is not our syntax.
_LOOKALIKE_RE = re.compile(r"\[\d{1,4}(?:\s*[,;–-]\s*\d{1,4})+\]")
# A tag (with its name, when it has one) or a run of markers, leftmost first: one walk of the body
# finds the tags ``_TAG_RE`` finds and the runs of markers in the text between them. A rendered
# marker takes the spaces (and ``&nbsp;``) before it, so it hugs its word and never wraps alone;
# ``_with_spaces_before()`` finds them (a pattern that starts with them is ten times slower).
_TAG_OR_MARKER_RUN_RE = re.compile(
    r"<\s*(?P<closing>/?)\s*(?:(?P<name>[a-zA-Z0-9]+)[^>]*|[^>]*)(?:>|\Z)|\[\d{1,4}\](?:\[\d{1,4}\])*"
)
_SPACES = (" ", "\t", "\u00a0")
_NO_MARKERS_IN = {"a", "h1", "h2", "h3", "h4", "h5", "h6"}
_BACKLINK_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class RenderedBody:
    """The body with markers turned into links, and where each reference is cited.

    ``anchors`` maps a reference number to the ids of the markers citing it, in
    reading order, for the reference list's back-links.
    """

    html: str
    anchors: dict[int, list[str]] = field(default_factory=dict)

    def backlinks(self, number):
        """``[(anchor id, label)]`` for reference ``number``: ``a, b, ...`` when cited more than once."""
        ids = self.anchors.get(number, [])
        if len(ids) == 1:
            return [(ids[0], "")]
        return [(anchor, _letter(index)) for index, anchor in enumerate(ids)]


def render_markers(body_html, citation_count):
    """Turn known markers in the sanitised ``body_html`` into superscript links to ``#ref-N``.

    Adjacent markers (``[2][3]``) share one superscript, separated by commas.
    Each marker gets an id (``cite-N-k`` for the k-th use of reference N) for
    back-links; unknown numbers stay as typed so the editor's warning matches
    what readers see.

    Runs on every view of an article, so it walks the body once with one pattern that finds the
    tags and the marker runs (``_TAG_OR_MARKER_RUN_RE``), and writes each link with an f-string
    (every value in it is a number). It reads the body as ``_text_segments()`` does;
    tests/test_citation_markers.py holds the two to the same answers.
    """
    anchors = {}
    html = body_html or ""
    if "[" not in html:
        return RenderedBody(html=mark_safe(html), anchors=anchors)
    pieces, done, open_elements = [], 0, []
    for match in _TAG_OR_MARKER_RUN_RE.finditer(html):
        if match.group(0).startswith("<"):  # a tag
            name = match.group("name")
            if name is not None:
                _track(open_elements, match.group(0), match.group("closing"), name.lower())
            continue
        if any(open_name in _NO_MARKERS_IN for open_name in open_elements):
            continue
        run = match.group(0)
        numbers = [int(n) for n in _MARKER_RE.findall(run)]
        if not all(1 <= n <= citation_count for n in numbers):
            # Keep a run with any unknown number as text: half a link would mislead.
            continue
        links = []
        for number in numbers:
            uses = anchors.setdefault(number, [])
            anchor = f"cite-{number}-{len(uses) + 1}"
            uses.append(anchor)
            links.append(
                f'<a href="#ref-{number}" id="{anchor}" class="citation-link">'
                f'<span class="visually-hidden">reference </span>{number}</a>'
            )
        links = '<span class="citation-separator" aria-hidden="true">,</span>'.join(links)
        start = _with_spaces_before(html, match.start(), done)
        pieces.append(html[done:start])
        # An editor may already have made the marker superscript: do not shrink it twice.
        pieces.append(f'<span class="citation">{links}</span>' if "sup" in open_elements else f'<sup class="citation">{links}</sup>')
        done = match.end()
    pieces.append(html[done:])
    return RenderedBody(html=mark_safe("".join(pieces)), anchors=anchors)  # the input is the body, sanitised on save


def renumber_markers(body_html, mapping):
    """The body with each marker ``[old]`` rewritten as ``[mapping[old]]``, all at once.

    Only markers that would render are touched (not those in links or
    headings); numbers missing from ``mapping`` stay as they are.
    """
    def replace(match):
        number = int(match.group(1))
        return f"[{mapping.get(number, number)}]"

    return "".join(
        _MARKER_RE.sub(replace, text) if linkable else text for text, linkable in _text_segments(body_html or "")
    )


def renumbering(old_order, new_order):
    """``{old number: new number or None}`` for citations whose number changes between two orders.

    Both arguments list citation keys in position order; a key missing from
    ``new_order`` was removed (None). Numbers that stay the same are left out.
    """
    new_numbers = {key: number for number, key in enumerate(new_order, start=1)}
    return {
        number: new_numbers.get(key)
        for number, key in enumerate(old_order, start=1)
        if new_numbers.get(key) != number
    }


def marker_numbers(body_html):
    """Every marker number where markers are rendered, in reading order (repeats kept)."""
    return [
        int(number)
        for text, linkable in _text_segments(body_html or "")
        if linkable
        for number in _MARKER_RE.findall(text)
    ]


def unknown_markers(body_html, citation_count):
    """Marker numbers that point to no citation, each once, in reading order."""
    return list(dict.fromkeys(n for n in marker_numbers(body_html) if not 1 <= n <= citation_count))


def unused_citations(body_html, citation_count):
    """Citation numbers (1..count) that no marker in the body uses."""
    used = set(marker_numbers(body_html))
    return [n for n in range(1, citation_count + 1) if n not in used]


def lookalike_markers(body_html):
    """Bracketed lists like "[1, 2]" or "[1-3]" that readers would take for citations."""
    return list(dict.fromkeys(
        found for text, linkable in _text_segments(body_html or "") if linkable for found in _LOOKALIKE_RE.findall(text)
    ))


@dataclass
class CitationProblems:
    """What is wrong between a body's markers and its citations, as sentences for the editor.

    ``blockers`` must be fixed before publishing (a marker that points nowhere);
    ``warnings`` deserve a look but do not stop publication.
    """

    blockers: list[str]
    warnings: list[str]

    def __bool__(self):
        return bool(self.blockers or self.warnings)


def citation_problems(body_html, citation_count):
    """Unknown markers (blocking), unused citations and look-alike markers (warnings)."""
    blockers, warnings = [], []
    unknown = unknown_markers(body_html, citation_count)
    if unknown:
        listed = ", ".join(f"[{n}]" for n in unknown)
        has = f"has {citation_count} citation{'s' if citation_count != 1 else ''}" if citation_count else "has no citations"
        blockers.append(f"The body cites {listed}, but the article {has}. Add the citation or correct the marker.")
    unused = unused_citations(body_html, citation_count)
    if unused:
        listed = ", ".join(str(n) for n in unused)
        warnings.append(f"No marker in the body cites reference{'s' if len(unused) > 1 else ''} {listed}.")
    for lookalike in lookalike_markers(body_html):
        warnings.append(f"“{lookalike}” is shown as plain text; write each number in its own brackets, e.g. [1][2].")
    return CitationProblems(blockers=blockers, warnings=warnings)


def _text_segments(html, track_sup=False):
    """``(piece, linkable)`` for each tag and text run; text is linkable outside links and headings.

    With ``track_sup``, a third item says whether the piece is inside ``<sup>``.
    """
    open_elements = []  # names of open elements that matter here
    for piece in _TAG_RE.split(html):
        if not piece:
            continue
        if piece.startswith("<"):
            tag = _TAG_NAME_RE.match(piece)
            if tag:
                _track(open_elements, piece, tag.group(1), tag.group(2).lower())
            linkable = False
        else:
            linkable = not any(name in _NO_MARKERS_IN for name in open_elements)
        yield (piece, linkable, "sup" in open_elements) if track_sup else (piece, linkable)


def _with_spaces_before(html, start, limit):
    """Where the spaces (and ``&nbsp;``) just before ``html[start]`` begin, not before ``limit``."""
    while start > limit:
        if html[start - 1] in _SPACES:
            start -= 1
        elif html.endswith("&nbsp;", limit, start):
            start -= 6
        else:
            break
    return start


def _track(open_elements, tag, closing, name):
    """Keep ``open_elements`` (the open links, headings and superscripts) up to date after ``tag``."""
    if name in _NO_MARKERS_IN or name == "sup":
        if closing:
            if name in open_elements:
                del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name)]
        elif not tag.rstrip().endswith("/>"):
            open_elements.append(name)


def _letter(index):
    """a, b, ... z, aa, ab, ... for back-links."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, len(_BACKLINK_LETTERS))
        letters = _BACKLINK_LETTERS[rest] + letters
    return letters


@dataclass
class NumberedReference:
    """One line of the reference list: its number, citation, reference and back-links to the text."""

    number: int
    citation: object
    backlinks: list

    @property
    def reference(self):
        return self.citation.reference


@dataclass
class CitedBody:
    html: str
    references: list


def cite(body, citations):
    """The body with markers linked, and the numbered references with back-links: what the
    article page shows (``{% set cited = cite(article.body, article.citations.all()) %}``).

    ``citations`` in position order (the article's prefetched ``citations.all``);
    no query is made beyond evaluating it.
    """
    citations = list(citations)
    rendered = render_markers(body, len(citations))
    numbered = [
        NumberedReference(number=number, citation=citation, backlinks=rendered.backlinks(number))
        for number, citation in enumerate(citations, start=1)
    ]
    return CitedBody(html=rendered.html, references=numbered)
