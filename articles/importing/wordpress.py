"""Read a WordPress export (WXR) as a stream of authors and posts. Pure: no database here.

The file is parsed incrementally with defusedxml's ``iterparse`` (which refuses
entity declarations, so an "XML bomb" cannot expand in memory) and every item is
dropped from the tree once it has been handed on: a 200 MB export never sits in
memory at once.
"""

import datetime
import email.utils
import html
import re
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse
from django.utils import timezone

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# WordPress writes https://wordpress.org/export/1.2/ today and wrote http:// before; the version
# part names the WXR version. The excerpt namespace is the same with /excerpt/ after it.
_WP_NS = re.compile(r"^https?://wordpress\.org/export/([^/]+)/(excerpt/)?$")
KNOWN_VERSIONS = ("1.0", "1.1", "1.2")

_BLOCK_TAGS = r"p|h[1-6]|ul|ol|table|blockquote|div|figure|pre"
_LEADING_BLOCK = re.compile(rf"^\s*(?:<({_BLOCK_TAGS})\b[^>]*>.*?</\1\s*>|<hr\b[^>]*>)", re.IGNORECASE | re.DOTALL)
_NEXT_BLOCK = re.compile(rf"<(?:{_BLOCK_TAGS}|hr)\b", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:")
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_NO_DATE = {"", "0000-00-00 00:00:00"}

# Block-editor blocks that hold media or embeds: nothing of them can be shown here.
_MEDIA_BLOCK = re.compile(
    r"<!--\s*wp:(embed|core-embed/[\w-]+|video|audio|gallery|file)\b.*?-->.*?<!--\s*/wp:\1\s*-->", re.DOTALL
)
_FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.IGNORECASE | re.DOTALL)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
# Shortcodes: [name attrs], [name attrs]inner[/name]; [[name]] is WordPress's escape for a literal.
# A bare [word] (no attributes, no closing tag) is left alone unless WordPress defines it or it has
# a "_" or "-" (plugin style), so "[sic]" and citation markers like [1] stay text.
_ESCAPED = re.compile(r"\[(\[[^\[\]]+\])\]")
_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)((?:\s[^\]]*)?)\](?:(.*?)\[/\1\])?", re.DOTALL)
_MEDIA_SHORTCODES = {"gallery", "audio", "video", "embed", "playlist", "wp_caption", "caption"}
_CAPTION_ATTRIBUTE = re.compile(r"""\bcaption=(?:"([^"]*)"|'([^']*)')""")


class WXRError(Exception):
    """The file is not a WordPress export we can read; ``line`` when the XML parser knows it."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class WPSite:
    """The exporting site: ``wp:base_site_url`` (posts are identified by their id within it)."""

    base_site_url: str


@dataclass
class WPAuthor:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""

    @property
    def name(self):
        """The name readers should see: the display name, else first and last name, else the login."""
        return self.display_name or " ".join(filter(None, [self.first_name, self.last_name])) or self.login


@dataclass
class WPPost:
    """One ``<item>``: a post, page, attachment, menu item or anything else WordPress exports."""

    post_id: str
    post_type: str
    title: str = ""
    slug: str = ""
    status: str = ""
    content: str = ""
    excerpt: str = ""
    creator: str = ""
    date: datetime.datetime | None = None
    date_problem: str = ""  # the date as written, when it is not a date
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    line: int | None = None  # where the <item> starts in the file
    password_protected: bool = False
    sticky: bool = False
    featured_image: bool = False
    thumbnail_id: str = ""  # the featured image's attachment id (_thumbnail_id)
    attachment_url: str = ""  # an attachment's file as WordPress served it
    attached_file: str = ""  # ... and its path under wp-content/uploads (_wp_attached_file)
    image_alt: str = ""  # an attachment's alt text (_wp_attachment_image_alt)

    def __str__(self):
        return f"{self.post_type or 'post'} {self.post_id} “{self.title or '(no title)'}”"


@dataclass
class Content:
    """A post's body converted for an article: HTML, warnings for what was dropped, images left behind."""

    html: str
    warnings: list[str] = field(default_factory=list)
    missing_images: int = 0


