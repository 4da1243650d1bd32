"""Citation markers: rendering in the body, back-links in the reference list, and the editor's warnings."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from references.markers import (
    _text_segments,
    citation_problems,
    render_markers,
    renumber_markers,
    renumbering,
    unknown_markers,
    unused_citations,
)


def test_marker_becomes_superscript_link_with_screen_reader_text():
    """[1] renders as a superscript "1" linking to #ref-1, read aloud as "reference 1"."""
    html = render_markers("<p>Surgery comes first.[1]</p>", 1).html
    assert html == (
        '<p>Surgery comes first.<sup class="citation"><a href="#ref-1" id="cite-1-1" class="citation-link">'
        '<span class="visually-hidden">reference </span>1</a></sup></p>'
    )


def test_adjacent_markers_share_one_superscript_with_a_separator():
    """[2][3] shows as "2,3" rather than a misleading "23"."""
    html = render_markers("<p>Claim.[2][3]</p>", 3).html
    assert html.count("<sup") == 1
    assert 'href="#ref-2"' in html and 'href="#ref-3"' in html
    assert '<span class="citation-separator" aria-hidden="true">,</span>' in html


def test_each_use_gets_its_own_id_and_back_links_are_lettered():
    """A reference cited twice gets anchors cite-1-1 and cite-1-2 and back-links a, b."""
    rendered = render_markers("<p>One.[1] Two.[2]</p><ul><li>Three.[1]</li></ul>", 2)
    assert re.findall(r'id="(cite-[\d-]+)"', rendered.html) == ["cite-1-1", "cite-2-1", "cite-1-2"]
    assert rendered.backlinks(1) == [("cite-1-1", "a"), ("cite-1-2", "b")]
    assert rendered.backlinks(2) == [("cite-2-1", "")]
    assert rendered.backlinks(3) == []


@pytest.mark.parametrize(
    "body",
    [
        '<p><a href="https://example.org">see [1]</a></p>',
        "<h2>Treatment [1]</h2>",
        "<h3>Side effects [1]</h3>",
        "<p>[citation needed]</p>",
        "<p>[one]</p>",
        "<p>[1, 2]</p>",
    ],
)
def test_markers_in_links_headings_and_non_numbers_stay_text(body):
    """Nothing but a bracketed number in running text becomes a link."""
    assert render_markers(body, 2).html == body


def test_text_after_a_link_or_heading_gets_markers_again():
    html = render_markers('<h2>A [1]</h2><p><a href="https://x.example">x</a> claim [1]</p>', 1).html
    assert html.count('href="#ref-1"') == 1
    assert "<h2>A [1]</h2>" in html


def test_unknown_marker_is_left_as_typed_and_reported():
    """[4] with three citations is not linked, and is the one unknown marker."""
    body = "<p>Claim.[4] Other.[1][4]</p>"
    assert "#ref-4" not in render_markers(body, 3).html
    assert unknown_markers(body, 3) == [4]
    assert unknown_markers("<p>[0]</p>", 3) == [0]


def test_unused_citations_are_those_no_marker_cites():
    body = "<p>A.[1] B.[3]</p><h2>Heading [2]</h2>"
    assert unused_citations(body, 4) == [2, 4]


def test_citation_problems_block_on_unknown_and_warn_on_unused_and_lookalikes():
    """An unknown marker blocks publishing; unused citations and "[1, 2]" only warn."""
    problems = citation_problems("<p>A.[1] B.[5] C [1, 2].</p>", 2)
    assert problems.blockers == ["The body cites [5], but the article has 2 citations. Add the citation or correct the marker."]
    assert problems.warnings == [
        "No marker in the body cites reference 2.",
        "“[1, 2]” is shown as plain text; write each number in its own brackets, e.g. [1][2].",
    ]
    assert not citation_problems("<p>A.[1][2]</p>", 2)


def test_body_without_citations_and_markers_has_no_problems():
    assert not citation_problems("<p>Plain text.</p>", 0)
    assert citation_problems("<p>Claim.[1]</p>", 0).blockers == [
        "The body cites [1], but the article has no citations. Add the citation or correct the marker."
    ]


def test_attributes_and_entities_pass_through_unchanged():
    """Only text is rewritten: an attribute containing [1] or an escaped bracket is untouched."""
    body = '<p><a href="https://x.example/?q=[1]" title="[1] &gt; x">link</a> &amp; [1]</p>'
    html = render_markers(body, 1).html
    assert html.startswith('<p><a href="https://x.example/?q=[1]" title="[1] &gt; x">link</a> &amp;<sup')





@pytest.mark.django_db
def test_article_page_links_markers_and_shows_back_links(client, make):
    """On the page, markers follow citation order and the references link back to each use."""
    article = make.article(slug="cited", body="<p>First claim.[1] Second claim.[2][1]</p><h2>More [2]</h2>")
    make.cite(article, make.reference(title="Later position"), position=7)
    make.cite(article, make.reference(title="Earlier position"), position=3)

    page = client.get("/articles/cited/").text

    # Position 3 is reference 1 on the page, position 7 is reference 2.
    assert re.search(r'<li id="ref-1">.*Earlier position', page)
    assert re.search(r'<li id="ref-2">.*Later position', page)
    assert page.count('href="#ref-1"') == 2 and page.count('href="#ref-2"') == 1
    assert '<span class="visually-hidden">reference </span>1</a>' in page
    assert '<a href="#cite-1-1"><span class="visually-hidden">back to citation </span>a</a>' in page
    assert '<a href="#cite-1-2"><span class="visually-hidden">back to citation </span>b</a>' in page
    assert '<a href="#cite-2-1"><span aria-hidden="true">↩</span>' in page
    assert '<h2 id="section-more-2">More [2]</h2>' in page


