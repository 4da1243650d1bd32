"""The accessibility of an article's body: what a writer can fix before a reader meets it.

Pure functions over the body's HTML (sanitised on save by ``articles.content.html``): headings that are
empty, skip a level or do not start at level 2 (the page title is the only level 1), links whose
text says nothing or is a web address, links that open a new window without saying so, tables
without header cells, lists typed with hyphens, bullets or line breaks, and long runs of capitals.

Each finding names where it is (the section, by its heading, and a short excerpt), what is wrong
and how to fix it. A *blocker* makes the page unusable for someone (an empty heading or link) and
stops publishing (``articles.workflow.rules.publish_blockers``); a *warning* deserves a look.

The article stores its counts (``Article.accessibility_blockers`` and ``accessibility_warnings``,
kept by ``articles.content.fields.AccessibilityCountField`` on every save) so the article list can filter
on them; docs/accessibility.md lists the write paths and how to refresh them after a rule changes.
"""

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from html.parser import HTMLParser

BLOCKER = "blocker"
WARNING = "warning"

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements whose text is read as one block (a new block starts at each of them and at <br>).
TEXT_BLOCKS = {"p", "li", "td", "th", "caption", "blockquote", "ul", "ol", "table", "tr", *HEADINGS}

# Link text that names no destination. Compared lower-cased, without surrounding punctuation.
VAGUE_LINK_TEXTS = {
    "click here", "click", "here", "read more", "more", "learn more", "find out more", "more info",
    "this link", "link", "this page", "this", "continue", "continue reading", "go", "details",
}
URL_TEXT_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
NEW_WINDOW_SAID_RE = re.compile(r"new (?:window|tab)|opens in", re.IGNORECASE)
# A line typed as a list item: a hyphen, dash, bullet or asterisk, or "1." / "2)", then a space.
FAKE_ITEM_RE = re.compile(r"^\s*(?:[-–—•·▪◦‣*]|\d{1,2}[.)])\s+\S")
SHORT_LINE_WORDS = 10  # a line of a list typed with line breaks alone is short
CAPS_RUN_WORDS = 4  # "more than a few words": three capitalised words may be acronyms ("NHS HPV CT")
EXCERPT_CHARS = 60
NO_LOWER_CASE_RUN_RE = re.compile(rf"(?<!\S)(?:[^\sa-zß-öø-ÿ]+\s+){{{CAPS_RUN_WORDS - 1},}}[^\sa-zß-öø-ÿ]+")
PUNCTUATION = ".,;:!?\"'“”‘’()[]"


@dataclass(frozen=True)
class Finding:
    """One accessibility problem in a body: what, where, and how to fix it."""

    code: str
    severity: str
    problem: str
    fix: str
    section: str  # the heading of the section it is in; "" before the first heading
    excerpt: str = ""

    @property
    def is_blocker(self):
        return self.severity == BLOCKER

    @property
    def place(self):
        """Where it is, for the editor: "In “Surgery”: “click here”"."""
        where = f"In “{self.section}”" if self.section else "Before the first heading"
        return f"{where}: “{self.excerpt}”" if self.excerpt else where

    def as_dict(self):
        """The finding as plain values (the command's JSON), with its place."""
        return {**asdict(self), "place": self.place}

    def __str__(self):
        return f"{self.place}. {self.problem} {self.fix}"


def check_body(html):
    """Every accessibility finding in the body ``html``, in reading order."""
    checker = _Checker()
    checker.feed(html or "")
    checker.close()
    return checker.findings


# Mutable process state, on purpose: each of the two count fields (AccessibilityCountField) asks for
# the same body on save, so it is checked once; bounded to 64 bodies.
@lru_cache(maxsize=64)
def counts(html):
    """``(blockers, warnings)`` in the body ``html``: what the article stores for the list's filter."""
    return tally(check_body(html))


def tally(findings):
    """``(blockers, warnings)`` among ``findings``."""
    blockers = sum(1 for finding in findings if finding.is_blocker)
    return blockers, len(findings) - blockers


def blockers(html):
    """The findings in ``html`` that stop publishing."""
    return [finding for finding in check_body(html) if finding.is_blocker]


def warnings(html):
    """The findings in ``html`` that deserve a look but do not stop publishing."""
    return [finding for finding in check_body(html) if not finding.is_blocker]


def refresh_counts(articles, *, batch=500):
    """Work out the stored counts of ``articles`` (a queryset) again; returns how many rows changed.

    For the migration that added them and ``check_accessibility --refresh`` (after a change to
    the checks, or a write that skipped ``save()``). Reads the bodies ``batch`` at a time and
    writes only the rows whose counts differ, without saving the articles (no new version, no
    revision: the counts are derived, not content).
    """
    changed = 0
    rows = articles.order_by("pk").only("pk", "body", "accessibility_blockers", "accessibility_warnings")
    pending = []
    for article in rows.iterator(chunk_size=batch):
        found = counts(article.body or "")
        if found != (article.accessibility_blockers, article.accessibility_warnings):
            article.accessibility_blockers, article.accessibility_warnings = found
            pending.append(article)
        if len(pending) >= batch:
            changed += _write_counts(articles, pending)
    return changed + _write_counts(articles, pending)