def _split(tag):
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _kind(namespace):
    """'wp', 'excerpt', 'content', 'dc' or '' for an element's namespace; ``WXRError`` for an unknown WXR version."""
    if namespace == CONTENT_NS:
        return "content"
    if namespace == DC_NS:
        return "dc"
    match = _WP_NS.match(namespace)
    if not match:
        return ""
    _check_version(match.group(1))
    return "excerpt" if match.group(2) else "wp"


def _check_version(version):
    if version not in KNOWN_VERSIONS:
        raise WXRError(
            f"This export is WXR version {version}, which this importer does not know "
            f"(it reads {', '.join(KNOWN_VERSIONS)}); nothing was imported from it."
        )


class _ItemLines(TreeBuilder):
    """Builds the tree and notes the line each <item> starts on, which expat knows while reading its tag."""

    def __init__(self):
        super().__init__()
        self.expat = None
        self.lines = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        if tag == "item":
            self.lines[id(element)] = self.expat.CurrentLineNumber
        return element


def read_wxr(source):
    """Yield ``WPSite``, ``WPAuthor`` and ``WPPost`` objects from ``source`` (a path or a binary file), in file order.

    Raises ``WXRError`` for a file that is not well-formed XML or breaks off (with
    the line), declares entities, is not a WordPress export, or is a WXR version
    this reader does not know. Every child of <channel> is dropped once read, and
    everything outside <channel> as soon as it ends, so memory stays flat however
    large the file.
    """
    open_elements = []  # from <rss> down to the element being read
    channel = None
    builder = _ItemLines()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        for event, element in iterparse(source, events=("start", "end"), parser=parser):
            if event == "start":
                if not open_elements and _split(element.tag)[1] != "rss":
                    raise WXRError("This is not a WordPress export (WXR): it does not start with <rss>.", 1)
                if len(open_elements) == 1 and channel is None and _split(element.tag)[1] == "channel":
                    channel = element
                open_elements.append(element)
                continue
            open_elements.pop()
            if not open_elements:
                continue  # </rss>
            parent = open_elements[-1]
            if parent is channel:
                yield from _read_channel_child(element, builder)
                builder.lines.pop(id(element), None)
                channel.remove(element)
            elif len(open_elements) < 2 or open_elements[1] is not channel:
                # Outside <channel>: nothing there is ours; let it go now, at any depth.
                builder.lines.pop(id(element), None)
                parent.remove(element)
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        if "no element found" in str(error) or "unclosed token" in str(error):
            raise WXRError(f"The file breaks off before its end (truncated?): {error}.", line) from None
        raise WXRError(f"The file is not well-formed XML ({error}).", line) from None
    except DefusedXmlException:
        raise WXRError("The file declares XML entities or a DTD, which are refused for safety.") from None
    if channel is None:
        raise WXRError("This is not a WordPress export (WXR): there is no <channel>.")


def _read_channel_child(element, builder):
    namespace, local = _split(element.tag)
    kind = _kind(namespace)
    if local == "item":
        post = _read_item(element)
        post.line = builder.lines.get(id(element))
        yield post
    elif kind == "wp" and local == "author":
        yield _read_author(element)
    elif kind == "wp" and local == "wxr_version":
        _check_version((element.text or "").strip())
    elif kind == "wp" and local == "base_site_url":
        yield WPSite(base_site_url=(element.text or "").strip().rstrip("/"))


def _children(element):
    """{(kind, local name): text} for an item's simple children; kind is 'wp', 'content', 'excerpt', 'dc' or ''."""
    values = {}
    for child in element:
        namespace, local = _split(child.tag)
        values.setdefault((_kind(namespace), local), (child.text or "").strip() if local != "encoded" else (child.text or ""))
    return values


def _read_author(element):
    values = _children(element)
    return WPAuthor(
        login=values.get(("wp", "author_login"), ""),
        email=values.get(("wp", "author_email"), ""),
        display_name=values.get(("wp", "author_display_name"), ""),
        first_name=values.get(("wp", "author_first_name"), ""),
        last_name=values.get(("wp", "author_last_name"), ""),
    )