@pytest.mark.django_db
def test_article_page_with_markers_keeps_a_constant_query_count(client, make, django_assert_num_queries):
    """Rendering markers and back-links reads only the prefetched citations."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(slug, n):
        article = make.article(slug=slug, body="<p>" + "".join(f"Claim {i}.[{i}]" for i in range(1, n + 1)) + "</p>")
        for i in range(n):
            make.cite(article, make.reference(source=make.source()), position=i + 1)

    build("one", 1)
    build("many", 25)
    with CaptureQueriesContext(connection) as one:
        client.get("/articles/one/")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/articles/many/").text
    assert page.count('class="citation-link"') == 25


@pytest.mark.django_db
def test_article_citation_problems_count_its_saved_citations(make):
    """The article method the publishing rules use sees the body and the stored citations."""
    article = make.article(body="<p>A.[1] B.[2]</p>")
    make.cite(article)
    assert article.citation_problems().blockers and "[2]" in article.citation_problems().blockers[0]
    make.cite(article)
    assert not article.citation_problems()


def test_marker_the_editor_already_made_superscript_is_not_shrunk_twice():
    html = render_markers("<p>Claim.<sup>[1]</sup></p>", 1).html
    assert html.startswith('<p>Claim.<sup><span class="citation"><a href="#ref-1"')
    assert html.count("<sup") == 1


def test_a_linked_marker_takes_the_space_before_it_and_an_unknown_one_keeps_it():
    """"treatment [1]." renders as "treatment¹." so the marker never wraps onto a line alone."""
    assert render_markers("<p>treatment [1].</p>", 1).html.startswith('<p>treatment<sup class="citation">')
    assert render_markers("<p>treatment&nbsp;[1].</p>", 1).html.startswith('<p>treatment<sup class="citation">')
    assert render_markers("<p>treatment [2].</p>", 1).html == "<p>treatment [2].</p>"


def test_renumbering_maps_moved_and_removed_citations():
    """Old numbers map to the new numbers of the same citations; removed ones to None; unchanged ones are left out."""
    assert renumbering(["a", "b", "c"], ["b", "a", "c"]) == {1: 2, 2: 1}
    assert renumbering(["a", "b", "c"], ["a", "c"]) == {2: None, 3: 2}
    assert renumbering(["a", "b"], ["a", "b", "new"]) == {}


def test_renumber_markers_rewrites_all_at_once_and_only_real_markers():
    body = '<p>x[1][2] y[3]</p><h2>[1]</h2><p><a href="https://e.example">[2]</a></p>'
    assert renumber_markers(body, {1: 2, 2: 1}) == (
        '<p>x[2][1] y[3]</p><h2>[1]</h2><p><a href="https://e.example">[2]</a></p>'
    )


# Text rich in what the marker walk decides on: tags that open and close links, headings and
# superscripts, comments and attributes holding markers, spaces and &nbsp; before markers, and "<"
# with no ">" after it.
_BODY_PIECES = st.lists(
    st.sampled_from([
        *"12 .;[]<>/ah\t\u00a0&", "&nbsp;", "&amp;nbsp;", "[1]", "[2]", "[3]", "[12]", "[12345]", " [1][2]",
        "<a>", "</a>", "<a/>", "< /a>", '<a\nhref="x">', "<h2>", "</h2>", "<h1 >", "<h7>", "<sup>", "</sup>",
        "<SUP>", "</ sup >", '<img alt="x [1]">', "<!-- [1] -->", "<p>", "</p>", "<abbr>", "</abbr>", "<br/>",
    ]),
    max_size=40,
).map("".join)


# What render_markers() links: a run of markers, with the spaces (and &nbsp;) before it.
_SPACED_MARKER_RUN_RE = re.compile(r"(?:[ \t\u00a0]|&nbsp;)*(?:\[\d{1,4}\])+")


def _rendered_piece_by_piece(body, count):
    """What ``render_markers`` must write, worked out the slow way: each text piece between the tags
    that ``_text_segments`` reads, with ``_SPACED_MARKER_RUN_RE`` run over it."""
    anchors, pieces = {}, []

    def replace(match, in_sup):
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", match.group(0))]
        if not all(1 <= n <= count for n in numbers):
            return match.group(0)
        links = []
        for n in numbers:
            anchors.setdefault(n, []).append(f"cite-{n}-{len(anchors.get(n, [])) + 1}")
            links.append(
                f'<a href="#ref-{n}" id="{anchors[n][-1]}" class="citation-link">'
                f'<span class="visually-hidden">reference </span>{n}</a>'
            )
        joined = '<span class="citation-separator" aria-hidden="true">,</span>'.join(links)
        return f'<span class="citation">{joined}</span>' if in_sup else f'<sup class="citation">{joined}</sup>'

    for text, linkable, in_sup in _text_segments(body, track_sup=True):
        pieces.append(_SPACED_MARKER_RUN_RE.sub(lambda m, in_sup=in_sup: replace(m, in_sup), text) if linkable else text)
    return "".join(pieces), anchors


@settings(max_examples=2000, deadline=None)
@given(st.one_of(_BODY_PIECES, st.text()), st.integers(min_value=0, max_value=13))
def test_the_one_walk_renders_what_the_text_pieces_would(body, count):
    """``render_markers`` walks the body once for speed (it runs on every article view); it must
    link exactly the runs, with exactly the ids, that reading it piece by piece gives."""
    rendered = render_markers(body, count)
    assert (rendered.html, rendered.anchors) == _rendered_piece_by_piece(body, count)
