"""The plain-text page's field block and body markup: read, checked with the line, and written through the importer."""

import datetime
import io
import itertools
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.importing.apply import import_page
from articles.importing.plaintext import PageError, parse_page
from articles.models import Article, ArticleEvent, MedicalReview, RelatedLink, Series, SeriesEntry

SAMPLE = Path(__file__).parent / "data" / "import" / "stage-2-breast-cancer-treatment-options.txt"

FIELDS = """\
---
Slug: stage-two
Summary: A short summary written for the page,
  continued on an indented line.
Tags: breast cancer, Surgery, surgery
Status: published
Publish: 30 days ago
Review: Dr. Lucia Moreno on 2025-10-16 | Full review before publication.
Review: Dr. David Okafor, MD on 22 September 2026
Series: Breast cancer treatment by stage
Series position: 2
Series label: Stage 2
---
"""


def page(fields, body="Title\n\nSome text [1].\n\nReferences\n\n1. Mayo Clinic: “Breast cancer.”\n"):
    return parse_page(fields + "\n" + body)


# --- reading ---------------------------------------------------------------------------------------

def test_the_field_block_is_read_over_the_publishers_page():
    """Every field is read; the publisher's page below it reads as it does without the block."""
    parsed = parse_page(FIELDS + "\n" + SAMPLE.read_text(encoding="utf-8"))
    plain = parse_page(SAMPLE.read_text(encoding="utf-8"))
    fields = parsed.fields
    assert fields.slug == "stage-two"
    assert fields.summary == "A short summary written for the page, continued on an indented line."
    assert parsed.summary == fields.summary
    assert fields.tags == ["breast cancer", "Surgery"]  # a repeat in other case is dropped
    assert fields.status == "published" and fields.publish.days == -30
    assert [(r.reviewer_name, r.reviewer_credentials, r.reviewed_on, r.notes) for r in fields.reviews] == [
        ("Dr. Lucia Moreno", "", datetime.date(2025, 10, 16), "Full review before publication."),
        ("Dr. David Okafor", "MD", datetime.date(2026, 9, 22), ""),
    ]
    assert (fields.series, fields.series_position, fields.series_label) == ("Breast cancer treatment by stage", 2, "Stage 2")
    assert parsed.title == plain.title and parsed.body_html == plain.body_html
    assert [r.titles for r in parsed.references] == [r.titles for r in plain.references]
    assert parsed.reviewed_on == plain.reviewed_on
    assert parsed.title_line == plain.title_line + FIELDS.count("\n") + 1  # line numbers stay the file's


@pytest.mark.parametrize(
    "block, message, line",
    [
        ("---\nSlug: a\n", "never closed", 1),
        ("---\nColour: blue\n---\n", 'Unknown field "Colour"', 2),
        ("---\nSlug: a\nSlug: b\n---\n", '"Slug" appears twice; the first is on line 2', 3),
        ("---\nSlug: not a slug!\n---\n", "may hold only letters", 2),
        ("---\njust words\n---\n", "is not a field", 2),
        ("---\nSummary: " + "x" * 301 + "\n---\n", "the most is 300", 2),
        ("---\nTags: a,,b\n---\n", "A tag is empty", 2),
        ("---\nTags: ???\n---\n", "must have a letter or number", 2),
        ("---\nStatus: live\n---\n", 'The status "live" is not one of draft, published', 2),
        ("---\nStatus: published\nPublish: soon\n---\n", 'The publish time "soon" is not a date', 3),
        ("---\nStatus: published\nPublish: 2026-12-14 25:00\n---\n", "is not a time of day", 3),
        ("---\nPublish: 3 days ago\n---\n", '"Publish" needs "Status: published"', 2),
        ("---\nReview: Dr. Moreno\n---\n", 'A review reads "Review: <reviewer> on <date>"', 2),
        ("---\nReview: Dr. Moreno on 30 February 2025\n---\n", "is not a date", 2),
        ("---\nReview: Dr. Moreno on 2999-01-01\n---\n", "cannot be in the future", 2),
        ("---\nReview: Dr. Moreno on 2025-01-01\nReview: dr. moreno on 1.1.2025\n---\n", "given twice", 3),
        ("---\nSeries position: 1\n---\n", 'needs a "Series" field', 2),
        ("---\nSeries: S\nSeries position: -1\n---\n", "is not a whole number", 3),
        ("---\nSeries: S\nSeries label: " + "x" * 61 + "\n---\n", "longer than 60", 3),
        ("---\nSlug:\n---\n", '"Slug" is empty', 2),
        ("---\nSlug: a\nAlso known as: arm <swelling>\n---\n", '"Also known as": “arm <swelling>”: use letters', 3),
        ("---\nSlug: a\n---\n\n", "No title after the field block", 4),
    ],
)
def test_a_bad_field_is_refused_with_its_line(block, message, line):
    body = "" if "No title" in message else "Title\n\nText.\n"
    with pytest.raises(PageError, match=message) as raised:
        parse_page(block + body)
    assert raised.value.line == line


