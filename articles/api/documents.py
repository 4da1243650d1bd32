"""An article as partners receive it: schema.org names, absolute links, one part per h2 section.

Built from what the public page reads (``page_reads.published_article_page``) with the site's own
definitions: the sanitised body with citation markers resolved (``references.markers.cite``), the
sections' anchors (``articles.contents.sectioned``), the review dates (``review_cycle``) and the
structured data's people (``structured_data``). No query beyond what the caller loaded.
"""

import functools
import html
import re
from urllib.parse import urljoin

from django.conf import settings
from django.utils import timezone

from articles.content.addresses import address
from articles.content.contents import sectioned
from articles.media.models import own_captions, shown_ids
from articles.media.rendering import expand_figures, image_object, images_for, storage_url
from articles.models import split_terms
from articles.reads import series as series_reads
from articles.reviews import display as review_display
from cms.site import absolute_url
from references.markers import cite

# The body is serialised by nh3: attribute values in double quotes, "<" and ">" escaped inside them.
_LINK_ATTRIBUTE_RE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_SRCSET_RE = re.compile(r'(\ssrcset=")([^"]*)(")')
_SECTION_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
_BLOCK_END_RE = re.compile(r"</(?:p|h[1-6]|li|tr|blockquote|div|table|ul|ol|dt|dd|figcaption)>|<br\s*/?>", re.I)
_TAG_RE = re.compile(r"<[^>]*>")


def absolute_links(body_html, base_url):
    """Every ``href`` and ``src`` in ``body_html`` made absolute against ``base_url`` (the article's
    own address, so a ``#ref-2`` marker still points into the article)."""

    def absolute(match):
        value = html.unescape(match.group(2))
        joined = urljoin(base_url, value) if value else value
        return match.group(1) + html.escape(joined, quote=True) + match.group(3)

    def absolute_set(match):
        candidates = (part.strip().split(" ", 1) for part in html.unescape(match.group(2)).split(","))
        joined = ", ".join(" ".join([urljoin(base_url, first), *rest]) for first, *rest in candidates if first)
        return match.group(1) + html.escape(joined, quote=True) + match.group(3)

    return _SRCSET_RE.sub(absolute_set, _LINK_ATTRIBUTE_RE.sub(absolute, body_html))


def image_document(image, role, absolute, own_caption=""):
    """One picture an article shows, for partners: schema.org ``ImageObject`` fields, its alt text
    (empty only when it is decorative) and every rendition with an absolute URL. ``caption`` is the
    one our page shows under it: the article's ``own_caption`` for a body figure when it wrote one,
    else the library's; none for a decorative picture."""
    renditions = image.renditions or {}
    fields = image_object(image, absolute)
    fields.pop("caption", None)
    caption = image.shown_caption(own_caption)
    return {
        **fields,
        **({"caption": caption} if caption else {}),
        "role": role,
        "alternativeText": image.alt_text or "",
        "decorative": image.decorative,
        "renditions": [
            {"format": kind.lower(), "width": width, "height": height, "url": absolute(storage_url(name))}
            for kind, rows in sorted((renditions.get("sizes") or {}).items())
            for width, height, name in rows
        ],
    }


