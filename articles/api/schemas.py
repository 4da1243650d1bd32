"""The API's response shapes (pydantic, through django-ninja): the OpenAPI document is made from these."""

from typing import Literal

from ninja import Field, Schema


class ErrorBody(Schema):
    code: str = Field(description="Stable, machine-readable: bad_request, unknown_series, unknown_tag, unknown_reviewer, "
                                  "key_required, key_unknown, key_revoked, "
                                  "key_expired, partner_inactive, not_found, rate_limited, method_not_allowed.")
    message: str = Field(description="For the developer reading it; may change.")


class Error(Schema):
    error: ErrorBody


class Person(Schema):
    name: str
    credentials: str
    specialty: str
    url: str = Field(description="The reviewer's public profile page (absolute).")
    slug: str


class Organisation(Schema):
    type: Literal["Organization", "Person"]
    name: str
    url: str | None


class Neighbour(Schema):
    label: str
    headline: str
    url: str
    slug: str


class SeriesPart(Schema):
    type: Literal["CreativeWorkSeries"]
    name: str
    slug: str
    url: str
    position: int = Field(description="The article's position number in the series, as editors set it.")
    label: str = Field(description='Its short label, e.g. "Stage 4".')
    part: int | None = Field(None, description="Part n of `parts`, counting published parts only (detail only).")
    parts: int | None = None
    previous: Neighbour | None = None
    next: Neighbour | None = None


class ArticleSummary(Schema):
    type: Literal["MedicalWebPage"]
    slug: str
    headline: str
    description: str
    url: str = Field(description="The article's page on our site (absolute); link to it in your attribution.")
    apiUrl: str
    inLanguage: str
    datePublished: str | None = Field(description="ISO 8601 time of first publication.")
    dateModified: str | None = Field(description="ISO 8601: the later of its last content change and its last review.")
    lastReviewed: str | None = Field(description="ISO 8601 date of its latest medical review.")
    reviewDue: str | None = Field(description="ISO 8601 date its next medical review is due.")
    changedSinceReview: bool = Field(description="Its text changed after its last medical review.")
    keywords: list[str] = Field(description="The article's tags' names.")
    alternateName: list[str] = Field(
        description='Other names readers use for its topic, lay and clinical (the article\'s "also known as" '
                    "search terms, e.g. lymphoedema, arm swelling), as in our page's JSON-LD; empty when it has none."
    )
    isPartOf: SeriesPart | None
    reviewedBy: Person | None


class Body(Schema):
    html: str = Field(description="Sanitised HTML, every link absolute, citation markers linked to `#ref-N`.")
    text: str = Field(description="Plain text, one line per paragraph, heading or list item.")


class Section(Schema):
    type: Literal["WebPageElement"]
    position: int
    headline: str = Field(description="The h2's text; empty for the introduction before the first heading.")
    anchor: str = Field(description="The h2's id on our page; empty for the introduction.")
    url: str
    html: str
    text: str


class Citation(Schema):
    number: int = Field(description="The number the body's markers use: [n].")
    title: str
    publisher: str | None
    url: str | None
    doi: str | None
    pmid: str | None
    accessedOn: str | None
    anchor: str


class License(Schema):
    name: str
    url: str | None
    attribution: str = Field(description="The attribution text you must show with the article.")
    attributionRequired: bool


class Article(ArticleSummary):
    author: Organisation
    publisher: Organisation
    articleBody: Body
    hasPart: list[Section] = Field(description="One item per h2 section, in order.")
    citation: list[Citation]
    funding: str | None
    image: list[dict] = Field(description="The pictures the article shows, lead image first: ImageObject fields, role (lead or figure), alternativeText, decorative, and every rendition (format, width, height, absolute URL). `caption` is the one our page shows: a body figure's own caption when the article gives one, else the library's; none for a decorative picture.")
    license: License


class MovedTo(Schema):
    slug: str
    url: str
    apiUrl: str


class Tombstone(Schema):
    type: Literal["Tombstone"]
    slug: str
    headline: str
    withdrawnAt: str
    reason: Literal["unpublished", "archived", "deleted", "moved"]
    movedTo: MovedTo | None


class ArticlePage(Schema):
    items: list[ArticleSummary | Tombstone] = Field(
        description="Articles; with `modified_since`, also tombstones of articles withdrawn since then."
    )
    next: str | None = Field(description="The address of the next page, or null on the last.")
    cursor: str | None = Field(description="The cursor the next page starts after.")


class SearchPage(Schema):
    items: list[ArticleSummary]
    query: str
    page: int
    next: str | None


class SeriesItem(Schema):
    slug: str
    name: str
    description: str
    url: str
    articles: str = Field(description="The API address listing its articles.")


class SeriesList(Schema):
    items: list[SeriesItem]


class ReviewerItem(Schema):
    slug: str
    name: str
    credentials: str
    specialty: str
    bio: str
    url: str
    articles: str


class ReviewerList(Schema):
    items: list[ReviewerItem]


class TagItem(Schema):
    slug: str
    name: str
    url: str
    articles: str


class TagList(Schema):
    items: list[TagItem]
    next: str | None


class Endpoints(Schema):
    articles: str = Field(description="The list of published articles: filters, orders, a cursor.")
    article: str = Field(description="One article: its slug in place of `{slug}`.")
    search: str = Field(description="Search, ranked as on our site: `?q=`.")
    series: str
    reviewers: str
    tags: str


class Index(Schema):
    name: str
    version: str
    endpoints: Endpoints = Field(description="Every endpoint, by name (absolute addresses).")
    openapi: str = Field(description="This document, OpenAPI 3.1 (absolute).")
    docs: str = Field(description="The human page: every endpoint, its fields and errors, to try with your key (absolute).")
    authentication: str = Field(description="How to send your key.")