def test_a_page_that_does_not_open_with_the_fence_has_no_fields():
    """A publisher's page whose body holds "---" or "Tags:" reads them as text."""
    parsed = parse_page("Title\n\n---\n\nTags: these are words in the body.\n")
    assert parsed.fields.tags == [] and "Tags: these are words" not in parsed.body_html
    assert "<h2>Tags</h2>" in parsed.body_html  # the publisher's lead-in rule, as before


def test_body_markup_becomes_headings_lists_quotes_and_inline_html():
    parsed = parse_page(
        "Title\n\nIntro with *in situ* and **strong** words [1][2].\n\n## Options if you have a harmful change\n\n"
        "There are two types:\n- **Lumpectomy** (breast-conserving).\n- Mastectomy, which\n  goes on here.\n\n"
        "> A quoted line\n> and its second line.\n\nSee [cancer.gov/contact](https://www.cancer.gov/contact?a=1&b=2).\n"
    )
    assert parsed.body_html.split("\n") == [
        "<p>Intro with <em>in situ</em> and <strong>strong</strong> words [1][2].</p>",
        "<h2>Options if you have a harmful change</h2>",
        "<p>There are two types:</p>",
        "<ul><li><strong>Lumpectomy</strong> (breast-conserving).</li><li>Mastectomy, which goes on here.</li></ul>",
        "<blockquote><p>A quoted line and its second line.</p></blockquote>",
        '<p>See <a href="https://www.cancer.gov/contact?a=1&amp;b=2">cancer.gov/contact</a>.</p>',
    ]
    assert parsed.summary == "Intro with in situ and strong words [1][2]."


@pytest.mark.parametrize(
    "text, html",
    [
        ("5 * 3 * 2 and a*b", "<p>5 * 3 * 2 and a*b</p>"),  # lone and in-word asterisks are text
        ("[text](javascript:alert(1))", "<p>[text](javascript:alert(1))</p>"),  # only http(s) links
        ("<script>x</script> & **<b>**", "<p>&lt;script&gt;x&lt;/script&gt; &amp; <strong>&lt;b&gt;</strong></p>"),
        ("[1] and [2](note)", "<p>[1] and [2](note)</p>"),  # citation markers stay
    ],
)
def test_inline_markup_never_lets_html_or_other_addresses_through(text, html):
    assert parse_page(f"Title\n\n{text}\n").body_html == html


# --- writing ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_fields_are_written_through_the_workflow():
    """Slug, summary, tags, both reviews with notes, the series place, and publishing at the given time."""
    outcome = import_page(parse_page(FIELDS + "\n" + SAMPLE.read_text(encoding="utf-8")), origin="page.txt")
    article = Article.objects.get(pk=outcome.article.pk)
    assert article.slug == "stage-two" and article.summary.startswith("A short summary")
    assert sorted(article.tags.names(), key=str.casefold) == ["breast cancer", "Surgery"]
    reviews = MedicalReview.objects.filter(article=article).order_by("reviewed_on")
    assert [(r.reviewer.name, str(r.reviewed_on), r.notes) for r in reviews] == [
        ("Dr. L. Moreno", "2022-02-04", ""),  # the page's own review line, recorded too
        ("Dr. Lucia Moreno", "2025-10-16", "Full review before publication."),
        ("Dr. David Okafor", "2026-09-22", ""),
    ]
    assert article.status == Article.Status.PUBLISHED
    assert abs((timezone.now() - article.publish_at) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)
    assert ArticleEvent.objects.filter(article=article, kind=ArticleEvent.Kind.TRANSITION, to_status="published").exists()
    entry = SeriesEntry.objects.get(article=article)
    assert (entry.series.title, entry.position, entry.label) == ("Breast cancer treatment by stage", 2, "Stage 2")


@pytest.mark.django_db
def test_a_future_publish_time_schedules_the_article():
    fields = "---\nStatus: published\nPublish: in 7 days\nReview: Dr. Lucia Moreno on 2025-10-16\n---\n"
    article = import_page(page(fields)).article
    assert article.status == Article.Status.PUBLISHED
    assert article not in Article.objects.published()
    assert article.publish_at > timezone.now() + datetime.timedelta(days=6)


