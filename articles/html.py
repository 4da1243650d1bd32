"""The article body's HTML: one allowlist, one sanitiser, used on every save.

Whatever reaches an article body (the admin editor, an importer, a script) is
cleaned against this allowlist when the row is written, so templates may mark
the stored body safe.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a",
    "blockquote", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

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
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "NoSpellCheck": False,  # the browser's spellcheck stays on in the body (the library turns it off by default)
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html):
    """Return ``html`` reduced to the article body's allowlist ('' for empty markup)."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html).strip()
    if cleaned in {"<p></p>", "<p><br></p>"}:
        return ""
    return cleaned
