"""Issue 22, section 5: details of the public pages a reader notices."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.workflow import rules as workflow

pytestmark = pytest.mark.django_db

BODY = (
    "<h2>What is triple-negative breast cancer?</h2>"
    "<p>Triple-negative breast cancer [1] is a type of breast cancer [1][2]. It can spread to the brain [2].</p>"
    "<h2>Treatment <em>options</em></h2>"
    "<p>Surgery and chemotherapy are the main treatments for triple-negative breast cancer in most people. "
    + "Radiotherapy may follow surgery to lower the chance of the cancer coming back in the breast. " * 6
    + "</p>"
)


@pytest.fixture
def cited(make):
    article = make.article(title="Triple-negative breast cancer", body=BODY)
    make.cite(article)
    make.cite(article)
    return article


def _snippet(client, query):
    response = client.get("/search/", {"q": query})
    return re.search(r'<p class="snippet">(.*?)</p>', response.text, re.S).group(1)


def test_series_lists_do_not_repeat_the_label_the_title_starts_with(client, make):
    """"Stage 4 Stage 4 Breast…" reads "Stage 4 Breast…"; a label the title lacks is still shown."""
    series = make.series(title="Treatment by stage")
    four = make.article(title="Stage 4 Breast Cancer Treatment Options")
    extra = make.article(title="Living with advanced cancer")
    make.series_entry(series, four, 1, label="Stage 4")
    make.series_entry(series, extra, 2, label="Part 2")
    page = client.get(series.get_absolute_url()).text
    assert "Stage 4 Stage 4" not in re.sub(r"<[^>]+>|\s+", " ", page).replace("  ", " ")
    assert '<span class="nav-label">Part 2</span> Living with advanced cancer' in page
    article_page = client.get(extra.get_absolute_url()).text
    assert 'aria-label="Previous: Stage 4 Breast Cancer Treatment Options"' in article_page


def test_tags_at_the_bottom_have_a_visible_heading(client, make):
    """The tag list is introduced by a heading readers can see, not only screen readers."""
    article = make.article(tags=["Fatigue"])
    page = client.get(article.get_absolute_url()).text
    assert '<h2 id="tags-heading">Topics in this article</h2>' in page


def test_citation_marker_sits_against_its_word(client, cited):
    """No space is left between a word and its marker, and the stylesheet pulls the target box in."""
    page = client.get(cited.get_absolute_url()).text
    assert 'brain<sup class="citation">' in page
    css = client.get("/static/css/site.css")
    stylesheet = b"".join(css.streaming_content).decode() if css.streaming else css.text
    assert "sup.citation a:first-child { margin-left: -9px; }" in stylesheet


@pytest.mark.parametrize("query", ["surgery", "brain", "chemotherapy"])
def test_search_snippet_has_no_markers_no_cut_words_and_headings_end_like_sentences(client, cited, query):
    """No "[1]", no half word before "…", and a heading does not run into the text after it."""
    snippet = _snippet(client, query)
    assert not re.search(r"\[\d+\]", snippet)
    assert "brain ." not in snippet and " ." not in snippet
    text = re.sub(r"</?mark>", "", snippet)
    assert "options Surgery" not in text
    if text.endswith("…"):
        last_word = text.removesuffix("…").split()[-1].strip(".,;:")
        assert last_word in re.sub(r"<[^>]+>", " ", BODY).split() or f"{last_word}." in BODY


def test_search_snippet_without_a_body_match_ends_on_a_whole_word(client, make):
    """A match in the title alone shows the body's start, ending on a whole word."""
    make.article(title="Lymphoedema", body="<p>" + "Swelling of the arm happens after surgery sometimes. " * 10 + "</p>")
    snippet = _snippet(client, "lymphoedema")
    assert snippet.removesuffix(" …").split()[-1] in {"Swelling", "of", "the", "arm", "happens", "after", "surgery", "sometimes."}


def test_article_page_names_its_writer_and_first_publish_date(client, make, django_assert_num_queries):
    """"Written by Ana Writer. First published 3 March 2025." with the page's usual queries, none more."""
    writer = make.user(first_name="Ana", last_name="Writer")
    first = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.UTC)
    article = make.article(author=writer, first_published_at=first, publish_at=first + datetime.timedelta(days=90))
    bare = make.article()
    client.get(bare.get_absolute_url())  # warm the content type cache, as a running site has it
    with CaptureQueriesContext(connection) as plain:
        client.get(bare.get_absolute_url())
    with django_assert_num_queries(len(plain.captured_queries)):
        page = client.get(article.get_absolute_url()).text
    assert "Written by <span class=\"writer\">Ana Writer</span>." in page
    assert 'First published <time datetime="2025-03-03">3 March 2025</time>.' in page
    assert '"datePublished": "2025-03-03T' in page


