"""Read a numbered reference list pasted from the publisher's pages.

Pure text in, plain data out: no database access here, so the admin's paste-in
form and the article importer share one parser. Matching parsed entries against
stored sources and references is ``references.paste``'s job.

The shape we read, one entry per line::

    1. American Cancer Society: “Learn about Cancer: Breast Cancer.”
    2. Mayo Clinic: “Title one,” “Title two.” https://www.mayoclinic.org/... doi:10.1000/x PMID: 123
    3. “A title with no publisher,” “and a second one”
    [4] Breastcancer.org: "Straight quotes work too".

A line we cannot read with confidence is returned with an ``error`` and the
raw text, never guessed at: the editor fixes it and pastes again.
"""

import datetime
import re
from dataclasses import dataclass, field

from .identifiers import DOI_RE, normalise_doi

# Opening and closing double quotes as editors and word processors type them.
_OPEN_QUOTES = "“„«\""
_CLOSE_QUOTES = "”“»\""
_ALL_QUOTES = set(_OPEN_QUOTES + _CLOSE_QUOTES)
_QUOTED_RE = re.compile(r"[“”„«\"]([^“”„«»\"]*)[”“»\"]")
_NUMBER_RE = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s*(?=\S)")
_URL_RE = re.compile(r"<?(https?://[^\s<>]+)>?", re.IGNORECASE)
_DOI_TEXT_RE = re.compile(r"\bdoi:?\s*(10\.\d{4,9}/\S+)", re.IGNORECASE)
_PMID_RE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_ACCESSED_RE = re.compile(
    r"\b(?:accessed|retrieved)(?:\s+on)?:?\s+(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|[^.;]*?\d{4})", re.IGNORECASE
)
_HEADING_RE = re.compile(r"^\s*(?:references|sources|bibliography|referenced on\b.*)\s*:?\s*$", re.IGNORECASE)
# What may stand between and after titles: punctuation, "and", "&".
_SEPARATOR_RE = re.compile(r"^(?:[\s,.;:&–—-]|\band\b)*$", re.IGNORECASE)
# Punctuation that belongs to the list's style, not to the title.
_TRAILING_PUNCTUATION = ".,;:"
_DOI_HOSTS = ("doi.org", "dx.doi.org")
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%Y-%m-%d", "%d.%m.%Y")
SOURCE_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 500


@dataclass
class ParsedEntry:
    """One line of a pasted reference list, read or not.

    ``number`` is the number printed before the entry (None when the list is
    not numbered); ``source`` the publisher's name or None; ``titles`` the
    quoted titles in order, trailing list punctuation removed. ``url``, ``doi``
    and ``pmid`` are empty strings when absent. ``error`` is None when the line
    was read, otherwise a sentence for the editor; ``raw`` is the line as pasted
    and ``line_number`` its 1-based position in the pasted text.
    """

    raw: str
    line_number: int
    number: int | None = None
    source: str | None = None
    titles: list[str] = field(default_factory=list)
    url: str = ""
    doi: str = ""
    pmid: str = ""
    accessed_on: datetime.date | None = None
    error: str | None = None

    @property
    def ok(self):
        return self.error is None

    @property
    def title(self):
        """The main title (the first), or an empty string."""
        return self.titles[0] if self.titles else ""

    @property
    def more_titles(self):
        """Further titles, one per line, as ``Reference.more_titles`` stores them."""
        return "\n".join(self.titles[1:])


def parse_reference_list(text):
    """Every entry of a pasted reference list, in order, each read or carrying an error.

    Blank lines and headings ("References", "Referenced on 1.2.2022") are
    skipped. When any line is numbered, every entry must be, and the numbers
    must count up by one; a line that breaks the count is reported.
    """
    candidates = [
        (index, line)
        for index, line in enumerate((text or "").splitlines(), start=1)
        if line.strip() and not _HEADING_RE.match(line)
    ]
    numbered = any(_NUMBER_RE.match(line) for _, line in candidates)
    entries = []
    expected = None
    for index, line in candidates:
        entry = parse_reference_line(line, line_number=index)
        if entry.ok and numbered:
            if entry.number is None:
                entry.error = "This line has no number, unlike the others. Join it to its entry or number it."
            elif expected is not None and entry.number != expected:
                entry.error = f"Expected entry number {expected} here, found {entry.number}. Is an entry missing or repeated?"
        if entry.number is not None:
            expected = entry.number + 1
        entries.append(entry)
    return entries


