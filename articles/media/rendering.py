"""What pages show of library images: ``<picture>`` elements with their renditions, a body's
``<figure data-image="ID">`` references expanded, and the schema.org ``ImageObject``.

The article page reads every image it shows in one query (:func:`images_for`), whatever their
number; rendering then names stored renditions and makes none.
"""

import functools
import html

from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from markupsafe import Markup

from . import processing
from .models import WHOLE_FIGURE, Image, own_caption, shown_ids
from .reads import images_by_id

# The body column (site.css: `.wrap`, 42rem less 1rem of padding each side) is 40rem wide; narrower
# screens give it the width less that padding. tests/browser/test_media_journey.py measures it.
BODY_SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"


@functools.lru_cache(maxsize=50_000)
def storage_url(name):
    """The public URL of a stored name. Remembered: a storage's URL for a name does not change
    while the settings do not, and asking the storage is not free (a page with 11 pictures names
    140 renditions)."""
    return default_storage.url(name) if name else ""


@receiver(setting_changed, dispatch_uid="vetted-media-urls")
def _forget_urls(sender, setting, **kwargs):
    if setting in {"MEDIA_URL", "STORAGES", "MEDIA_ROOT"}:
        storage_url.cache_clear()
        _FIGURES.clear()


def images_for(lead_image_id=None, body="", more=()):
    """{id: Image} for an article's lead image and body figures, and ``more`` ids (its reviewer's
    portrait): one query, none when it has no image."""
    return images_by_id([*shown_ids(lead_image_id, body), *(pk for pk in more if pk)])


def _srcset(rows):
    return ", ".join(f"{storage_url(name)} {width}w" for width, _height, name in rows)


def picture(image, *, sizes=BODY_SIZES, eager=False, css_class=""):
    """The ``<picture>`` for ``image``: AVIF and WebP sources, the JPEG or PNG fallback, ``width``
    and ``height`` (no layout shift), ``loading="lazy"`` unless ``eager`` (the first screen)."""
    renditions = image.renditions or {}
    all_sizes = renditions.get("sizes") or {}
    fallback_rows = all_sizes.get(renditions.get("fallback", "JPEG")) or []
    if not fallback_rows:
        return Markup("")
    largest_width, largest_height, _ = fallback_rows[-1]
    default = next((row for row in fallback_rows if row[0] >= 640), fallback_rows[-1])
    sources = "".join(
        f'<source type="{processing.MIME[fmt]}" srcset="{html.escape(_srcset(rows))}" sizes="{sizes}">'
        for fmt, rows in all_sizes.items() if fmt != renditions.get("fallback") and rows
    )
    alt = "" if image.decorative else image.alt_text
    loading = 'fetchpriority="high"' if eager else 'loading="lazy"'
    attrs = f' class="{css_class}"' if css_class else ""
    return Markup(
        f"<picture>{sources}"
        f'<img src="{html.escape(storage_url(default[2]))}" srcset="{html.escape(_srcset(fallback_rows))}" sizes="{sizes}"'
        f' width="{largest_width}" height="{largest_height}" alt="{html.escape(alt)}" {loading} decoding="async"{attrs}>'
        "</picture>"
    )


# Figures as rendered, by image and its last change: a page shows the same pictures request after
# request, and building one (14 rendition URLs) costs more than the rest of its share of the page.
_FIGURES = {}
_FIGURES_MAX = 20_000


def figure(image, *, eager=False, css_class="figure", caption_text=None):
    """A ``<figure>`` with the picture, its caption (``caption_text`` when the article gives its
    own, else the library's) and credit; a decorative picture has neither. Remembered per process
    until the image changes (its text, or ``updated_at``, which every save and new rendition moves)
    or the storage settings do."""
    pk = image.pk
    key = (pk, image.updated_at, image.alt_text, image.decorative, image.caption, image.credit,
           eager, css_class, caption_text)
    found = _FIGURES.get(key) if pk else None
    if found is None:
        found = _build_figure(image, eager=eager, css_class=css_class, caption_text=caption_text)
        if pk:
            if len(_FIGURES) >= _FIGURES_MAX:
                _FIGURES.clear()
            _FIGURES[key] = found
    return found


