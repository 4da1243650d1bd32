"""The optional field block at the top of a plain-text page: what the publisher's pages cannot say.

A page may open with ``Name: value`` lines between two ``---`` lines (the publisher's
own pages never start with ``---``, so they read as before)::

    ---
    Slug: stage-0-breast-cancer-treatment-options
    Summary: Stage 0 breast cancer, or DCIS, has not spread beyond the milk ducts.
      A line that starts with spaces continues the field above it.
    Tags: breast cancer, treatment, surgery
    Also known as: DCIS, ductal carcinoma in situ, non-invasive breast cancer
    Status: published
    Publish: 400 days ago
    Review: Dr. Lucia Moreno on 2025-10-16 | Full review before publication.
    Review: Dr. David Okafor on 22 September 2026
    Series: Breast cancer treatment by stage
    Series position: 0
    Series label: Stage 0
    ---

Pure: text in, data out. Every field is checked here, with the line it is on; an
unknown field, a repeated one (``Review`` may repeat) or a bad value is a ``PageError``.
New fields go in ``FIELDS`` and get a reader below (docs/importing.md lists them).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from articles.content.review_dates import review_date_problem
from articles.importing.dates import FORMATS_HELP, parse_date
from articles.importing.errors import PageError
from articles.models.search import validate_terms

FENCE = "---"
SLUG_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 300
TAG_MAX_LENGTH = 100  # django-taggit's limit
SERIES_TITLE_MAX_LENGTH = 200
SERIES_LABEL_MAX_LENGTH = 60
REVIEWER_NAME_MAX_LENGTH = 120
REVIEW_NOTES_MAX_LENGTH = 2000
STATUSES = ("draft", "published")
# The fields a page may carry, in the order the documentation gives them; "review" may repeat.
FIELDS = ("slug", "summary", "tags", "also known as", "status", "publish", "review", "series", "series position", "series label")
REPEATABLE = {"review"}

_FIELD_RE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z ]*?)\s*:\s*(?P<value>.*)$")
_RELATIVE_RE = re.compile(r"^(?:(?P<ago>\d{1,5})\s+days?\s+ago|in\s+(?P<ahead>\d{1,5})\s+days?|today)$", re.IGNORECASE)
_DATETIME_RE = re.compile(r"^(?P<date>.+?)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
_REVIEW_RE = re.compile(r"^(?P<name>.+?)\s+on\s+(?P<date>[^|]+?)\s*(?:\|\s*(?P<notes>.*))?$", re.IGNORECASE)


@dataclass
class Review:
    """One ``Review:`` line: who, when, and the reviewer's notes."""

    reviewer_name: str
    reviewer_credentials: str
    reviewed_on: datetime.date
    notes: str
    line: int


@dataclass
class PublishTime:
    """When to publish: ``days`` from the day of the import (negative: in the past), or a fixed time."""

    days: int | None = None
    on: datetime.date | None = None
    at: datetime.time | None = None

    def resolve(self, now, tzinfo):
        """The moment this stands for, given the import's ``now`` (aware) and the site's zone."""
        if self.days is not None:
            return now + datetime.timedelta(days=self.days)
        return datetime.datetime.combine(self.on, self.at or datetime.time(0, 0), tzinfo=tzinfo)


@dataclass
class Fields:
    """What the field block said; empty values where a field was not given."""

    slug: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    also_known_as: list[str] = field(default_factory=list)  # the article's search terms (docs/search.md)
    status: str = ""
    publish: PublishTime | None = None
    reviews: list[Review] = field(default_factory=list)
    series: str = ""
    series_position: int | None = None
    series_label: str = ""
    lines: dict[str, int] = field(default_factory=dict)  # field name -> line, for the importer's messages


def split_fields(numbered):
    """(field lines, the rest) of ``numbered`` [(line number, text)]: the block between the first two ``---``.

    A page that does not open with ``---`` has no block: everything is the rest.
    """
    content = [index for index, (_, line) in enumerate(numbered) if line.strip()]
    if not content or numbered[content[0]][1].strip() != FENCE:
        return [], numbered
    start = content[0]
    for index in range(start + 1, len(numbered)):
        if numbered[index][1].strip() == FENCE:
            return numbered[start + 1:index], numbered[index + 1:]
    raise PageError(f'The field block opened with "{FENCE}" is never closed: end it with a "{FENCE}" line.',
                     numbered[start][0])


def read_fields(numbered):
    """The ``Fields`` of the block lines ``numbered`` [(line number, raw text)]."""
    entries = []  # [name, value, line]
    for number, raw in numbered:
        if not raw.strip():
            continue
        if raw[:1] in {" ", "\t"} and entries:  # continues the field above
            entries[-1][1] = f"{entries[-1][1]} {raw.strip()}"
            continue
        match = _FIELD_RE.match(raw.strip())
        if not match:
            raise PageError(f'"{raw.strip()[:60]}" is not a field: write "Name: value" (or indent a line to continue one).',
                             number)
        entries.append([" ".join(match.group("name").lower().split()), match.group("value").strip(), number])

    fields = Fields()
    for name, value, number in entries:
        if name not in FIELDS:
            known = ", ".join(f.capitalize() for f in FIELDS)
            raise PageError(f'Unknown field "{name.capitalize()}"; the fields a page may have are {known}.', number)
        if name in fields.lines and name not in REPEATABLE:
            raise PageError(f'"{name.capitalize()}" appears twice; the first is on line {fields.lines[name]}.', number)
        fields.lines.setdefault(name, number)
        value = " ".join(value.split())
        if not value:
            raise PageError(f'"{name.capitalize()}" is empty: give it a value or leave the line out.', number)
        _READERS[name](fields, value, number)
    return fields