def _write_counts(articles, pending):
    written = len(pending)
    if pending:
        articles.model.objects.using(articles.db).bulk_update(pending, ["accessibility_blockers", "accessibility_warnings"])
        pending.clear()
    return written


def excerpt(text, limit=EXCERPT_CHARS):
    """``text`` with its spaces collapsed, cut at ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shouting(text):
    """The first run of ``CAPS_RUN_WORDS`` or more words in capitals in ``text``, or None.

    Words without letters (numbers, citation markers) and identifiers with digits (gene names
    such as BRCA1 or TP53) neither count nor break a run; a comma or semicolon ends one, so a
    list of acronyms ("PALB2, CHEK2, ATM, TP53") is not taken for shouting.
    """
    # A word with a lower-case letter ends any run, so only stretches of four or more words
    # without one can shout: one scan finds them, and most blocks have none.
    for stretch in NO_LOWER_CASE_RUN_RE.finditer(text):
        run = _capitals_run(stretch.group(0).split())
        if run:
            return run
    return None


def _capitals_run(tokens):
    run = []
    for token in tokens:
        word = token.strip(PUNCTUATION)
        if not _is_word(word):
            if run:
                run.append(token)
            continue
        if word.upper() != word:
            if _words_in(run) >= CAPS_RUN_WORDS:
                break
            run = []
            continue
        run.append(token)
        if token.endswith((",", ";")):
            if _words_in(run) >= CAPS_RUN_WORDS:
                break
            run = []
    while run and not _is_word(run[-1].strip(PUNCTUATION)):
        run.pop()
    return " ".join(run) if _words_in(run) >= CAPS_RUN_WORDS else None


def _is_word(token):
    return any(c.isalpha() for c in token) and not any(c.isdigit() for c in token)


def _words_in(tokens):
    return sum(1 for token in tokens if _is_word(token.strip(PUNCTUATION)))


class _Checker(HTMLParser):
    """One walk of the body, keeping the little state each check needs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []
        self.section = ""  # the text of the latest heading
        self.last_level = None  # of the latest heading; None before the first
        self.heading = None  # [level, text parts] while inside a heading
        self.link = None  # [attrs, text parts] while inside a link
        self.tables = []  # one [has header cells, first text] per open table
        self.paragraph = None  # the lines of the open <p>, split at <br>
        self.typed_items = []  # consecutive paragraphs that each start like a list item
        self.block = []  # text of the current block, for capitals

    # --- the parser's events -------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        if tag in TEXT_BLOCKS:
            self._end_block()
            if tag != "p":  # typed items are consecutive paragraphs, with nothing else between
                self._end_typed_items()
        if tag in HEADINGS:
            self.heading = [HEADINGS[tag], []]
        elif tag == "a":
            self.link = [dict(attrs), []]
        elif tag == "table":
            self.tables.append([False, ""])
        elif tag == "th" and self.tables:
            self.tables[-1][0] = True
        elif tag == "p":
            self.paragraph = [[]]
        elif tag == "br":
            self._end_block()
            if self.paragraph is not None:
                self.paragraph.append([])
        elif tag == "img":
            # Images: none can be stored yet (``img`` is not in articles.content.html.ALLOWED_TAGS). The
            # media issue adds them and, here, their checks: no alt text is a blocker
            # ("image-alt-missing"), a file name as alt text ("IMG_0042.jpg") a warning
            # ("image-alt-filename"). tests/test_accessibility_checks.py fails when images are
            # allowed before then.
            pass

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in {"a", "p", *HEADINGS}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in TEXT_BLOCKS:
            self._end_block()
        if tag in HEADINGS and self.heading is not None:
            self._check_heading(*self.heading)
            self.heading = None
        elif tag == "a" and self.link is not None:
            self._check_link(*self.link)
            self.link = None
        elif tag == "table" and self.tables:
            has_header, first_text = self.tables.pop()
            if not has_header:
                self._add(
                    "table-no-header", WARNING,
                    "This table has no header cells, so a screen reader cannot say which row or column a value belongs to.",
                    "Make its first row a header row (or its first column, for a table read across) in the editor's table menu.",
                    first_text,
                )
        elif tag == "p" and self.paragraph is not None:
            self._check_paragraph(["".join(parts) for parts in self.paragraph])
            self.paragraph = None

    def handle_data(self, data):
        self.block.append(data)
        if self.heading is not None:
            self.heading[1].append(data)
        if self.link is not None:
            self.link[1].append(data)
        if self.paragraph is not None:
            self.paragraph[-1].append(data)
        if self.tables and not self.tables[-1][1] and data.strip():
            self.tables[-1][1] = data

    def close(self):
        super().close()
        self._end_block()
        self._end_typed_items()

    # --- the checks ------------------------------------------------------------------------------

    def _add(self, code, severity, problem, fix, text=""):
        self.findings.append(Finding(code, severity, problem, fix, self.section, excerpt(text)))

    def _check_heading(self, level, parts):
        text = " ".join("".join(parts).split())
        if not text:
            self._add(
                "heading-empty", BLOCKER,
                "An empty heading: screen readers announce a heading with nothing in it, and readers who jump "
                "from heading to heading land on nothing.",
                "Type the heading's words, or turn it back into a paragraph.",
            )
        elif self.last_level is None and level != 2:
            self._add(
                "heading-first-level", WARNING,
                f"The first heading is a level {level} heading. The page title is the only level 1 heading, "
                "and the sections under it start at level 2.",
                "Make it a Heading 2.",
                text,
            )
        elif self.last_level is not None and level > self.last_level + 1:
            self._add(
                "heading-skipped-level", WARNING,
                f"This level {level} heading follows a level {self.last_level} heading, skipping level "
                f"{self.last_level + 1}: a screen reader's outline of the page has a gap.",
                f"Make it a Heading {self.last_level + 1}, or put it under a Heading {self.last_level + 1}.",
                text,
            )
        if text:
            self.section = excerpt(text)
        self.last_level = level

    def _check_link(self, attrs, parts):
        text = " ".join("".join(parts).split())
        href = (attrs.get("href") or "").strip()
        if not href:
            return  # not a link: nothing to follow, nothing announced
        bare = text.strip(f" {PUNCTUATION}→»>").lower()
        if not text:
            self._add(
                "link-empty", BLOCKER,
                "A link with no text: a screen reader announces only “link”, and nobody can tell where it goes.",
                "Select the words that describe where it leads and link those, or remove the link.",
                f"a link to {href}",
            )
        elif bare in VAGUE_LINK_TEXTS:
            self._add(
                "link-vague", WARNING,
                "This link's text says nothing about where it leads; screen reader users often hear a page's "
                "links listed on their own.",
                "Link words that name the destination instead, e.g. “the NHS guide to breast screening”.",
                text,
            )
        elif URL_TEXT_RE.match(text) or text == href:
            self._add(
                "link-bare-url", WARNING,
                "This link's text is a web address, which a screen reader reads out character by character.",
                "Link the name of the page or organisation instead, e.g. “Macmillan Cancer Support”.",
                text,
            )
        target = (attrs.get("target") or "").lower()
        if target in {"_blank", "_new"} and not NEW_WINDOW_SAID_RE.search(f"{text} {attrs.get('title') or ''}"):
            self._add(
                "link-new-window", WARNING,
                "This link opens a new window without saying so: the Back button no longer works, which "
                "disorients screen reader and magnifier users.",
                "Let it open in the same window, or add “(opens in a new window)” to its text.",
                text or href,
            )

    def _check_paragraph(self, lines):
        """A list typed into one paragraph with line breaks; and paragraphs that each start like an item."""
        lines = [" ".join(line.split()) for line in lines]
        filled = [line for line in lines if line]
        typed = [line for line in filled if FAKE_ITEM_RE.match(line)]
        if len(typed) >= 2:
            self._fake_list(typed)
        elif (
            len(filled) >= 3
            and filled[0].endswith(":")
            and all(len(line.split()) <= SHORT_LINE_WORDS and not line.endswith(".") for line in filled[1:])
        ):
            self._fake_list(filled[1:])
        if len(filled) == 1 and FAKE_ITEM_RE.match(filled[0]):
            self.typed_items.append(filled[0])
        else:
            self._end_typed_items()

    def _end_typed_items(self):
        if len(self.typed_items) >= 2:
            self._fake_list(self.typed_items)
        self.typed_items = []

    def _fake_list(self, lines):
        self._add(
            "list-typed", WARNING,
            "These lines look like a list but are typed as separate lines; a screen reader does not announce "
            "a list or how many items it has.",
            "Select the lines and use the bulleted (or numbered) list button, then delete the typed hyphens or bullets.",
            " / ".join(lines[:2]),
        )

    def _end_block(self):
        text = "".join(self.block)
        self.block = []
        caps = shouting(text)
        if caps:
            self._add(
                "text-all-caps", WARNING,
                "A run of words in capitals is harder to read, and some screen readers spell it out letter by letter.",
                "Write it in sentence case; use bold for emphasis.",
                caps,
            )
