"""Breadcrumbs and schema.org JSON-LD for public pages.

Views build a trail with ``breadcrumbs(...)``; the template shows it and the same trail becomes the
``BreadcrumbList``. Article pages also describe themselves as a ``MedicalWebPage``. Everything here
returns plain dicts; ``json_ld()`` (cms/jinja2.py) writes them out escaped.
"""

from dataclasses import dataclass

from django.conf import settings

from articles.content.addresses import address
from articles.media.rendering import image_object
from articles.models.search import split_terms
from articles.reviews import display
from cms.site import absolute_url


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str


def breadcrumbs(*trail):
    """Home, then ``trail`` as ``(name, url)`` pairs; the last is the current page."""
    return [Crumb("Home", address("articles:home")), *(Crumb(name, url) for name, url in trail)]


def article_breadcrumbs(article):
    """Home › series (when the article is in one) › the article."""
    entry = getattr(article, "series_entry", None)
    trail = [(entry.series.title, entry.series.get_absolute_url())] if entry else []
    return breadcrumbs(*trail, (article.title, article.get_absolute_url()))


def breadcrumb_list(crumbs, request=None):
    """schema.org ``BreadcrumbList`` for a trail."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": crumb.name, "item": absolute_url(crumb.url, request)}
            for n, crumb in enumerate(crumbs, start=1)
        ],
    }


def _person(reviewer, request, photo=None):
    """schema.org ``Person`` for a reviewer; ``photo``: their portrait (an Image already read), as its ``image``."""
    person = {"@type": "Person", "name": reviewer.name, "url": absolute_url(reviewer.get_absolute_url(), request)}
    if photo is not None:
        person["image"] = image_object(photo, lambda path: absolute_url(path, request))
    if reviewer.credentials:
        person["honorificSuffix"] = reviewer.credentials
        person["hasCredential"] = [
            {"@type": "EducationalOccupationalCredential", "name": part.strip()}
            for part in reviewer.credentials.split(",")
            if part.strip()
        ]
    if reviewer.specialty:
        person["jobTitle"] = reviewer.specialty
    return person


def _organisation(request):
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute_url(address("articles:home"), request)}


def _author(article, request):
    name = article.writer_name
    # An account without a real name is shown as the publisher, never by its username.
    return {"@type": "Person", "name": name} if name else _organisation(request)


def _citation(citation):
    reference = citation.reference
    work = {"@type": "CreativeWork", "name": reference.title}
    if reference.source_id:
        work["publisher"] = {"@type": "Organization", "name": reference.source.name}
    url = reference.url or reference.doi_url or reference.pubmed_url
    if url:
        work["url"] = url
    return work


def portrait_ids(article):
    """The images :func:`medical_web_page` names besides the article's own (the latest reviewer's
    portrait): the page reads them with its pictures (``media.rendering.page_context(more=...)``)."""
    review = article.latest_review
    return [review.reviewer.photo_id] if review and review.reviewer.photo_id else []


def medical_web_page(article, request=None):
    """schema.org ``MedicalWebPage`` for an article loaded with ``article_page()`` (no further queries)."""
    url = absolute_url(article.get_absolute_url(), request)
    modified = display.last_modified(article)
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title,
        "name": article.title,
        "alternateName": split_terms(article.search_terms),
        "description": article.summary,
        "inLanguage": settings.LANGUAGE_CODE,
        "datePublished": article.first_published.isoformat() if article.first_published else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": _author(article, request),
        "publisher": _organisation(request),
        "citation": [_citation(c) for c in article.citations.all()],
        "keywords": ", ".join(tag.name for tag in article.tags.all()),
    }
    lead = getattr(article, "page_images", {}).get(article.lead_image_id) if article.lead_image_id else None
    if lead is not None:
        data["image"] = image_object(lead, lambda path: absolute_url(path, request))
    review = article.latest_review
    if review:
        data["lastReviewed"] = review.reviewed_on.isoformat()
        photo_id = review.reviewer.photo_id
        data["reviewedBy"] = _person(review.reviewer, request, getattr(article, "page_images", {}).get(photo_id) if photo_id else None)
    entry = getattr(article, "series_entry", None)
    if entry:
        data["isPartOf"] = {
            "@type": "CreativeWorkSeries",
            "name": entry.series.title,
            "url": absolute_url(entry.series.get_absolute_url(), request),
        }
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def profile_page(reviewer, request=None):
    """schema.org ``ProfilePage`` about a medical reviewer, for their public page (not their account: see ``workflow.rules.reviewer_profile``)."""
    person = _person(reviewer, request, reviewer.photo if reviewer.photo_id else None)
    if reviewer.bio:
        person["description"] = reviewer.bio
    return {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": person}


def website(request=None):
    """schema.org ``WebSite`` with its search, for the home page."""
    search = absolute_url(address("articles:search"), request)
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": absolute_url(address("articles:home"), request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