def _build_figure(image, *, eager, css_class, caption_text):
    caption = ""
    text = image.caption if caption_text is None else caption_text
    if not image.decorative and (text or image.credit):
        credit = f'<span class="figure-credit">{html.escape(image.credit)}</span>' if image.credit else ""
        text = html.escape(text)
        caption = f"<figcaption>{text}{' ' if text and credit else ''}{credit}</figcaption>"
    return Markup(f'<figure class="{css_class}">{picture(image, eager=eager)}{caption}</figure>')


def expand_figures(body, images):
    """The body with each ``<figure data-image="ID">…</figure>`` replaced by the library image's
    figure (``images`` from :func:`images_for`); a reference to a deleted image shows nothing.
    A ``<figcaption>`` written in the body is the article's own caption for it."""
    if "data-image" not in body:
        return body
    safe = hasattr(body, "__html__")  # the page's body, sanitised on save and marked safe: it stays so

    def replace(match):
        image = images.get(int(match.group(1)))
        if image is None:
            return ""
        return figure(image, caption_text=own_caption(match.group(0)) or None)  # a str already (Markup): no copy

    expanded = WHOLE_FIGURE.sub(replace, str(body))
    return Markup(expanded) if safe else expanded


def social_url(image):
    """The 1200 × 630 crop for ``og:image`` and ``twitter:image`` ('' when there is none)."""
    return storage_url((image.renditions or {}).get("social", ""))


def image_object(image, absolute):
    """schema.org ``ImageObject`` for structured data; ``absolute`` turns a path into a full URL."""
    rows = (image.renditions or {}).get("sizes", {}).get((image.renditions or {}).get("fallback", "JPEG"), [])
    width, height, name = rows[-1] if rows else (image.width, image.height, image.file.name)
    url = absolute(storage_url(name))
    data = {
        "@type": "ImageObject",
        "contentUrl": url,
        "url": url,
        "width": width,
        "height": height,
        "caption": image.caption or None,
        "description": image.alt_text or None,
        "creditText": image.credit or None,
        "license": image.licence_url or LICENCE_URLS.get(image.licence),
        "acquireLicensePage": image.licence_url or (image.source_url if image.licence == Image.Licence.LICENSED else None),
    }
    return {key: value for key, value in data.items() if value not in (None, "")}


LICENCE_URLS = {
    Image.Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Image.Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Image.Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Image.Licence.PUBLIC_DOMAIN: "https://creativecommons.org/publicdomain/mark/1.0/",
}



def page_context(article, absolute, more=()):
    """Read the images an article page shows (one query, none without images), keep them on the
    article as ``page_images`` (the body's figures, the review fingerprint and the structured data
    use them) and return the template's ``lead_image`` and ``share_image`` (an absolute URL).
    ``more``: other images the page names, read in the same query (the reviewer's portrait).

    An article whose page read brought its pictures already (``article.shown_images``, {id: Image}:
    the public page on PostgreSQL, from its ``ImageUse`` rows) takes them from there, and reads
    only an image it names that is not among them (a figure whose image was deleted, or a use
    not recorded): no query when they are all there."""
    wanted = [*shown_ids(article.lead_image_id, article.body), *(pk for pk in more if pk)]
    shown = getattr(article, "shown_images", None)
    if shown is None:
        article.page_images = images_by_id(wanted)
    else:
        article.page_images = {pk: shown[pk] for pk in wanted if pk in shown}
        missing = [pk for pk in wanted if pk not in shown]
        if missing:
            article.page_images.update(images_by_id(missing))
    lead = article.page_images.get(article.lead_image_id) if article.lead_image_id else None
    social = social_url(lead) if lead else ""
    return {"lead_image": lead, "share_image": absolute(social) if social else ""}