def _slug(fields, value, number):
    try:
        validate_slug(value)
    except ValidationError:
        raise PageError(f'The slug "{value}" may hold only letters, numbers, hyphens and underscores.', number) from None
    if len(value) > SLUG_MAX_LENGTH:
        raise PageError(f"The slug is longer than {SLUG_MAX_LENGTH} characters.", number)
    fields.slug = value


def _summary(fields, value, number):
    if len(value) > SUMMARY_MAX_LENGTH:
        raise PageError(f"The summary is {len(value)} characters; the most is {SUMMARY_MAX_LENGTH}.", number)
    fields.summary = value


def _tags(fields, value, number):
    tags = []
    for tag in (part.strip() for part in value.split(",")):
        if not tag:
            raise PageError('A tag is empty: separate tags with single commas ("breast cancer, surgery").', number)
        if len(tag) > TAG_MAX_LENGTH or not any(ch.isalnum() for ch in tag):
            raise PageError(f'The tag "{tag[:60]}" must have a letter or number and at most {TAG_MAX_LENGTH} characters.',
                             number)
        if tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    fields.tags = tags


def _also_known_as(fields, value, number):
    try:
        fields.also_known_as = validate_terms(value, at_least=1)
    except ValidationError as error:
        raise PageError(f'"Also known as": {" ".join(error.messages)}', number) from None


def _status(fields, value, number):
    status = value.lower()
    if status not in STATUSES:
        raise PageError(f'The status "{value}" is not one of {", ".join(STATUSES)} (a future "Publish" time schedules '
                         "a published page).", number)
    fields.status = status


def _publish(fields, value, number):
    if relative := _RELATIVE_RE.match(value):
        days = -int(relative.group("ago")) if relative.group("ago") else int(relative.group("ahead") or 0)
        fields.publish = PublishTime(days=days)
        return
    time = None
    if (timed := _DATETIME_RE.match(value)) and parse_date(timed.group("date")):
        hour, minute = int(timed.group("hour")), int(timed.group("minute"))
        if hour > 23 or minute > 59:
            raise PageError(f'The publish time "{value}" is not a time of day (00:00 to 23:59).', number)
        time, value = datetime.time(hour, minute), timed.group("date")
    on = parse_date(value)
    if on is None:
        raise PageError(f'The publish time "{value}" is not a date; write it as {FORMATS_HELP}, optionally followed '
                         'by a time ("2026-12-14 09:00"), or as "400 days ago" or "in 7 days".', number)
    fields.publish = PublishTime(on=on, at=time)


def read_reviewer(text, number):
    """(name, credentials) from "Dr. Jane Roe, MD" (a review line's or a Review field's); PageError when no name."""
    name, credentials = " ".join(text.split()), ""
    if ", " in name:
        name, credentials = (part.strip() for part in name.split(", ", 1))
    if not name or len(name) > REVIEWER_NAME_MAX_LENGTH:
        raise PageError(f"The reviewer's name must be 1 to {REVIEWER_NAME_MAX_LENGTH} characters.", number)
    return name, credentials[:120]


def read_review_date(text, number, what="The review"):
    """The date of a review from ``text``; PageError when it is not a date or not a plausible review date."""
    reviewed_on = parse_date(text)
    if reviewed_on is None:
        raise PageError(f'{what} date "{text.strip()}" is not a date; write it as {FORMATS_HELP}.', number)
    if problem := review_date_problem(reviewed_on):
        raise PageError(problem, number)
    return reviewed_on


def _review(fields, value, number):
    match = _REVIEW_RE.match(value)
    if not match:
        raise PageError('A review reads "Review: <reviewer> on <date>", optionally followed by " | <notes>".', number)
    name, credentials = read_reviewer(match.group("name"), number)
    reviewed_on = read_review_date(match.group("date"), number)
    notes = (match.group("notes") or "").strip()
    if len(notes) > REVIEW_NOTES_MAX_LENGTH:
        raise PageError(f"The review notes are longer than {REVIEW_NOTES_MAX_LENGTH} characters.", number)
    if any(r.reviewer_name.casefold() == name.casefold() and r.reviewed_on == reviewed_on for r in fields.reviews):
        raise PageError(f"The same review ({name} on {reviewed_on}) is given twice.", number)
    fields.reviews.append(Review(name, credentials, reviewed_on, notes, number))


def _series(fields, value, number):
    if len(value) > SERIES_TITLE_MAX_LENGTH:
        raise PageError(f"The series title is longer than {SERIES_TITLE_MAX_LENGTH} characters.", number)
    fields.series = value


def _series_position(fields, value, number):
    if not value.isdigit() or int(value) > 32767:
        raise PageError(f'The series position "{value}" is not a whole number from 0 to 32767.', number)
    fields.series_position = int(value)


def _series_label(fields, value, number):
    if len(value) > SERIES_LABEL_MAX_LENGTH:
        raise PageError(f"The series label is longer than {SERIES_LABEL_MAX_LENGTH} characters.", number)
    fields.series_label = value


_READERS = {
    "slug": _slug, "summary": _summary, "tags": _tags, "also known as": _also_known_as, "status": _status, "publish": _publish, "review": _review,
    "series": _series, "series position": _series_position, "series label": _series_label,
}


def check_consistent(fields):
    """Fields that only make sense together; returns (message, line) or None."""
    if (fields.series_position is not None or fields.series_label) and not fields.series:
        name = "series position" if fields.series_position is not None else "series label"
        return f'"{name.capitalize()}" needs a "Series" field naming the series.', fields.lines[name]
    if fields.publish and fields.status != "published":
        return '"Publish" needs "Status: published" (a draft has no publish time).', fields.lines["publish"]
    return None
