"""The article body's HTML: one allowlist, one sanitiser, used on every save.

Whatever reaches an article body (the admin editor, an importer, a script) is
cleaned against this allowlist when the row is written, so templates may mark
the stored body safe.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a",
    "blockquote", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "caption", "aside",
    "figure", "figcaption",  # a library image by reference: <figure data-image="ID"> (docs/media.md)
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "figure": {"data-image"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# The editor's callout block (articles/static/articles/admin/editor-extensions.js): an <aside>
# of one of these kinds, and no other class anywhere.
CALLOUT_KINDS = {"warning": "When to call your doctor", "key-points": "Key points"}
ALLOWED_CLASSES = {"aside": {"callout", *(f"callout-{kind}" for kind in CALLOUT_KINDS)}}

# The rich-text editor offers exactly what the sanitiser keeps.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Superscript": True,
    "Subscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,  # with a header row by default (editor-extensions.js)
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "Callout": True,  # registered in settings.DJANGO_PROSE_EDITOR_EXTENSIONS
    "LibraryFigure": True,  # a media library image by reference (articles/media, docs/media.md)
    "NoSpellCheck": False,  # the browser's spellcheck stays on in the body (the library turns it off by default)
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def callout_allowlist(config, shared_config):
    """django-prose-editor's allowlist processor for the callout block (the same tags and classes as above)."""
    shared_config.setdefault("tags", set()).add("aside")
    classes = shared_config.setdefault("allowed_classes", {})
    classes.setdefault("aside", set()).update(ALLOWED_CLASSES["aside"])


def figure_allowlist(config, shared_config):
    """django-prose-editor's allowlist processor for a library figure: <figure data-image> and its caption."""
    shared_config.setdefault("tags", set()).update({"figure", "figcaption"})
    shared_config.setdefault("attributes", {}).setdefault("figure", set()).add("data-image")


def sanitize_html(html):
    """Return ``html`` reduced to the article body's allowlist ('' for empty markup)."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html).strip()
    if cleaned in {"<p></p>", "<p><br></p>"}:
        return ""
    return cleaned
