"""Pasting a reference list: the plan (preview) and the all-or-nothing save."""

import pytest
from django.core.exceptions import ValidationError

from references.models import Citation, Reference, Source
from references.parsing import parse_reference_list
from references.paste import plan_citations, save_citations

pytestmark = pytest.mark.django_db

LIST = """
  1. National Cancer Institute: “Breast Cancer Treatment (PDQ) – Patient Version.”
  2. American Cancer Society: “Treatment of Breast Cancer Stages I-III,” “Radiation for Breast Cancer.”
  3. “Lumpectomy,” “Mastectomy,” “Lymph Node Surgery for Breast Cancer”
  4. Mayo Clinic: “Breast cancer – Diagnosis and treatment.” https://www.mayoclinic.org/bc
  5. American Cancer Society: "Hormone Therapy for Breast Cancer." doi:10.1000/acs.hormone
"""


def plan(text, article=None):
    return plan_citations(parse_reference_list(text), article)


def test_preview_writes_nothing_and_says_what_would_be_created(make):
    """The plan lists new sources (each once) and new references, and saves nothing."""
    result = plan(LIST, make.article())
    assert result.ok
    assert result.new_sources == ["American Cancer Society", "Mayo Clinic", "National Cancer Institute"]
    assert len(result.new_references) == 5
    assert [item.number for item in result.items] == [1, 2, 3, 4, 5]
    assert (Source.objects.count(), Reference.objects.count(), Citation.objects.count()) == (0, 0, 0)


def test_save_creates_sources_references_and_citations_in_order(make):
    article = make.article()
    save_citations(article, LIST)
    citations = list(article.citations.order_by("position").select_related("reference__source"))
    assert [c.position for c in citations] == [1, 2, 3, 4, 5]
    acs = Source.objects.get(name="American Cancer Society")
    assert citations[1].reference.source == acs and citations[4].reference.source == acs
    assert citations[1].reference.titles == ["Treatment of Breast Cancer Stages I-III", "Radiation for Breast Cancer"]
    assert citations[2].reference.source is None
    assert citations[3].reference.url == "https://www.mayoclinic.org/bc"
    assert citations[4].reference.doi == "10.1000/acs.hormone"
    assert Source.objects.count() == 3


def test_existing_sources_and_references_are_reused_and_reported(make):
    """Matches by DOI, by URL and by publisher plus titles are reused, not duplicated."""
    nci = make.source(name="national cancer institute")
    by_title = make.reference(source=nci, title="Breast cancer treatment (PDQ) – patient version", url="")
    by_url = make.reference(title="Mayo page", url="http://mayoclinic.org/bc/")
    by_doi = make.reference(title="Old title", url="", doi="https://doi.org/10.1000/ACS.HORMONE")

    result = plan(LIST, make.article())
    items = result.items
    assert (items[0].source, items[0].reference, items[0].matched_by) == (nci, by_title, "publisher and titles")
    assert (items[3].reference, items[3].matched_by) == (by_url, "URL")
    assert (items[4].reference, items[4].matched_by) == (by_doi, "DOI")
    assert [i.reference for i in result.new_references] == [None, None]

    save_citations(make.article(), LIST)
    assert Reference.objects.count() == 5
    assert Source.objects.filter(name__iexact="national cancer institute").count() == 1


def test_new_citations_go_after_existing_ones_and_already_cited_are_skipped(make):
    """Pasting into an article with citations appends; a reference it already cites is not added twice."""
    article = make.article()
    make.cite(article, position=1)
    mayo = make.reference(source=make.source(name="Mayo Clinic"), title="x", url="https://mayoclinic.org/bc")
    make.cite(article, mayo, position=4)

    saved = save_citations(article, LIST)

    assert [item.already_cited_as for item in saved.skipped] == [2]
    assert saved.renumbered
    positions = list(article.citations.order_by("position").values_list("position", flat=True))
    assert positions == [1, 4, 5, 6, 7, 8]
    assert article.citations.filter(reference=mayo).count() == 1


def test_unreadable_line_blocks_the_save_and_nothing_is_created(make):
    """One bad line: every problem is reported and the database is untouched."""
    article = make.article()
    text = LIST + "  6. Mayo Clinic: Exercise and cancer.\n"
    with pytest.raises(ValidationError) as raised:
        save_citations(article, text)
    assert raised.value.messages == [
        "Line 7: No title in quotes. Put each title in double quotes, e.g. Mayo Clinic: “Breast cancer.”"
    ]
    assert (Source.objects.count(), Reference.objects.count(), Citation.objects.count()) == (0, 0, 0)


def test_a_field_the_model_refuses_is_a_problem_of_that_line(make):
    """What the parser reads but the Reference model refuses (a URL too long) is shown on its line."""
    result = plan('1. A: "T."\n2. B: "U." https://example.org/' + "a" * 1000)
    assert not result.ok
    assert result.problems() == ["Line 2: URL: Ensure this value has at most 1000 characters (it has 1020)."]


def test_same_reference_pasted_twice_is_a_problem(make):
    result = plan('1. A: “One.”\n2. a: “one”')
    assert result.problems() == ["Line 2: The same reference as line 1; paste it once."]


def test_identifiers_matching_two_different_references_are_reported(make):
    make.reference(title="By DOI", url="", doi="10.1000/one")
    make.reference(title="By URL", url="https://example.org/two")
    result = plan("1. “T.” https://example.org/two doi:10.1000/one")
    assert "match two different references" in result.problems()[0]


def test_nothing_new_to_add_is_reported(make):
    article = make.article()
    save_citations(article, '1. A: "One."')
    with pytest.raises(ValidationError, match="nothing new to add"):
        save_citations(article, '1. A: "One."')


def test_save_accepts_entries_an_importer_already_parsed(make):
    """The article importer can hand over parsed entries instead of text."""
    article = make.article()
    save_citations(article, parse_reference_list(LIST))
    assert article.citations.count() == 5


@pytest.mark.parametrize("pasted", [
    "American Cancer Society: “Radiation for Breast Cancer.”",
    "american cancer society: “Treatment of Breast Cancer Stages I-III.”",
    "American Cancer Society: “Radiation for  breast cancer,” “Treatment of Breast Cancer Stages I-III.”",
])
def test_a_title_already_part_of_a_multi_title_entry_reuses_that_entry(make, pasted):
    """Issue 22: any title of an existing multi-title reference matches it; no new reference is proposed."""
    acs = make.source(name="American Cancer Society")
    entry = make.reference(source=acs, title="Treatment of Breast Cancer Stages I-III",
                           more_titles="Radiation for Breast Cancer", url="")
    result = plan(pasted, make.article())
    assert result.ok and result.new_references == []
    assert (result.items[0].reference, result.items[0].matched_by) == (entry, "publisher and titles")


def test_a_title_of_another_publishers_entry_is_not_a_match(make):
    """The title alone is not enough: the publisher must be the same."""
    make.reference(source=make.source(name="American Cancer Society"), title="Lumpectomy", more_titles="Mastectomy", url="")
    result = plan("Mayo Clinic: “Mastectomy.”", make.article())
    assert len(result.new_references) == 1
