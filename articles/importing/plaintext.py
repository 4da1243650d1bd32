"""Read one page in the format of the publisher's current site. Pure: text in, data out.

The shape, top to bottom (see tests/data/import/stage-2-breast-cancer-treatment-options.txt)::

    ---                                    (optional: fields the publisher's pages cannot say,
    Tags: breast cancer, surgery            see articles/importing/frontmatter.py)
    ---
    Title
    Medically Reviewed by Dr. L. Moreno on 4 February 2022
    Title                                  (repeated; not imported twice)
    Body paragraphs, separated by blank lines. "Surgery: text" opens a section.
    ## Heading                             (a section heading on its own line)
    - item                                 (consecutive "- " lines: a bulleted list)
    > quoted text                          (a quotation)
    **strong**, *emphasis*, [text](https://address) inside any of them
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

from articles.importing.dates import FORMATS_HELP, parse_date
from articles.importing.errors import PageError
from articles.importing.frontmatter import (
    SUMMARY_MAX_LENGTH,
    Fields,
    check_consistent,
    read_fields,
    read_review_date,
    read_reviewer,
    split_fields,
)
from references.parsing import ParsedEntry, parse_reference_list

TITLE_MAX_LENGTH = 200
# A lead-in such as "Radiation therapy:" is a heading when it is short and reads like one.
HEADING_MAX_LENGTH = 60
HEADING_MAX_WORDS = 6

_REVIEW_RE = re.compile(r"^medically reviewed by\s+(?P<name>.+)\s+on\s+(?P<date>.+?)$", re.IGNORECASE)
_REFERENCED_RE = re.compile(r"^referenced on\s+(?P<date>.+?)$", re.IGNORECASE)
_REFERENCES_HEADING_RE = re.compile(r"^(?:references|sources)\s*:?$", re.IGNORECASE)
_MARKERS = {"previous post": "previous", "next post": "next", "related posts": "related", "related post": "related"}
_LEAD_IN_RE = re.compile(r"^(?P<heading>[^\W\d_][^:.!?]*?):\s+(?P<text>\S.*)$")
_BULLET_RE = re.compile(r"^(?:[-*•–]\s+)")
# The body's own markup (docs/importing.md, "Fields and markup beyond the publisher's pages").
_HEADING_MARK_RE = re.compile(r"^##\s+(?P<text>\S.*)$")
_LIST_ITEM_RE = re.compile(r"^[-•]\s+(?P<text>\S.*)$")
_QUOTE_RE = re.compile(r"^>\s?(?P<text>.*)$")
_LINK_RE = re.compile(r"\[(?P<text>[^\[\]\n]+)\]\((?P<url>https?://[^\s()<>]+)\)")
_STRONG_RE = re.compile(r"\*\*(?=\S)(?P<text>.+?)(?<=\S)\*\*")
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])(?P<text>[^*]+?)(?<=[^\s*])\*(?![\w*])")


@dataclass
class Paragraph:
    """One block of the body: a paragraph (maybe opened by a lead-in heading), a heading, a list or a quotation."""

    text: str
    line: int
    heading: str = ""
    kind: str = "paragraph"  # "paragraph", "heading", "list" or "quote"
    items: list[str] = field(default_factory=list)  # a list's items

    @property
    def html(self):
        if self.kind == "heading":
            return f"<h2>{inline_html(self.text)}</h2>"
        if self.kind == "list":
            return "<ul>" + "".join(f"<li>{inline_html(item)}</li>" for item in self.items) + "</ul>"
        if self.kind == "quote":
            return f"<blockquote><p>{inline_html(self.text)}</p></blockquote>"
        heading = f"<h2>{html.escape(self.heading)}</h2>\n" if self.heading else ""
        return f"{heading}<p>{inline_html(self.text)}</p>"


def inline_html(text):
    """``text`` escaped, with its links, strong and emphasised words as HTML (the sanitiser checks the result)."""
    escaped = html.escape(text)  # quotes too: the address below sits in an attribute
    escaped = _LINK_RE.sub(r'<a href="\g<url>">\g<text></a>', escaped)
    escaped = _STRONG_RE.sub(r"<strong>\g<text></strong>", escaped)
    return _EMPHASIS_RE.sub(r"<em>\g<text></em>", escaped)


def plain_text(text):
    """``text`` without its inline markup: what a summary or a heading shows."""
    text = _LINK_RE.sub(r"\g<text>", text)
    text = _STRONG_RE.sub(r"\g<text>", text)
    return _EMPHASIS_RE.sub(r"\g<text>", text)


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
    fields: Fields = field(default_factory=Fields)

    @property
    def has_review(self):
        return bool(self.reviewer_name and self.reviewed_on) or bool(self.fields.reviews)

    @property
    def body_html(self):
        """The body as HTML: escaped paragraphs, lead-ins turned into section headings, the body's markup."""
        return "\n".join(paragraph.html for paragraph in self.paragraphs)

    @property
    def summary(self):
        """The "Summary" field, else the first paragraph, cut at a word to fit the summary field."""
        if self.fields.summary:
            return self.fields.summary
        text = next((p.text for p in self.paragraphs if p.kind == "paragraph"), "")
        return truncate_words(plain_text(text), SUMMARY_MAX_LENGTH)


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
    field_lines, rest = split_fields(list(enumerate(lines, start=1)))
    fields = read_fields(field_lines)
    if problem := check_consistent(fields):
        raise PageError(*problem)
    numbered = [(number, line.strip()) for number, line in rest]
    content = [(number, line) for number, line in numbered if line]
    if not content:
        raise PageError("The file is empty." if not field_lines else "No title after the field block.",
                        rest[0][0] if rest else len(lines) or 1)

    title_line, title = content[0]
    if len(title) > TITLE_MAX_LENGTH:
        raise PageError(f"The title is longer than {TITLE_MAX_LENGTH} characters.", title_line)
    page = ParsedPage(title=" ".join(title.split()), title_line=title_line, fields=fields)

    section = "body"
    buffer = []  # (line number, text) of the paragraph being read
    reference_lines = {}

    def flush():
        if not buffer:
            return
        block = list(buffer)
        buffer.clear()
        page.paragraphs.extend(_read_block(block, first=not page.paragraphs, title=page.title))

    for number, line in (entry for entry in numbered if entry[0] > title_line):
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
            elif heading := _HEADING_MARK_RE.match(line):
                flush()
                page.paragraphs.append(Paragraph(text=" ".join(heading.group("text").split()), line=number, kind="heading"))
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