@pytest.mark.django_db
def test_status_published_without_a_review_is_refused_and_nothing_is_written():
    with pytest.raises(PageError, match='"Status: published" needs a "Review" field') as raised:
        import_page(page("---\nStatus: published\n---\n"))
    assert raised.value.line == 2
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_status_draft_wins_over_the_publish_option():
    article = import_page(page("---\nStatus: draft\nReview: Dr. Lucia Moreno on 2025-10-16\n---\n"), publish=True).article
    assert article.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_publishing_still_goes_through_the_workflows_blockers():
    """A reviewed page citing [2] with one reference is refused by the citation blocker, and rolled back."""
    fields = "---\nStatus: published\nReview: Dr. Lucia Moreno on 2025-10-16\n---\n"
    with pytest.raises(PageError, match="Not published"):
        import_page(page(fields, "Title\n\nText [2].\n\nReferences\n\n1. Mayo Clinic: “Breast cancer.”\n"))
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_reimporting_changes_nothing_and_tags_an_editor_added_stay():
    first = import_page(page(FIELDS))
    first.article.tags.add("editor's tag")
    again = import_page(page(FIELDS))
    assert again.verb == "unchanged", again.changes
    assert "editor's tag" in again.article.tags.names()
    assert MedicalReview.objects.count() == 2 and SeriesEntry.objects.count() == 1


@pytest.mark.django_db
def test_also_known_as_adds_search_terms_and_keeps_an_editors():
    """The page's "Also known as" terms are the article's search terms; a re-import adds what is
    missing (compared without case) and never removes a term an editor added."""
    fields = FIELDS.replace("Status: published\n", "Also known as: lymphoedema, Arm swelling\nStatus: published\n")
    first = import_page(page(fields))
    assert first.article.search_terms.splitlines() == ["lymphoedema", "Arm swelling"]
    Article.objects.filter(pk=first.article.pk).update(search_terms="lymphoedema\nArm swelling\nheavy arm")
    again = import_page(page(fields.replace("Arm swelling", "arm swelling, swollen arm")))
    assert again.changes == ["also known as added: swollen arm"]
    assert Article.objects.get(pk=first.article.pk).search_terms.splitlines() == [
        "lymphoedema", "Arm swelling", "heavy arm", "swollen arm"]


@pytest.mark.django_db
def test_a_taken_series_position_fails_the_file():
    import_page(page("---\nSeries: S\nSeries position: 1\n---\n", "First\n\nText.\n"))
    with pytest.raises(PageError, match="Position 1 of series “S” is taken by “First”"):
        import_page(page("---\nSeries: S\nSeries position: 1\n---\n", "Second\n\nText.\n"))
    assert list(Series.objects.get().entries.values_list("article__title", flat=True)) == ["First"]
    assert not Article.objects.filter(title="Second").exists()


@pytest.mark.django_db
def test_a_series_without_a_position_is_joined_at_the_end_with_a_label_from_its_name():
    import_page(page("---\nSeries: Breast Cancer Treatment Options\nSeries position: 4\n---\n", "Stage 1 Breast Cancer Treatment Options\n\nText.\n"))
    import_page(page("---\nSeries: Breast Cancer Treatment Options\n---\n", "Stage 2 Breast Cancer Treatment Options\n\nText.\n"))
    assert list(SeriesEntry.objects.order_by("position").values_list("position", "label")) == [(4, "Stage 1"), (5, "Stage 2")]


@pytest.mark.django_db
@pytest.mark.parametrize("order", list(itertools.permutations("ABC")))
def test_related_links_keep_the_pages_order_whatever_the_file_order(order):
    """A's page lists B then C: the links come out B, C however the three files are ordered."""
    pages = {
        "A": "A page\n\nText.\n\nRelated Posts\n\nB page\nC page\n",
        "B": "B page\n\nText.\n\nRelated Posts\n\nC page\nA page\n",
        "C": "C page\n\nText.\n",
    }
    for name in order:
        import_page(parse_page(pages[name]))
    def links(title):
        return list(RelatedLink.objects.filter(article__title=title).order_by("position").values_list("target__title", flat=True))
    assert links("A page") == ["B page", "C page"]
    assert links("B page") == ["C page", "A page"]


@pytest.mark.django_db
def test_the_command_reports_a_bad_field_with_file_and_line(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("---\nStatus: live\n---\nTitle\n\nText.\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(path), stdout=io.StringIO(), stderr=err)
    assert f"{path}:2: The status \"live\" is not one of draft, published" in err.getvalue()
    assert not Article.objects.exists()
