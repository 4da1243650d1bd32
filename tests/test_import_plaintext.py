"""Reading the publisher's plain-text pages: title, review line, dates, body, references, navigation."""

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.importing.dates import parse_date
from articles.importing.plaintext import PageError, parse_page, split_lead_in

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "import" / "stage-2-breast-cancer-treatment-options.txt"


@pytest.fixture(scope="module")
def sample():
    return parse_page(SAMPLE.read_text(encoding="utf-8"))


def test_sample_title_and_review_line(sample):
    """The first line is the title; the review line names the reviewer and the date."""
    assert sample.title == "Stage 2 Breast Cancer Treatment Options"
    assert (sample.reviewer_name, sample.reviewed_on, sample.review_line) == ("Dr. L. Moreno", datetime.date(2022, 2, 4), 3)


def test_sample_repeated_title_is_not_imported_as_body(sample):
    """The title repeated under the review line does not become the first paragraph."""
    assert sample.paragraphs[0].text.startswith("In stage 2 the tumour is larger")
    assert "Stage 2 Breast Cancer Treatment Options" not in sample.body_html


def test_sample_lead_ins_become_section_headings_in_order(sample):
    """Paragraphs keep their order; "Surgery: ..." becomes a heading followed by its text."""
    headings = [p.heading for p in sample.paragraphs if p.heading]
    assert headings == ["Surgery", "Radiation therapy", "Chemotherapy", "Hormone therapy", "Targeted therapy"]
    assert "<h2>Surgery</h2>\n<p>Surgery is usually the first or second step." in sample.body_html
    assert sample.body_html.index("Most people are offered") < sample.body_html.index("<h2>Surgery</h2>")
    assert sample.paragraphs[-1].text.startswith("Side effects of treatment")


def test_sample_referenced_on_is_read_day_first(sample):
    """"Referenced on 1.2.2022" is 1 February 2022."""
    assert sample.referenced_on == datetime.date(2022, 2, 1)


def test_sample_reference_list_goes_through_the_references_parser(sample):
    """Five numbered entries, with their sources and titles, at their file line numbers."""
    assert [e.number for e in sample.references] == [1, 2, 3, 4, 5]
    assert sample.references[1].source == "American Cancer Society"
    assert sample.references[1].titles == ["Treatment of Breast Cancer Stages I-III", "Radiation for Breast Cancer"]
    assert sample.references[2].source is None
    assert sample.references[0].line_number == 27


def test_sample_previous_next_and_empty_related(sample):
    assert sample.previous_title == "Stage 1 Breast Cancer Treatment Options"
    assert sample.next_title == "Stage 3 Breast Cancer Treatment Options"
    assert sample.related_titles == []


def test_summary_is_the_first_paragraph_cut_at_a_word(sample):
    """The summary fits its 300 characters and ends on a whole word."""
    long_page = parse_page("Title\n\n" + "word " * 100)
    assert len(long_page.summary) <= 300 and long_page.summary.endswith("word…")
    assert sample.summary.startswith("In stage 2 the tumour")


@pytest.mark.parametrize(
    "text",
    ["26 March 2021", "March 26, 2021", "26.3.2021", "2021-03-26", "26th March 2021", "26 Mar 2021", "26/03/2021"],
)
def test_dates_in_every_accepted_form(text):
    """The forms the publisher's pages use all read as 26 March 2021."""
    assert parse_date(text) == datetime.date(2021, 3, 26)


@pytest.mark.parametrize("text", ["", "31 February 2021", "Marching 26, 2021", "2021/13/01", "26.13.2021", "yesterday"])
def test_non_dates_are_refused(text):
    assert parse_date(text) is None


def test_body_text_is_escaped_not_interpreted():
    """Plain text stays text: markup typed into a page is shown, not run."""
    page = parse_page('Title\n\nUse <script>alert("x")</script> & more.\n')
    assert "<script>" not in page.body_html
    assert "&lt;script&gt;" in page.body_html and "&amp; more" in page.body_html


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("Surgery: remove it.", "Surgery"),
        ("Side effects of treatment: many ease.", "Side effects of treatment"),
        ("See https://example.org for more.", ""),
        ("At 10:30 the clinic opens.", ""),
        ("This is a whole long sentence that happens to end in a colon: and goes on.", ""),
        ("Dr. Smith said: hello.", ""),
    ],
)
def test_only_a_short_lead_in_becomes_a_heading(text, heading):
    assert split_lead_in(text)[0] == heading


def test_lines_of_one_paragraph_are_joined():
    page = parse_page("Title\n\nFirst line\nsecond line.\n\nNext paragraph.")
    assert [p.text for p in page.paragraphs] == ["First line second line.", "Next paragraph."]


def test_related_posts_are_all_read_without_bullets_or_repeats():
    page = parse_page("Title\n\nBody.\n\nRelated Posts\n\n- One\n• Two\nOne\n")
    assert page.related_titles == ["One", "Two"]


def test_credentials_after_a_comma_are_split_from_the_name():
    page = parse_page("Title\n\nMedically Reviewed by Priya Raman, MD, FACS on 2021-03-26\n\nBody.")
    assert (page.reviewer_name, page.reviewer_credentials) == ("Priya Raman", "MD, FACS")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "empty"),
        ("\n\nTitle only\n", 3, "No body text"),
        ("Title\n\nMedically Reviewed by Dr. X on 31 Febtember 2021\n\nBody.", 3, "not a date"),
        ("Title\n\nBody.\n\nReferenced on soon\n", 5, "not a date"),
        ("Title\n\nMedically Reviewed by Dr. X on 2999-01-01\n\nBody.", 3, "future"),
        ("Title\nMedically Reviewed by A on 2021-01-01\nBody.\nMedically Reviewed by B on 2021-01-02", 4, "second review"),
        ("Title\n\nBody.\n\nReferenced on 2022-01-01\n\n1. Mayo: “Fine.”\n2. Mayo: “Never closed.\n", 8, "quote"),
        ("Title\n\nBody.\n\nReferenced on 2022-01-01\n\n1. Mayo: “One.”\n3. Mayo: “Three.”\n", 8, "Expected entry number 2"),
        ("Title\n\nBody.\n\nNext Post\n\nOne\nTwo\n", 8, "Only one title"),
        ("T" * 201 + "\n\nBody.", 1, "longer than 200"),
    ],
)
def test_unreadable_pages_name_the_line_and_the_reason(text, line, reason):
    """A page the parser cannot read raises an error carrying the line number."""
    with pytest.raises(PageError) as caught:
        parse_page(text)
    assert caught.value.line == line
    assert reason in caught.value.message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_either_parses_or_fails_with_a_page_error(text):
    """Whatever a file holds, the parser answers with a page or a PageError, never a crash."""
    try:
        page = parse_page(text)
    except PageError as error:
        assert error.message
    else:
        assert page.title and page.paragraphs


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "Title", "", "Medically Reviewed by Dr. A on 2021-01-01", "Referenced on 1.2.2022", "1. Mayo: “T.”",
    "2. “U,” “V.”", "Previous Post", "Next Post", "Related Posts", "Head: text", "Body line.", "[3] x",
]), max_size=25))
def test_page_shaped_text_either_parses_or_fails_with_a_page_error(lines):
    try:
        parse_page("\n".join(lines))
    except PageError as error:
        assert error.message


def test_windows_line_endings_and_a_byte_order_mark_read_the_same(sample):
    """A page saved on Windows (CRLF, BOM) parses exactly like the original."""
    text = "\ufeff" + SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n")
    page = parse_page(text)
    assert page == sample
