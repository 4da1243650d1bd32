"""An article's "On this page" list: its h2 sections, each given an id to link to.

The body is stored sanitised with no ids (``articles.content.html`` keeps none), so the ids are added
when the page is rendered, from the headings' text: "What is stage 4?" becomes
``id="section-what-is-stage-4"``. Only a long article (``MIN_SECTIONS`` sections or more) gets
the list, as on NHS and cancer charities' pages; every article's h2s get their ids, so a link
to a section keeps working when the article grows or shrinks.
"""

import html
import re
from typing import NamedTuple

from django.utils.safestring import mark_safe
from django.utils.text import slugify

MIN_SECTIONS = 3
# nh3 writes every kept h2 bare (no attribute is allowed on it) and closes it.
_H2_RE = re.compile(r"<h2>(.*?)</h2>", re.S)
_TAG_RE = re.compile(r"<[^>]*>")


class Section(NamedTuple):
    anchor: str
    title: str


class SectionedBody(NamedTuple):
    """The body with ids on its h2s, and the contents list (empty for a short article)."""

    html: str
    contents: list


def sectioned(body_html):
    """``body_html`` (sanitised, possibly with citation links) with an id on each h2, and its sections."""
    body_html = str(body_html or "")
    if "<h2>" not in body_html:
        return SectionedBody(mark_safe(body_html), [])
    sections, used = [], set()

    def add_id(match):
        title = " ".join(html.unescape(_TAG_RE.sub("", match.group(1))).split())
        base = "section-" + (slugify(title)[:60].strip("-") or str(len(sections) + 1))
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        sections.append(Section(anchor, title))
        return f'<h2 id="{anchor}">{match.group(1)}</h2>'

    rewritten = _H2_RE.sub(add_id, body_html)
    # The input is the body, sanitised on save; only ids made of slug characters were added.
    return SectionedBody(mark_safe(rewritten), sections if len(sections) >= MIN_SECTIONS else [])
