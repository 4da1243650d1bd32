"""The paste-in reference parser: every line shape of the publisher's lists, and lines it must refuse."""

import datetime

import pytest

from references.parsing import parse_reference_line, parse_reference_list

# The reference list of the publisher's page "Stage 2 Breast Cancer Treatment Options", as copied.
EXAMPLE = """Referenced on 1.2.2022

  1. National Cancer Institute: “Breast Cancer Treatment (PDQ) – Patient Version.”
  2. American Cancer Society: “Treatment of Breast Cancer Stages I-III,” “Radiation for Breast Cancer.”
  3. “Lumpectomy,” “Mastectomy,” “Lymph Node Surgery for Breast Cancer”
  4. Mayo Clinic: “Breast cancer – Diagnosis and treatment.”
  5. Breastcancer.org: "Hormonal Therapy."

"""


def test_publisher_and_one_curly_quoted_title_is_read():
    """The commonest shape: number, publisher, colon, one title in curly quotes."""
    entry = parse_reference_line("1. American Cancer Society: “Learn about Cancer: Breast Cancer.”")
    assert entry.ok, entry.error
    assert entry.number == 1
    assert entry.source == "American Cancer Society"
    assert entry.titles == ["Learn about Cancer: Breast Cancer"]


def test_several_quoted_titles_become_one_entry_with_titles_in_order():
    """One publisher with two pages cited as one entry keeps both titles, in order."""
    entry = parse_reference_line(
        "  2. American Cancer Society: “Treatment of Breast Cancer Stages I-III,” “Radiation for Breast Cancer.”"
    )
    assert entry.ok, entry.error
    assert entry.source == "American Cancer Society"
    assert entry.titles == ["Treatment of Breast Cancer Stages I-III", "Radiation for Breast Cancer"]
    assert entry.title == "Treatment of Breast Cancer Stages I-III"
    assert entry.more_titles == "Radiation for Breast Cancer"


def test_entry_without_publisher_has_no_source():
    """Only quoted titles: the source is None, not an empty or guessed name."""
    entry = parse_reference_line("3. “Lumpectomy,” “Mastectomy,” “Lymph Node Surgery for Breast Cancer”")
    assert entry.ok, entry.error
    assert entry.source is None
    assert entry.titles == ["Lumpectomy", "Mastectomy", "Lymph Node Surgery for Breast Cancer"]


@pytest.mark.parametrize(
    "line",
    [
        '5. Breastcancer.org: "Hormonal Therapy."',
        "5. Breastcancer.org: “Hormonal Therapy.”",
        "5. Breastcancer.org: “Hormonal Therapy”.",
        '5. Breastcancer.org: "Hormonal Therapy".',
        "5. Breastcancer.org: “Hormonal Therapy,”",
        "5) Breastcancer.org: “Hormonal Therapy”",
        "[5] Breastcancer.org: “Hormonal Therapy”",
        "5. Breastcancer.org: ”Hormonal Therapy”",
    ],
)
def test_straight_or_curly_quotes_and_punctuation_inside_or_outside_read_the_same(line):
    """Quote style and where the list's full stop sits do not change the title."""
    entry = parse_reference_line(line)
    assert entry.ok, entry.error
    assert (entry.number, entry.source, entry.titles) == (5, "Breastcancer.org", ["Hormonal Therapy"])


def test_question_and_exclamation_marks_belong_to_the_title():
    """Only the list's own punctuation (.,;:) is dropped from the end of a title."""
    entry = parse_reference_line("1. Mayo Clinic: “Is it cancer?” “Act now!”")
    assert entry.titles == ["Is it cancer?", "Act now!"]


def test_dashes_and_apostrophes_inside_titles_are_kept():
    entry = parse_reference_line("4. Mayo Clinic: “Breast cancer – Diagnosis and treatment’s options.”")
    assert entry.titles == ["Breast cancer – Diagnosis and treatment’s options"]