def _read_item(element):
    values = _children(element)
    date, date_problem = _read_date(values)
    post = WPPost(
        post_id=values.get(("wp", "post_id"), "?"),
        post_type=values.get(("wp", "post_type"), "post"),
        title=plain_text(values.get(("", "title"), "")),
        slug=unquote(values.get(("wp", "post_name"), "")),
        status=values.get(("wp", "status"), ""),
        content=values.get(("content", "encoded"), ""),
        excerpt=values.get(("excerpt", "encoded"), ""),
        creator=values.get(("dc", "creator"), ""),
        date=date,
        date_problem=date_problem,
        password_protected=bool(values.get(("wp", "post_password"), "")),
        sticky=values.get(("wp", "is_sticky"), "0") == "1",
        attachment_url=values.get(("wp", "attachment_url"), ""),
    )
    for child in element:
        namespace, local = _split(child.tag)
        if (namespace, local) == ("", "category"):
            name = plain_text(child.text or "")
            domain = child.get("domain", "")
            if name and domain == "category":
                post.categories.append(name)
            elif name and domain in {"post_tag", "tag"}:  # WXR 1.0 wrote "tag"
                post.tags.append(name)
        elif local == "postmeta" and _kind(namespace) == "wp":
            meta = _children(child)
            key, value = meta.get(("wp", "meta_key")), meta.get(("wp", "meta_value")) or ""
            if key == "_thumbnail_id" and value:
                post.featured_image = True
                post.thumbnail_id = value.strip()
            elif key == "_wp_attached_file":
                post.attached_file = value.strip()
            elif key == "_wp_attachment_image_alt":
                post.image_alt = plain_text(value)
    return post


def _read_date(values):
    """(date, problem): GMT when WordPress knows it, else the site-local date, else the RSS pubDate.

    An unset date ("0000-00-00 00:00:00", as drafts have) is (None, ""); a date that is
    written but is not one is (None, <the text>), for the report.
    """
    gmt = values.get(("wp", "post_date_gmt"), "")
    local = values.get(("wp", "post_date"), "")
    for text, aware in ((gmt, True), (local, False)):
        if text in _NO_DATE:
            continue
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None, text
        return (parsed.replace(tzinfo=datetime.UTC) if aware else timezone.make_aware(parsed)), ""
    pub_date = values.get(("", "pubDate"), "")
    try:
        parsed = email.utils.parsedate_to_datetime(pub_date) if pub_date else None
    except (TypeError, ValueError):
        return None, ""  # WordPress writes "Mon, 30 Nov -0001" for undated drafts
    if parsed is None:
        return None, ""
    return (parsed if parsed.tzinfo else timezone.make_aware(parsed)), ""