def test_an_account_without_a_name_is_not_shown_by_its_username(client, make):
    """A writer account with no real name shows no "Written by", never the username."""
    article = make.article(author=make.user(username="jsmith42"))
    page = client.get(article.get_absolute_url()).text
    assert "Written by" not in page and "jsmith42" not in page
    assert "First published" in page


def test_unpublishing_and_publishing_again_keeps_the_first_publish_date(make):
    """The first publish is recorded once; a later publish moves only the publish time."""
    editor = make.staff_in("Editor", username="eddie")
    article = make.article(status=Article.Status.APPROVED, reviewed_by=make.reviewer())
    workflow.publish(article, editor)
    first = article.first_published_at
    assert first is not None
    workflow.unpublish(article, editor)
    workflow.publish(article, editor)
    article.refresh_from_db()
    assert article.first_published_at == first and article.first_published == first


LONG_BODY = (
    "<h2>What is stage 4?</h2><p>It has spread [1].</p>"
    "<h2>Treatment <em>options</em></h2><p>Several.</p>"
    "<h2>Side effects &amp; support</h2><p>Help is there.</p>"
    "<h2>Side effects &amp; support</h2><p>A second section of the same name.</p>"
)


def test_a_long_article_has_an_on_this_page_list_linking_to_its_sections(client, make):
    """Three or more h2 sections: a labelled nav lists them, each link landing on an id in the body."""
    article = make.article(body=LONG_BODY)
    make.cite(article)
    page = client.get(article.get_absolute_url()).text
    nav = re.search(r'<nav class="contents" aria-labelledby="contents-heading">(.*?)</nav>', page, re.S).group(1)
    assert '<h2 id="contents-heading">On this page</h2>' in nav
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav)
    assert [title for _, title in links] == ["What is stage 4?", "Treatment options", "Side effects &amp; support", "Side effects &amp; support"]
    anchors = [anchor for anchor, _ in links]
    assert len(set(anchors)) == 4
    for anchor in anchors:
        assert page.count(f'id="{anchor}"') == 1
    assert '<h2 id="section-treatment-options">Treatment <em>options</em></h2>' in page


def test_a_short_article_has_no_contents_list_but_its_sections_keep_ids(client, make):
    """Two sections are not worth a list; their headings still get ids a link can point at."""
    article = make.article(body="<h2>One</h2><p>a</p><h2>Two</h2><p>b</p>")
    page = client.get(article.get_absolute_url()).text
    assert "On this page" not in page
    assert '<h2 id="section-one">One</h2>' in page


def test_home_page_shows_recently_reviewed_articles_and_topics(client, make):
    """Beyond the latest articles: the most recently reviewed (newest review first) and common topics."""
    old = make.article(title="Reviewed long ago", tags=["Fatigue"], reviewed_on=datetime.date(2020, 1, 1))
    new = make.article(title="Reviewed last week", tags=["Fatigue", "Nausea"], reviewed_on=datetime.date(2026, 1, 1))
    make.article(title="Never reviewed", tags=["Fatigue"])
    make.article(title="Draft reviewed", status=Article.Status.DRAFT, reviewed_on=datetime.date(2026, 2, 1))
    page = client.get("/").text
    reviewed = re.search(r'<h2 id="reviewed-heading">Recently reviewed</h2>(.*?)</section>', page, re.S).group(1)
    assert reviewed.index(new.title) < reviewed.index(old.title)
    assert "Never reviewed" not in reviewed and "Draft reviewed" not in reviewed
    topics = re.search(r'<h2 id="topics-heading">Browse by topic</h2>(.*?)</section>', page, re.S).group(1)
    assert re.findall(r">([^<]+)</a>", topics) == ["Fatigue", "Nausea"]  # most used first


# The count, the series, recently reviewed, topics, the page of articles, their reviews, the next go-live.
HOME_QUERIES = 7


@pytest.mark.parametrize("rows", [1, 30])
def test_home_page_queries_do_not_grow_with_the_catalogue(client, make, rows):
    """The new home sections are one query each, whatever the number of articles and tags."""
    for n in range(rows):
        make.article(title=f"Row {n}", tags=[f"topic {n}", "common"], reviewed_on=datetime.date(2025, 1, 1 + n % 28))
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(queries.captured_queries) == HOME_QUERIES


def test_an_imported_article_published_again_keeps_its_old_publish_date(make):
    """Live since an import (no first publish recorded): unpublish and publish keep the import's date."""
    editor = make.staff_in("Editor", username="eddie")
    long_ago = datetime.datetime(2023, 5, 1, 9, 0, tzinfo=datetime.UTC)
    article = make.article(publish_at=long_ago, reviewed_by=make.reviewer())
    workflow.unpublish(article, editor)
    workflow.publish(article, editor)
    article.refresh_from_db()
    assert article.first_published == long_ago and article.publish_at > long_ago
