"""Read one page in the format of the publisher's current site. Pure: text in, data out.

The shape, top to bottom (see tests/data/stage-2-breast-cancer-treatment-options.txt)::

    Title
    Medically Reviewed by Dr. L. Moreno on 4 February 2022
    Title                                  (repeated; not imported twice)
    Body paragraphs, separated by blank lines. "Surgery: text" opens a section.
    Referenced on 1.2.2022
      1. Publisher: “Title,” “Title.”       (the numbered reference list)
    Previous Post / <title>
    Next Post / <title>
    Related Posts / <title> ...

Anything the parser cannot read with confidence is a ``PageError`` carrying the
line number, so the importer can name the file, the line and the reason.
"""

import datetime
import html
import re
from dataclasses import dataclass, field

from articles.content.review_dates import review_date_problem
from articles.importing.dates import FORMATS_HELP, parse_date
from references.parsing import ParsedEntry, parse_reference_list

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 300
REVIEWER_NAME_MAX_LENGTH = 120
# A lead-in such as "Radiation therapy:" is a heading when it is short and reads like one.
HEADING_MAX_LENGTH = 60
HEADING_MAX_WORDS = 6

_REVIEW_RE = re.compile(r"^medically reviewed by\s+(?P<name>.+)\s+on\s+(?P<date>.+?)$", re.IGNORECASE)
_REFERENCED_RE = re.compile(r"^referenced on\s+(?P<date>.+?)$", re.IGNORECASE)
_REFERENCES_HEADING_RE = re.compile(r"^(?:references|sources)\s*:?$", re.IGNORECASE)
_MARKERS = {"previous post": "previous", "next post": "next", "related posts": "related", "related post": "related"}
_LEAD_IN_RE = re.compile(r"^(?P<heading>[^\W\d_][^:.!?]*?):\s+(?P<text>\S.*)$")
_BULLET_RE = re.compile(r"^(?:[-*•–]\s+)")