def plain_text(value):
    """Markup and entities removed, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", value or "")).split())


def convert_content(content, images=None):
    """A post's ``content:encoded`` as article HTML (not yet sanitised), with what was dropped.

    Block-editor comments (``<!-- wp:paragraph -->``, ``<!--more-->``) go and their HTML
    stays; ``[caption]`` and block-editor figures keep their caption text as a paragraph
    and count their image as missing (articles hold no images yet); media and embed
    blocks, ``[gallery]``, ``[audio]``, ``[video]``, ``[embed]``, ``[playlist]`` and
    shortcodes nobody here knows are removed with a warning. Then WordPress's own
    paragraphs are added to classic-editor posts (:func:`autop`).

    With ``images`` (``importing.wordpress_media.UploadsLibrary``: ``find(img_tag)`` gives the
    library image an ``<img>`` shows, or None), a ``[caption]``, a block-editor figure or a loose
    ``<img>`` whose picture was imported becomes ``<figure data-image="ID">`` with its caption;
    the rest still count as missing.
    """

    def library_figure(img_tags, words):
        image = images.find(img_tags[0]) if images is not None and img_tags else None
        if image is None:
            return None
        caption = f"<figcaption>{html.escape(words)}</figcaption>" if words else ""
        return f'\n\n<figure data-image="{image.pk}">{caption}</figure>\n\n'

    result = Content(html="")
    text = (content or "").replace("\r\n", "\n")
    # WordPress adds paragraphs only to classic-editor posts; block-editor markup is complete HTML.
    blocks = _BLOCK_COMMENT.search(text) is not None

    def media_block(match):
        result.warnings.append(f"{match.group(1).split('/')[-1]} block removed (media and embeds are not imported)")
        result.missing_images += len(_IMG.findall(match.group(0)))
        return "\n\n"

    text = _MEDIA_BLOCK.sub(media_block, text)
    text = _COMMENT.sub("", text)
    text = _ESCAPED.sub(lambda match: match.group(1).replace("[", "&#91;", 1), text)

    def shortcode(match):
        name, attributes, inner = match.group(1), match.group(2), match.group(3)
        lowered = name.lower()
        if lowered in {"caption", "wp_caption"}:
            caption = _CAPTION_ATTRIBUTE.search(attributes or "")
            words = plain_text(caption.group(1) or caption.group(2)) if caption else plain_text(_IMG.sub("", inner or ""))
            found = library_figure(_IMG.findall(inner or ""), words)
            if found:
                return found
            result.missing_images += max(1, len(_IMG.findall(inner or "")))
            return f"\n\n<p>{html.escape(words)}</p>\n\n" if words else "\n\n"
        if lowered in _MEDIA_SHORTCODES:
            result.warnings.append(f"[{lowered}] removed (media and embeds are not imported)")
            return ""
        if not attributes and inner is None and "_" not in name and "-" not in name:
            return match.group(0)  # "[sic]", "[Editor's note]": text, not a shortcode
        result.warnings.append(f"unknown shortcode [{name}] removed" + (", its text kept" if inner else ""))
        return inner or ""

    text = _SHORTCODE.sub(shortcode, text)
    text = text.replace("&#91;", "[")

    def figure(match):
        inner = match.group(1)
        caption = _FIGCAPTION.search(inner)
        found = library_figure(_IMG.findall(inner), plain_text(caption.group(1)) if caption else "")
        if found:
            return found
        images = len(_IMG.findall(inner))
        result.missing_images += images
        inner = _FIGCAPTION.sub(lambda caption: f"<p>{caption.group(1).strip()}</p>", _IMG.sub("", inner))
        if images and not plain_text(inner):
            return "\n\n"
        return f"\n\n{inner.strip()}\n\n"

    # Library figures made above are kept as they are (they have no <img> left to find).
    text = _FIGURE.sub(lambda match: match.group(0) if "data-image=" in match.group(0)[:40] else figure(match), text)

    def loose(match):
        found = library_figure([match.group(0)], "")
        if found:
            return found
        result.missing_images += 1
        return ""

    text = _IMG.sub(loose, text)
    result.html = re.sub(r"\n\s*\n", "\n", _H1.sub(r"<\1h2", text)).strip() if blocks else autop(text)
    return result


def first_sentences(text, limit):
    """Whole sentences from the start of ``text`` that fit in ``limit`` characters (else its words, cut)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


def autop(content):
    """WordPress's paragraphs: text between block elements becomes <p>, single line breaks <br>.

    WordPress stores classic-editor posts without <p> tags and adds them when it
    displays a post. Block elements are kept as they are (an <h1>, which article
    bodies do not allow, becomes an <h2>); comments are dropped.
    """
    content = _COMMENT.sub("", content or "").replace("\r\n", "\n")
    content = _H1.sub(r"<\1h2", content)
    parts = []
    for block in re.split(r"\n\s*\n", content):
        rest = block.strip()
        while rest:
            element = _LEADING_BLOCK.match(rest)
            if element:
                parts.append(element.group(0).strip())
                rest = rest[element.end():].strip()
                continue
            following = _NEXT_BLOCK.search(rest)
            text, rest = (rest[: following.start()], rest[following.start():]) if following else (rest, "")
            if text.strip():
                parts.append("<p>" + text.strip().replace("\n", "<br>\n") + "</p>")
            if rest and not _LEADING_BLOCK.match(rest):
                parts.append(rest)  # a block tag that is never closed: leave it to the sanitiser
                rest = ""
    return "\n".join(parts)
