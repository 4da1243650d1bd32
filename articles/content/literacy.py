"""Health literacy: the Flesch-Kincaid reading grade of an article and its hardest sentences.

Flesch-Kincaid grade = 0.39 × words per sentence + 11.8 × syllables per word − 15.59.

We compute it here rather than with textstat: textstat counts syllables with NLTK's CMU
dictionary, which it downloads at run time on first use (a network call from the admin, and a
failure offline). Syllables come from pyphen's English hyphenation dictionary, which ships in
the wheel; hyphenation alone undercounts ("area" has no break), so each word counts the larger
of pyphen's count and its vowel groups (a silent final "e", "es" or "ed" dropped).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import pyphen

BLOCKS = {"p", "li", "blockquote", "td", "th", "caption", "br", "h2", "h3", "h4", "tr", "ul", "ol", "table"}
HEADINGS = {"h2", "h3", "h4"}
WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*")
CITATION_MARKER_RE = re.compile(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]")
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+")
VOWEL_GROUPS_RE = re.compile(r"[aeiouy]+")


class _TextBlocks(HTMLParser):
    """Body HTML to plain-text blocks (paragraphs, list items, cells); headings are left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self._current, self._skip = [], [], 0

    def _flush(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self._flush()
        if tag in HEADINGS:
            self._skip += 1
        if tag == "sup":  # citation markers such as [1] are not words
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in HEADINGS or tag == "sup":
            self._skip = max(0, self._skip - 1)
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self._skip:
            self._current.append(data)

    def close(self):
        super().close()
        self._flush()
        return self.blocks


# Mutable process state, on purpose: pyphen's dictionary, loaded from disk once per process.
@lru_cache(maxsize=1)
def _dictionary():
    return pyphen.Pyphen(lang="en_US")


# Mutable process state, on purpose: words recur across bodies, and hyphenating one is the cost of
# the reading grade; bounded to 20,000 words.
@lru_cache(maxsize=20000)
def syllables(word):
    """Syllables in one word: the larger of pyphen's hyphenation count and its vowel groups."""
    word = word.lower()
    if word.isdigit():
        return max(1, len(word))  # "2024" is read as several syllables; a fair approximation
    groups = len(VOWEL_GROUPS_RE.findall(word))
    silent_ending = (
        (word.endswith("e") and not word.endswith(("le", "ee", "ye")))
        or (word.endswith("es") and not word.endswith(("ses", "xes", "zes", "ches", "shes", "ces", "ges")))
        or (word.endswith("ed") and not word.endswith(("ted", "ded")))
    )
    if silent_ending and groups > 1:
        groups -= 1
    return max(1, groups, len(_dictionary().positions(word)) + 1)


def grade(words, syllable_count, sentences=1):
    if not words or not sentences:
        return 0.0
    return round(0.39 * words / sentences + 11.8 * syllable_count / words - 15.59, 1)


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    grade: float


@dataclass(frozen=True)
class Readability:
    """An article's reading grade, its size and its hardest sentences (hardest first)."""

    grade: float
    words: int
    sentences: int
    hardest: list
    target: int

    @property
    def on_target(self):
        return self.grade <= self.target


def sentences_of(html):
    """The sentences of a body, headings and citation markers left out."""
    parser = _TextBlocks()
    parser.feed(html or "")
    for block in parser.close():
        block = CITATION_MARKER_RE.sub("", block)
        for piece in SENTENCE_END_RE.split(block):
            piece = piece.strip()
            if WORD_RE.search(piece):
                yield piece


def readability(html, *, target=8, hardest=5):
    """Flesch-Kincaid grade of ``html`` with the ``hardest`` sentences of more than three words."""
    total_words = total_syllables = count = 0
    scored = []
    for text in sentences_of(html):
        words = WORD_RE.findall(text)
        syl = sum(syllables(w) for w in words)
        total_words += len(words)
        total_syllables += syl
        count += 1
        if len(words) > 3:
            scored.append(Sentence(text=text, words=len(words), grade=grade(len(words), syl)))
    scored.sort(key=lambda s: s.grade, reverse=True)
    return Readability(
        grade=grade(total_words, total_syllables, count),
        words=total_words,
        sentences=count,
        hardest=scored[:hardest],
        target=target,
    )