def _read_block(block, *, first, title):
    """The body blocks in ``block`` [(line number, text)], lines between two blank lines.

    Lines starting "- " make a bulleted list (a line that does not continues the item
    above); lines starting "> " a quotation; anything else a paragraph. A list or
    quotation may follow paragraph lines directly: they are split there.
    """
    blocks, kind, current = [], None, []

    def close():
        if current:
            blocks.append((kind, current[:]))
            current.clear()

    for number, line in block:
        if item := _LIST_ITEM_RE.match(line):
            if kind != "list":
                close()
                kind = "list"
            current.append((number, [item.group("text")]))
        elif quote := _QUOTE_RE.match(line):
            if kind != "quote":
                close()
                kind = "quote"
            current.append((number, [quote.group("text")]))
        elif kind == "list":
            current[-1][1].append(line)  # the item goes on
        else:
            if kind != "paragraph":
                close()
                kind = "paragraph"
            current.append((number, [line]))
    close()

    paragraphs = []
    for kind, rows in blocks:
        start = rows[0][0]
        if kind == "list":
            items = [" ".join(" ".join(parts).split()) for _, parts in rows]
            paragraphs.append(Paragraph(text="", line=start, kind="list", items=items))
            continue
        text = " ".join(" ".join(parts) for _, parts in rows).strip()
        if kind == "quote":
            if text:
                paragraphs.append(Paragraph(text=" ".join(text.split()), line=start, kind="quote"))
            continue
        if first and not paragraphs and _same_text(text, title):
            continue  # the title repeated above the body
        heading, rest = split_lead_in(text)
        paragraphs.append(Paragraph(text=rest, line=start, heading=heading))
    return paragraphs


def _read_review(page, match, number):
    if page.review_line:
        raise PageError(f"A second review line; the first is on line {page.review_line}.", number)
    page.reviewer_name, page.reviewer_credentials = read_reviewer(match.group("name"), number)
    page.reviewed_on = read_review_date(match.group("date"), number)
    page.review_line = number


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
