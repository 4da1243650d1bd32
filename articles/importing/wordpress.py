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
WP_NS_PREFIX = "http://wordpress.org/export/"  # 1.0, 1.1 and 1.2 differ only in the version part

_BLOCK_TAGS = r"p|h[1-6]|ul|ol|table|blockquote|div|figure|pre"
_LEADING_BLOCK = re.compile(rf"^\s*(?:<({_BLOCK_TAGS})\b[^>]*>.*?</\1\s*>|<hr\b[^>]*>)", re.IGNORECASE | re.DOTALL)
_NEXT_BLOCK = re.compile(rf"<(?:{_BLOCK_TAGS}|hr)\b", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
# WordPress's own shortcodes; an embed or gallery means nothing outside WordPress. [1]-style markers stay.
_SHORTCODE = re.compile(r"\[/?(?:caption|gallery|audio|video|embed|playlist)\b[^\]]*\]", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_NO_DATE = {"", "0000-00-00 00:00:00"}


class WXRError(Exception):
    """The file is not a WordPress export we can read; ``line`` when the XML parser knows it."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class WPAuthor:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WPPost:
    """One ``<item>``: a post, page, attachment or anything else WordPress exports."""

    post_id: str
    post_type: str
    title: str = ""
    slug: str = ""
    status: str = ""
    content: str = ""
    excerpt: str = ""
    creator: str = ""
    date: datetime.datetime | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    line: int | None = None  # where the <item> starts in the file
    password_protected: bool = False

    def __str__(self):
        return f"post {self.post_id} “{self.title or '(no title)'}”"


def _split(tag):
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _is_wp(namespace):
    return namespace.startswith(WP_NS_PREFIX) and not namespace.endswith("/excerpt/")


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
    """Yield ``WPAuthor`` and ``WPPost`` objects from ``source`` (a path or a binary file), in file order.

    Raises ``WXRError`` for a file that is not well-formed XML (with the line),
    declares entities, or is not a WordPress export.
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
            if channel is None or not open_elements or open_elements[-1] is not channel:
                continue
            namespace, local = _split(element.tag)
            if local == "item":
                post = _read_item(element)
                post.line = builder.lines.pop(id(element), None)
                yield post
            elif local == "author" and _is_wp(namespace):
                yield _read_author(element)
            # Done with this child of <channel>: let it go.
            channel.remove(element)
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise WXRError(f"The file is not well-formed XML ({error}).", line) from None
    except DefusedXmlException:
        raise WXRError("The file declares XML entities or a DTD, which are refused for safety.") from None
    if channel is None:
        raise WXRError("This is not a WordPress export (WXR): there is no <channel>.")


def _children(element):
    """{(kind, local name): text} for an item's simple children; kind is 'wp', 'content', 'excerpt', 'dc' or ''."""
    values = {}
    for child in element:
        namespace, local = _split(child.tag)
        if namespace == CONTENT_NS:
            kind = "content"
        elif namespace.startswith(WP_NS_PREFIX):
            kind = "excerpt" if namespace.endswith("/excerpt/") else "wp"
        elif namespace == DC_NS:
            kind = "dc"
        else:
            kind = ""
        values.setdefault((kind, local), (child.text or "").strip() if local != "encoded" else (child.text or ""))
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
    post = WPPost(
        post_id=values.get(("wp", "post_id"), "?"),
        post_type=values.get(("wp", "post_type"), "post"),
        title=plain_text(values.get(("", "title"), "")),
        slug=unquote(values.get(("wp", "post_name"), "")),
        status=values.get(("wp", "status"), ""),
        content=values.get(("content", "encoded"), ""),
        excerpt=values.get(("excerpt", "encoded"), ""),
        creator=values.get(("dc", "creator"), ""),
        date=_read_date(values),
        password_protected=bool(values.get(("wp", "post_password"), "")),
    )
    for child in element:
        if _split(child.tag) == ("", "category"):
            name = plain_text(child.text or "")
            domain = child.get("domain", "")
            if name and domain == "category":
                post.categories.append(name)
            elif name and domain == "post_tag":
                post.tags.append(name)
    return post


def _read_date(values):
    """The post's date: GMT when WordPress knows it, else the site-local date, else the RSS pubDate."""
    gmt = values.get(("wp", "post_date_gmt"), "")
    local = values.get(("wp", "post_date"), "")
    try:
        if gmt not in _NO_DATE:
            return datetime.datetime.fromisoformat(gmt).replace(tzinfo=datetime.UTC)
        if local not in _NO_DATE:
            return timezone.make_aware(datetime.datetime.fromisoformat(local))
    except ValueError:
        pass
    pub_date = values.get(("", "pubDate"), "")
    try:
        parsed = email.utils.parsedate_to_datetime(pub_date) if pub_date else None
    except (TypeError, ValueError):
        parsed = None
    return parsed if parsed is None or parsed.tzinfo else timezone.make_aware(parsed)


def plain_text(value):
    """Markup and entities removed, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", value or "")).split())


def autop(content):
    """WordPress's paragraphs: text between block elements becomes <p>, single line breaks <br>.

    WordPress stores classic-editor posts without <p> tags and adds them when it
    displays a post. Block elements are kept as they are (an <h1>, which article
    bodies do not allow, becomes an <h2>); block-editor comments and WordPress's
    media shortcodes ([caption], [gallery] ...) are dropped, keeping a caption's text.
    """
    content = _SHORTCODE.sub("", _COMMENT.sub("", content or "")).replace("\r\n", "\n")
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