def plain_text(fragment):
    """The text of an HTML fragment: one line per paragraph, heading or list item, entities decoded."""
    text = _TAG_RE.sub("", _BLOCK_END_RE.sub("\n", fragment))
    lines = (" ".join(html.unescape(line).split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def sections(body_html):
    """``[(anchor, heading, html)]``: the text before the first h2 (anchor and heading empty) when
    there is any, then one part per h2 section, the heading included in its HTML."""
    marked = str(sectioned(body_html).html)
    matches = list(_SECTION_RE.finditer(marked))
    parts = []
    start = matches[0].start() if matches else len(marked)
    if marked[:start].strip():
        parts.append(("", "", marked[:start].strip()))
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(marked)
        heading = " ".join(html.unescape(_TAG_RE.sub("", match.group(2))).split())
        parts.append((match.group(1), heading, marked[match.start():end].strip()))
    return parts


def iso(value):
    return value.isoformat() if value is not None else None


def organisation(request):
    return {"type": "Organization", "name": settings.SITE_NAME, "url": absolute_url(address("articles:home"), request)}


def author(article, request):
    name = article.writer_name
    return {"type": "Person", "name": name, "url": None} if name else organisation(request)


def reviewer(person, request):
    if person is None:
        return None
    return {
        "name": person.name,
        "credentials": person.credentials,
        "specialty": person.specialty,
        "url": absolute_url(person.get_absolute_url(), request),
        "slug": person.slug,
    }


def license_for(article_url, reviewed_on):
    reviewed = f", medically reviewed {reviewed_on:%-d %B %Y}" if reviewed_on else ""
    return {
        "name": settings.API_LICENSE_NAME,
        "url": settings.API_LICENSE_URL or None,
        "attribution": f"{settings.SITE_NAME}{reviewed}. Read the original at {article_url}",
        "attributionRequired": True,
    }


def api_url(slug, request):
    return absolute_url(address("syndication:article", slug), request)


def summary(article, request, *, dates=None):
    """The fields shared by the list and the detail. ``dates`` (``review_display.ReviewDates``):
    from the stored dates when not given (lists), from the reviews on the detail."""
    dates = dates or review_display.stored_review_dates(article)
    url = absolute_url(article.get_absolute_url(), request)
    modified = review_display.last_modified(article)
    entry = getattr(article, "series_entry", None)
    return {
        "type": "MedicalWebPage",
        "slug": article.slug,
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "apiUrl": api_url(article.slug, request),
        "inLanguage": settings.LANGUAGE_CODE,
        "datePublished": iso(article.first_published),
        "dateModified": iso(modified),
        "lastReviewed": iso(dates.last_reviewed_on),
        "reviewDue": iso(dates.next_review_due),
        "changedSinceReview": dates.changed_since_review,
        "keywords": [tag.name for tag in article.tags.all()],
        "alternateName": split_terms(article.search_terms),
        "isPartOf": series_part(entry, request) if entry is not None else None,
    }


def series_part(entry, request, navigation=None):
    part = {
        "type": "CreativeWorkSeries",
        "name": entry.series.title,
        "slug": entry.series.slug,
        "url": absolute_url(entry.series.get_absolute_url(), request),
        "position": entry.position,
        "label": entry.label,
    }
    if navigation is not None:
        part["part"] = navigation["series_part"]
        part["parts"] = navigation["series_total"]
        part["previous"] = _neighbour(navigation["previous_entry"], request)
        part["next"] = _neighbour(navigation["next_entry"], request)
    return part


def _neighbour(link, request):
    if link is None:
        return None
    return {"label": link.label, "headline": link.title, "url": absolute_url(link.get_absolute_url(), request),
            "slug": link.slug}


def list_item(article, request):
    """One article in a list: the summary and who last reviewed it (``last_reviewer`` joined)."""
    item = summary(article, request)
    item["reviewedBy"] = reviewer(article.last_reviewer, request)
    return item


def detail(article, request, now=None):
    """The whole article, from ``page_reads.published_article_page(slug, now)``."""
    now = now or timezone.now()
    dates = review_display.review_dates(article)
    data = summary(article, request, dates=dates)
    url = data["url"]
    review = article.latest_review
    data["reviewedBy"] = reviewer(review.reviewer if review else None, request)
    data["author"] = author(article, request)
    data["publisher"] = organisation(request)
    entry = getattr(article, "series_entry", None)
    if entry is not None:
        data["isPartOf"] = series_part(entry, request, series_reads.navigation(entry, now))
    absolute = functools.partial(urljoin, url)
    cited = cite(article.body, article.citations.all())
    shown = images_for(article.lead_image_id, article.body)  # one query, none without pictures
    body = absolute_links(str(expand_figures(str(cited.html), shown)), url)
    data["articleBody"] = {"html": str(sectioned(body).html), "text": plain_text(body)}
    data["hasPart"] = [
        {
            "type": "WebPageElement",
            "position": n,
            "headline": heading,
            "anchor": anchor,
            "url": f"{url}#{anchor}" if anchor else url,
            "html": part_html,
            "text": plain_text(part_html),
        }
        for n, (anchor, heading, part_html) in enumerate(sections(body), start=1)
    ]
    data["citation"] = [
        {
            "number": numbered.number,
            "title": numbered.reference.title,
            "publisher": numbered.reference.source.name if numbered.reference.source_id else None,
            "url": numbered.reference.url or None,
            "doi": numbered.reference.doi or None,
            "pmid": numbered.reference.pmid or None,
            "accessedOn": iso(numbered.reference.accessed_on),
            "anchor": f"ref-{numbered.number}",
        }
        for numbered in cited.references
    ]
    data["funding"] = article.funding or None
    # The lead image shows the library's caption at the top of the page; a body figure the
    # article's own when it wrote one (an image that is both is listed once, as the lead).
    captions = own_captions(article.body)
    data["image"] = [
        image_document(shown[pk], "lead", absolute) if pk == article.lead_image_id
        else image_document(shown[pk], "figure", absolute, captions.get(pk, ""))
        for pk in shown_ids(article.lead_image_id, article.body) if pk in shown
    ]
    data["license"] = license_for(url, dates.last_reviewed_on)
    return data


def tombstone(withdrawal, request):
    """A withdrawn article in the ``modified_since`` feed: take your copy at ``slug`` down."""
    moved = withdrawal.moved_to
    return {
        "type": "Tombstone",
        "slug": withdrawal.slug,
        "headline": withdrawal.title,
        "withdrawnAt": iso(withdrawal.withdrawn_at),
        "reason": withdrawal.reason,
        "movedTo": {
            "slug": moved,
            "url": absolute_url(address("articles:detail", moved), request),
            "apiUrl": api_url(moved, request),
        } if moved else None,
    }