def test_url_doi_pubmed_id_and_accessed_date_after_the_titles_are_read():
    """Identifiers after the titles fill the entry's url, doi, pmid and accessed date."""
    entry = parse_reference_line(
        "7. CA Cancer J Clin: “Cancer statistics, 2022.” https://acsjournals.onlinelibrary.wiley.com/doi/full/x. "
        "doi:10.3322/CAAC.21708. PMID: 35020204. Accessed 1 February 2022."
    )
    assert entry.ok, entry.error
    assert entry.url == "https://acsjournals.onlinelibrary.wiley.com/doi/full/x"
    assert entry.doi == "10.3322/caac.21708"
    assert entry.pmid == "35020204"
    assert entry.accessed_on == datetime.date(2022, 2, 1)


def test_doi_org_link_is_taken_as_the_doi_not_the_url():
    entry = parse_reference_line("1. NEJM: “Trial results.” https://doi.org/10.1056/NEJMoa2203690")
    assert entry.ok, entry.error
    assert (entry.doi, entry.url) == ("10.1056/nejmoa2203690", "")


def test_the_whole_example_page_list_is_read_in_order():
    """The five entries of the shared example page read without errors, numbered 1 to 5."""
    entries = parse_reference_list(EXAMPLE)
    assert [e.error for e in entries] == [None] * 5
    assert [e.number for e in entries] == [1, 2, 3, 4, 5]
    assert [e.source for e in entries] == [
        "National Cancer Institute", "American Cancer Society", None, "Mayo Clinic", "Breastcancer.org",
    ]
    assert entries[0].titles == ["Breast Cancer Treatment (PDQ) – Patient Version"]


def test_blank_lines_and_headings_are_skipped_and_line_numbers_kept():
    """Headings around a pasted list are not entries; each entry knows its line in the paste."""
    entries = parse_reference_list("References\n\nReferenced on 1.2.2022\n1. A: “One.”\n\n2. B: “Two.”\n")
    assert [(e.number, e.line_number) for e in entries] == [(1, 4), (2, 6)]


def test_unnumbered_list_is_read_in_order():
    """A list copied without its numbers still yields entries, numbered None."""
    entries = parse_reference_list("A: “One.”\nB: “Two.”")
    assert [(e.number, e.source, e.ok) for e in entries] == [(None, "A", True), (None, "B", True)]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1. Mayo Clinic: Breast cancer – Diagnosis and treatment.", "No title in quotes"),
        ("1. Mayo Clinic: “Breast cancer – Diagnosis", "never closed"),
        ("1. Mayo Clinic: “”", "Empty quotes"),
        ("1. Mayo Clinic: “One,” in Journal of Things, “Two.”", "between titles"),
        ("1. Mayo Clinic: “One.” Journal of Things, 2020; 12(3): 45.", "after the titles"),
        ("1. Mayo Clinic: “One.” https://a.example/ https://b.example/", "More than one web address"),
        ("1. Mayo Clinic: “One.” Accessed sometime in 2022.", "accessed date"),
        ("1. " + "x" * 201 + ": “One.”", "publisher's name is longer"),
        ("1. Mayo Clinic: “" + "x" * 501 + "”", "longer than 500"),
    ],
)
def test_malformed_lines_are_reported_with_a_reason_not_guessed(line, message):
    """A line the parser cannot read carries an error and the raw text, and no guessed data."""
    entry = parse_reference_line(line, line_number=9)
    assert not entry.ok
    assert message in entry.error
    assert entry.raw == line
    assert entry.line_number == 9


def test_numbers_that_skip_or_repeat_are_reported():
    """A missing or repeated entry would shift every marker after it, so the line is flagged."""
    entries = parse_reference_list("1. A: “One.”\n3. B: “Three.”\n4. C: “Four.”\n4. D: “Again.”")
    assert [e.ok for e in entries] == [True, False, True, False]
    assert "Expected entry number 2" in entries[1].error
    assert "Expected entry number 5" in entries[3].error


def test_unnumbered_line_in_a_numbered_list_is_reported():
    """A wrapped continuation or stray line is shown back rather than made into an entry."""
    entries = parse_reference_list("1. A: “One.”\nB: “Two.”\n2. C: “Three.”")
    assert [e.ok for e in entries] == [True, False, True]
    assert "no number" in entries[1].error


def test_empty_paste_gives_no_entries():
    assert parse_reference_list("") == []
    assert parse_reference_list("  \n\n ") == []