class PageError(Exception):
    """A page that cannot be imported: the reason and, when known, the 1-based line."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Paragraph:
    text: str
    line: int
    heading: str = ""


@dataclass
class ParsedPage:
    """Everything one page says, before any database lookup."""

    title: str
    title_line: int = 1
    paragraphs: list[Paragraph] = field(default_factory=list)
    reviewer_name: str = ""
    reviewer_credentials: str = ""
    reviewed_on: datetime.date | None = None
    review_line: int | None = None
    referenced_on: datetime.date | None = None
    references: list[ParsedEntry] = field(default_factory=list)
    previous_title: str = ""
    next_title: str = ""
    related_titles: list[str] = field(default_factory=list)

    @property
    def has_review(self):
        return bool(self.reviewer_name and self.reviewed_on)

    @property
    def body_html(self):
        """The body as HTML: escaped paragraphs, lead-ins turned into section headings."""
        parts = []
        for paragraph in self.paragraphs:
            if paragraph.heading:
                parts.append(f"<h2>{html.escape(paragraph.heading)}</h2>")
            parts.append(f"<p>{html.escape(paragraph.text)}</p>")
        return "\n".join(parts)

    @property
    def summary(self):
        """The first paragraph, cut at a word to fit the summary field."""
        text = self.paragraphs[0].text if self.paragraphs else ""
        return truncate_words(text, SUMMARY_MAX_LENGTH)


def truncate_words(text, limit):
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


def _same_text(a, b):
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def split_lead_in(text):
    """("Heading", "rest") when a paragraph opens with a short "Heading: text" lead-in, else ("", text)."""
    match = _LEAD_IN_RE.match(text)
    if not match:
        return "", text
    heading = match.group("heading").strip()
    if len(heading) > HEADING_MAX_LENGTH or len(heading.split()) > HEADING_MAX_WORDS:
        return "", text
    return heading, match.group("text").strip()


def parse_page(text):
    """The page in ``text`` as a ``ParsedPage``; raises ``PageError`` with a line number when it cannot."""
    lines = (text or "").lstrip("\ufeff").splitlines()
    numbered = [(number, line.strip()) for number, line in enumerate(lines, start=1)]
    content = [(number, line) for number, line in numbered if line]
    if not content:
        raise PageError("The file is empty.", 1)

    title_line, title = content[0]
    if len(title) > TITLE_MAX_LENGTH:
        raise PageError(f"The title is longer than {TITLE_MAX_LENGTH} characters.", title_line)
    page = ParsedPage(title=" ".join(title.split()), title_line=title_line)

    section = "body"
    buffer = []  # (line number, text) of the paragraph being read
    reference_lines = {}

    def flush():
        if not buffer:
            return
        paragraph_text = " ".join(text for _, text in buffer)
        start = buffer[0][0]
        buffer.clear()
        if not page.paragraphs and _same_text(paragraph_text, page.title):
            return  # the title repeated above the body
        heading, rest = split_lead_in(paragraph_text)
        page.paragraphs.append(Paragraph(text=rest, line=start, heading=heading))

    for number, line in numbered[title_line:]:
        marker = _MARKERS.get(line.casefold().rstrip(":").strip())
        if marker:
            flush()
            if marker == "related" and page.related_titles:
                raise PageError('"Related Posts" appears twice.', number)
            if marker in {"previous", "next"} and getattr(page, f"{marker}_title"):
                raise PageError(f'"{line}" appears twice.', number)
            section = marker
            continue
        if section == "body":
            if not line:
                flush()
            elif review := _REVIEW_RE.match(line):
                flush()
                _read_review(page, review, number)
            elif referenced := _REFERENCED_RE.match(line):
                flush()
                page.referenced_on = _read_date(referenced.group("date"), number, "Referenced on")
                section = "references"
            elif _REFERENCES_HEADING_RE.match(line) and page.paragraphs:
                flush()
                section = "references"
            else:
                buffer.append((number, line))
        elif section == "references":
            if line:
                reference_lines[number] = line
        elif not line:
            continue
        elif section in {"previous", "next"}:
            attribute = f"{section}_title"
            if getattr(page, attribute):
                raise PageError(
                    f'Only one title may follow "{section.capitalize()} Post"; found another: "{line}".', number
                )
            setattr(page, attribute, _read_title(line, number))
        elif section == "related":
            title_text = _read_title(_BULLET_RE.sub("", line), number)
            if not any(_same_text(title_text, seen) for seen in page.related_titles):
                page.related_titles.append(title_text)
    flush()

    if not page.paragraphs:
        raise PageError("No body text was found after the title.", title_line)
    if reference_lines:
        page.references = _read_references(reference_lines, len(lines))
    return page


def _read_review(page, match, number):
    if page.review_line:
        raise PageError(f"A second review line; the first is on line {page.review_line}.", number)
    name = " ".join(match.group("name").split())
    credentials = ""
    if ", " in name:
        name, credentials = (part.strip() for part in name.split(", ", 1))
    if not name or len(name) > REVIEWER_NAME_MAX_LENGTH:
        raise PageError(f"The reviewer's name must be 1 to {REVIEWER_NAME_MAX_LENGTH} characters.", number)
    reviewed_on = _read_date(match.group("date"), number, "The review")
    if problem := review_date_problem(reviewed_on):
        raise PageError(problem, number)
    page.reviewer_name, page.reviewer_credentials = name, credentials[:120]
    page.reviewed_on, page.review_line = reviewed_on, number


def _read_date(text, number, what):
    value = parse_date(text)
    if value is None:
        raise PageError(f'{what} date "{text.strip()}" is not a date; write it as {FORMATS_HELP}.', number)
    return value


def _read_title(text, number):
    title = " ".join(text.split())
    if len(title) > TITLE_MAX_LENGTH:
        raise PageError(f"The linked title is longer than {TITLE_MAX_LENGTH} characters.", number)
    return title


def _read_references(reference_lines, total_lines):
    # Keep every line where it was, so the parser's line numbers are the file's.
    text = "\n".join(reference_lines.get(number, "") for number in range(1, total_lines + 1))
    entries = parse_reference_list(text)
    for entry in entries:
        if not entry.ok:
            raise PageError(f"Reference list: {entry.error} ({entry.raw.strip()})", entry.line_number)
    return entries
