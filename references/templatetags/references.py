"""Template tags for an article body's citation markers and its reference list."""

from dataclasses import dataclass

from django import template

from references.markers import render_markers

register = template.Library()


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


@register.simple_tag
def cite(body, citations):
    """The body with markers linked, and the numbered references with back-links.

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