def parse_reference_line(line, *, line_number=1):
    """Read one entry: ``[number] [Publisher:] “Title,” “Title.” [URL] [doi:…] [PMID: …]``."""
    entry = ParsedEntry(raw=line.rstrip("\r\n"), line_number=line_number)
    rest = line.strip()
    number = _NUMBER_RE.match(rest)
    if number:
        entry.number = int(number.group(1) or number.group(2))
        rest = rest[number.end():]

    quote_count = sum(1 for char in rest if char in _ALL_QUOTES)
    if quote_count == 0:
        entry.error = "No title in quotes. Put each title in double quotes, e.g. Mayo Clinic: “Breast cancer.”"
        return entry
    if quote_count % 2:
        entry.error = "A quote is opened but never closed (or closed but never opened)."
        return entry

    matches = list(_QUOTED_RE.finditer(rest))
    # Everything between titles must be separators; anything else is a sign we misread the line.
    for before, after in zip(matches, matches[1:], strict=False):
        between = rest[before.end():after.start()]
        if not _SEPARATOR_RE.match(between):
            entry.error = f"Unexpected text between titles: “{between.strip()}”."
            return entry

    for match in matches:
        title = _clean_title(match.group(1))
        if not title:
            entry.error = "Empty quotes: every quoted title needs some text."
            return entry
        if len(title) > TITLE_MAX_LENGTH:
            entry.error = f"A title is longer than {TITLE_MAX_LENGTH} characters."
            return entry
        entry.titles.append(title)

    source = rest[:matches[0].start()].strip().rstrip(":.,;–—- ").strip()
    if source:
        if any(char in source for char in "“”\""):
            entry.error = "The publisher's name contains a quote."
            return entry
        if len(source) > SOURCE_MAX_LENGTH:
            entry.error = f"The publisher's name is longer than {SOURCE_MAX_LENGTH} characters."
            return entry
        entry.source = " ".join(source.split())

    tail_error = _read_tail(entry, rest[matches[-1].end():])
    if tail_error:
        entry.error = tail_error
    return entry


def _clean_title(text):
    """Collapse whitespace and drop the list's trailing punctuation (keep ? and !)."""
    return " ".join(text.split()).rstrip(_TRAILING_PUNCTUATION).strip()


def _read_tail(entry, tail):
    """Take the URL, DOI, PubMed id and accessed date after the titles; return an error or None."""
    leftover = tail

    def take(regex):
        nonlocal leftover
        found = regex.search(leftover)
        if not found:
            return None
        leftover = leftover[:found.start()] + " " + leftover[found.end():]
        return found.group(1)

    doi = take(_DOI_TEXT_RE)
    pmid = take(_PMID_RE)
    accessed = take(_ACCESSED_RE)
    urls = []
    while (url := take(_URL_RE)) is not None:
        urls.append(url.rstrip(".,;)"))

    for url in urls:
        host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
        if host in _DOI_HOSTS and not doi:
            doi = url
        elif not entry.url:
            entry.url = url
        else:
            return "More than one web address after the titles; keep one per entry."
    if doi:
        entry.doi = normalise_doi(doi.rstrip(".,;)"))
        if not DOI_RE.match(entry.doi):
            return f"“{doi}” does not look like a DOI (they start with 10. and a registrant code)."
    if pmid:
        entry.pmid = pmid
    if accessed:
        entry.accessed_on = _parse_date(accessed)
        if entry.accessed_on is None:
            return f"Could not read the accessed date “{accessed.strip()}”; write it like 1 February 2022."
    if not _SEPARATOR_RE.match(leftover):
        return f"Could not read “{leftover.strip(' .,;')}” after the titles."
    return None


def _parse_date(text):
    text = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
