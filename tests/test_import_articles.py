"""The import_articles command and its service: idempotent imports, links across files, errors, dry runs."""

import datetime
import io
import itertools
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.importing.apply import import_page, series_label, series_name, series_title
from articles.importing.plaintext import PageError, parse_page
from articles.importing.progress import ProgressBar
from articles.management.commands import import_articles
from articles.models import (
    Article,
    ArticleEvent,
    MedicalReview,
    PendingLink,
    RelatedLink,
    Reviewer,
    Series,
    SeriesEntry,
)
from articles.reviews import queries as review_queries
from references.models import Citation, Reference, Source

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PAGES = DATA / "import"
SAMPLE = PAGES / "stage-2-breast-cancer-treatment-options.txt"
STAGE_FILES = {1: PAGES / "stage-1.txt", 2: SAMPLE, 3: PAGES / "stage-3.txt"}


def run(*args):
    """Run import_articles; return (stdout, stderr, error or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *[str(a) for a in args], stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, MedicalReview, Reviewer, Citation, Reference, Source, Series, SeriesEntry, RelatedLink)
    }


def test_sample_page_becomes_a_draft_with_review_references_and_dates():
    """The publisher's sample page comes in whole, as a draft."""
    out, err, error = run(SAMPLE)
    assert error is None, err
    article = Article.objects.get()
    assert article.title == "Stage 2 Breast Cancer Treatment Options"
    assert article.slug == "stage-2-breast-cancer-treatment-options"
    assert article.status == Article.Status.DRAFT and article.publish_at is None
    assert article.referenced_on == datetime.date(2022, 2, 1)
    assert article.body.count("<h2>") == 5 and "<h2>Surgery</h2>" in article.body
    review = article.reviews.get()
    assert (review.reviewer.name, review.reviewed_on) == ("Dr. L. Moreno", datetime.date(2022, 2, 4))
    citations = list(article.citations.select_related("reference__source").order_by("position"))
    assert [c.position for c in citations] == [1, 2, 3, 4, 5]
    assert citations[1].reference.source.name == "American Cancer Society"
    assert citations[1].reference.more_titles == "Radiation for Breast Cancer"
    assert citations[2].reference.source is None
    assert "created “Stage 2 Breast Cancer Treatment Options”" in out
    assert ArticleEvent.objects.filter(article=article, kind=ArticleEvent.Kind.NOTE).exists()


def test_reimporting_the_same_file_changes_nothing():
    """A second import of the same file adds no article, review, reviewer, reference or citation."""
    run(SAMPLE)
    before = counts()
    out, _, error = run(SAMPLE)
    assert error is None
    assert counts() == before
    assert "unchanged" in out


def test_reimporting_an_edited_file_updates_the_article_in_place(tmp_path):
    """Same title, new text: the same row is updated and the change is reported."""
    run(SAMPLE)
    original = Article.objects.get()
    edited = tmp_path / "edited.txt"
    edited.write_text(SAMPLE.read_text(encoding="utf-8").replace("Ask your care team", "Ask your nurse"), encoding="utf-8")
    out, _, error = run(edited)
    assert error is None
    article = Article.objects.get()
    assert article.pk == original.pk and "Ask your nurse" in article.body
    assert "updated" in out and "body changed" in out
    assert MedicalReview.objects.count() == 1


def test_existing_article_is_matched_by_title_when_its_slug_differs(make):
    """An article an editor gave another address is still updated, not duplicated."""
    existing = make.article(title="Stage 2 Breast Cancer Treatment Options", slug="stage-two", status="draft")
    run(SAMPLE)
    assert list(Article.objects.values_list("pk", flat=True)) == [existing.pk]


def test_existing_reviewer_and_references_are_reused(make):
    """A reviewer with the same name and references with the same source and title are not created again."""
    reviewer = make.reviewer(name="dr. l. moreno")
    mayo = make.source(name="Mayo Clinic")
    reference = make.reference(source=mayo, title="Breast cancer – Diagnosis and treatment")
    run(SAMPLE)
    assert Reviewer.objects.get() == reviewer
    assert Article.objects.get().citations.get(position=4).reference == reference
    assert Source.objects.filter(name__iexact="mayo clinic").count() == 1


def test_reference_matched_by_url_is_reused(make, tmp_path):
    """A reference with the same normalised URL is reused even under another title."""
    reference = make.reference(title="Old title", url="https://www.example.org/page/")
    page = tmp_path / "p.txt"
    page.write_text("Title\n\nBody.\n\nReferenced on 2022-01-01\n\n1. “New title.” http://example.org/page\n", encoding="utf-8")
    run(page)
    assert Citation.objects.get().reference == reference
    assert Reference.objects.count() == 1


def test_two_entries_for_one_reference_fail_the_file(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Title\n\nBody.\n\nReferenced on 2022-01-01\n\n1. Mayo: “Same.”\n2. Mayo: “Same.”\n", encoding="utf-8")
    _, err, error = run(page)
    assert error is not None
    assert f"{page}:8: Reference 2 is the same reference as 1" in err
    assert Article.objects.count() == 0 and Reference.objects.count() == 0


def test_publish_requires_a_review_line(tmp_path):
    """--publish refuses a page without its review line and names the file."""
    page = tmp_path / "unreviewed.txt"
    page.write_text("Unreviewed Page\n\nBody text.\n", encoding="utf-8")
    _, err, error = run("--publish", page)
    assert error is not None
    assert f"{page}:1: --publish needs a \"Medically Reviewed by" in err
    assert not Article.objects.exists()


def test_publish_makes_a_reviewed_page_public():
    _, _, error = run("--publish", SAMPLE)
    assert error is None
    article = Article.objects.get()
    assert article.is_public()
    assert ArticleEvent.objects.filter(article=article, kind="transition", to_status="published").exists()


def test_reimport_without_publish_keeps_a_published_article_published():
    run("--publish", SAMPLE)
    run(SAMPLE)
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_a_failing_file_is_reported_and_the_others_still_import(tmp_path):
    """Bad files are named with line and reason; the good ones import; the exit status is an error."""
    folder = tmp_path / "pages"
    shutil.copytree(DATA / "import_bad", folder)
    shutil.copy(SAMPLE, folder / "good.txt")
    out, err, error = run(folder)
    assert error is not None and "3 file(s) could not be imported" in str(error)
    assert f"{folder / 'bad-date.txt'}:3: The review date \"31 Febtember 2021\" is not a date" in err
    assert f"{folder / 'bad-reference.txt'}:8: Reference list: A quote is opened but never closed" in err
    assert f"{folder / 'not-utf8.txt'}:3: the file is not UTF-8 text" in err
    assert list(Article.objects.values_list("title", flat=True)) == ["Stage 2 Breast Cancer Treatment Options"]
    assert "1 created, 0 updated, 0 unchanged, 3 failed" in out


def test_a_reference_url_with_a_port_out_of_range_fails_its_file_only(tmp_path):
    """The file is reported with the URL's problem; the files after it still import."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a-bad-port.txt").write_text(
        "Bad port\n\nBody.\n\nReferenced on 2022-01-01\n\n1. “Page.” http://example.com:99999/x\n", encoding="utf-8"
    )
    shutil.copy(SAMPLE, folder / "b-good.txt")
    out, err, error = run(folder)
    assert error is not None and "1 file(s) could not be imported" in str(error)
    assert "a-bad-port.txt:7: Reference 1: The port (the number after the host's colon) must be between 0 and 65535." in err
    assert "Traceback" not in err
    assert list(Article.objects.values_list("title", flat=True)) == ["Stage 2 Breast Cancer Treatment Options"]


def test_an_unexpected_error_in_one_file_does_not_stop_the_run(tmp_path, monkeypatch):
    """A bug met by one file is reported against that file, and the others import."""
    real = import_articles.import_page

    def flaky(page, **kwargs):
        if page.title == "Boom":
            raise ValueError("something unforeseen")
        return real(page, **kwargs)

    monkeypatch.setattr(import_articles, "import_page", flaky)
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text("Boom\n\nBody.\n", encoding="utf-8")
    shutil.copy(SAMPLE, folder / "b.txt")
    out, err, error = run(folder)
    assert error is not None and "1 file(s) could not be imported" in str(error)
    assert f"{folder / 'a.txt'}:-: unexpected error (ValueError: something unforeseen)" in err
    assert Article.objects.count() == 1


def test_a_failing_file_leaves_nothing_half_written(tmp_path):
    """A page whose second reference cannot be saved leaves no article, reviewer, review, source or reference."""
    page = tmp_path / "p.txt"
    too_long = "https://example.org/" + "a" * 1000
    page.write_text(
        "Half Page\n\nMedically Reviewed by Dr. New Person on 2021-01-01\n\nBody.\n\nReferenced on 2022-01-01\n\n"
        f"1. Fresh Source: “First.”\n2. Other: “Second.” {too_long}\n",
        encoding="utf-8",
    )
    _, err, error = run(page)
    assert error is not None and ":10: Reference 2:" in err
    assert counts() == dict.fromkeys(counts(), 0)


def test_missing_path_is_reported_and_fails_the_run(tmp_path):
    _, err, error = run(tmp_path / "nope.txt", SAMPLE)
    assert error is not None and "no such file or folder" in err
    assert Article.objects.count() == 1


def test_dry_run_prints_what_would_happen_and_writes_nothing():
    out, _, error = run("--dry-run", *STAGE_FILES.values())
    assert error is None
    assert "would be created “Stage 2 Breast Cancer Treatment Options”" in out
    assert "reviewer “Dr. L. Moreno” created" in out
    assert "series “Breast Cancer Treatment Options” created" in out
    assert "Dry run, nothing written: would have 3 created" in out
    assert "1 links waiting for articles not imported yet" in out  # only "Living With Breast Cancer"
    assert counts() == dict.fromkeys(counts(), 0)
    assert not PendingLink.objects.exists() and not ArticleEvent.objects.exists()


@pytest.mark.parametrize("order", list(itertools.permutations([1, 2, 3])), ids=lambda o: "-".join(map(str, o)))
def test_series_and_related_links_come_out_the_same_in_any_import_order(order):
    """Previous/Next titles build one series 1, 2, 3 and related titles resolve, whatever the file order."""
    for stage in order:
        _, err, error = run(STAGE_FILES[stage])
        assert error is None, err
    series = Series.objects.get()
    assert series.title == "Breast Cancer Treatment Options"
    entries = list(series.entries.select_related("article").order_by("position"))
    assert [e.article.title[:7] for e in entries] == ["Stage 1", "Stage 2", "Stage 3"]
    assert [e.label for e in entries] == ["Stage 1", "Stage 2", "Stage 3"]
    assert [e.position for e in entries] == [1, 2, 3]
    stage1 = Article.objects.get(title__startswith="Stage 1")
    assert [link.target.title for link in stage1.related_links.all()] == ["Stage 3 Breast Cancer Treatment Options"]
    # The one title no file brings is still waiting, and nothing else is.
    assert list(PendingLink.objects.values_list("title", flat=True)) == ["Living With Breast Cancer"]


def test_unresolved_link_is_reported_then_resolved_by_a_later_import(tmp_path):
    """A related title that is not there yet is reported, kept, and linked when that article arrives."""
    out, _, _ = run(PAGES / "stage-1.txt")
    assert "unresolved: Related Post “Living With Breast Cancer” is not imported yet" in out
    living = tmp_path / "living.txt"
    living.write_text("Living With Breast Cancer\n\nDay to day life during treatment.\n", encoding="utf-8")
    out, _, _ = run(living)
    assert "related link from “Stage 1 Breast Cancer Treatment Options” resolved" in out
    stage1 = Article.objects.get(title__startswith="Stage 1")
    assert stage1.related_links.filter(target__title="Living With Breast Cancer").exists()
    assert not PendingLink.objects.filter(title="Living With Breast Cancer").exists()


def test_neighbour_already_in_a_series_is_joined_next_to_it(make):
    """A page whose previous article is in a curated series joins that series right after it."""
    series = make.series(title="Stages")
    one = make.article(title="Stage 1 Breast Cancer Treatment Options")
    four = make.article(title="Stage 4")
    make.series_entry(series, one, 1, "Stage 1")
    make.series_entry(series, four, 2, "Stage 4")
    run(SAMPLE)
    order = list(series.entries.order_by("position").values_list("article__title", "position"))
    assert order == [(one.title, 1), ("Stage 2 Breast Cancer Treatment Options", 2), ("Stage 4", 3)]


def test_edited_navigation_drops_the_old_waiting_link(tmp_path):
    run(SAMPLE)
    assert PendingLink.objects.count() == 2
    edited = tmp_path / "s2.txt"
    text = SAMPLE.read_text(encoding="utf-8").replace("Next Post\n\nStage 3 Breast Cancer Treatment Options\n", "")
    edited.write_text(text, encoding="utf-8")
    run(edited)
    assert list(PendingLink.objects.values_list("kind", flat=True)) == ["previous"]


def test_service_refuses_publish_without_review_and_writes_nothing():
    page = parse_page("No Review\n\nBody.\n")
    with pytest.raises(PageError, match="--publish needs"):
        import_page(page, publish=True)
    assert not Article.objects.exists()


def test_series_naming_uses_the_words_titles_share():
    assert series_title("Stage 1 Breast Cancer", "Stage 2 Breast Cancer") == "Breast Cancer"
    assert series_title("Diet: part one", "Diet: part two") == "Diet: part"
    assert series_title("Apples", "Pears") == "Apples series"
    assert series_label("Stage 1 Breast Cancer", "Breast Cancer") == "Stage 1"
    assert series_label("Unrelated", "Breast Cancer") == "Unrelated"
    assert series_title("Part 1 of the Living Well Guide", "Part 2 of the Living Well Guide") == "Living Well Guide"
    assert series_label("Part 1 of the Living Well Guide", "Living Well Guide") == "Part 1"


def test_author_option_sets_the_author_of_new_articles(make):
    editor = make.user(username="ed")
    run("--author", "ed", SAMPLE)
    assert Article.objects.get().author == editor
    _, _, error = run("--author", "nobody", SAMPLE)
    assert error is not None and "No account" in str(error)


def test_progress_bar_draws_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

        def write(self, text, style_func=None, ending=""):
            super().write(text + ending)

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = ProgressBar(stream, 4)
        bar.update(2, "file.txt")
        bar.clear()
    assert "2/4 files" in terminal.getvalue() and "[" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_command_output_has_no_progress_bar_when_not_on_a_terminal():
    _, err, _ = run(SAMPLE)
    assert "[#" not in err and "files" not in err


def test_reimport_with_changed_text_marks_the_article_changed_since_review(tmp_path):
    """Editing a reviewed page's body makes it differ from what its review covered: the page says so."""
    run(SAMPLE)
    article = Article.objects.get()
    assert not Article.objects.detail(pk=article.pk).review_dates.changed_since_review
    edited = tmp_path / "edited.txt"
    edited.write_text(SAMPLE.read_text(encoding="utf-8").replace("Ask your care team", "Ask your nurse"), encoding="utf-8")
    run(edited)
    article.refresh_from_db()
    assert article.content_changed_at > article.reviews.get().created_at
    assert Article.objects.detail(pk=article.pk).review_dates.changed_since_review
    assert Article.objects.filter(review_queries.CHANGED_SINCE_REVIEW, pk=article.pk).exists()


def test_unchanged_reimport_does_not_mark_the_article_changed():
    run(SAMPLE)
    changed_at = Article.objects.get().content_changed_at
    run(SAMPLE)
    article = Article.objects.get()
    assert article.content_changed_at == changed_at
    assert not Article.objects.detail(pk=article.pk).review_dates.changed_since_review


def test_admin_lists_unresolved_links(admin_client, django_assert_max_num_queries):
    """Editors see the waiting links in the admin, in a fixed number of queries."""
    run(SAMPLE, PAGES / "stage-1.txt")
    with django_assert_max_num_queries(8):
        response = admin_client.get("/admin/articles/pendinglink/")
    assert response.status_code == 200
    assert "Stage 3 Breast Cancer Treatment Options" in response.content.decode()


def test_pending_option_lists_waiting_links():
    run(SAMPLE)
    out, _, _ = run("--pending")
    assert "Stage 1 Breast Cancer Treatment Options" in out and "2 links waiting." in out


def test_a_folder_without_pages_is_an_error(tmp_path):
    _, _, error = run(tmp_path)
    assert error is not None and "no .txt files" in str(error)


def test_reimport_resolves_links_to_articles_an_editor_created_meanwhile(make):
    """A waiting link whose article was made by hand is resolved by re-importing the page, and forgotten."""
    run(SAMPLE)
    make.article(title="Stage 3 Breast Cancer Treatment Options", slug="stage-3-by-hand")
    run(SAMPLE)
    assert list(PendingLink.objects.values_list("title", flat=True)) == ["Stage 1 Breast Cancer Treatment Options"]
    entries = SeriesEntry.objects.order_by("position").values_list("article__slug", flat=True)
    assert list(entries) == ["stage-2-breast-cancer-treatment-options", "stage-3-by-hand"]


def test_a_binary_file_is_refused_with_its_line(tmp_path):
    page = tmp_path / "image.txt"
    page.write_bytes(b"Title\n\nBody\x00\x01 text\n")
    _, err, error = run(page)
    assert error is not None and f"{page}:3: the file contains NUL bytes" in err


def test_a_database_refusal_fails_only_that_file(monkeypatch, tmp_path):
    """An unexpected database error is reported for its file; the next file still imports."""
    from django.db import IntegrityError

    from articles.importing import apply

    real = apply._add_related_links

    def refuse_for_stage_1(article, page, outcome):
        if article.title.startswith("Stage 1"):
            raise IntegrityError("simulated")
        return real(article, page, outcome)

    monkeypatch.setattr(apply, "_add_related_links", refuse_for_stage_1)
    _, err, error = run(STAGE_FILES[1], STAGE_FILES[3])
    assert error is not None
    assert f"{STAGE_FILES[1]}:-: the database refused it (simulated)" in err
    assert list(Article.objects.values_list("title", flat=True)) == ["Stage 3 Breast Cancer Treatment Options"]


def _chain_pages(folder, count):
    """``count`` tiny pages, each naming its neighbours as Previous/Next Post."""
    titles = [f"Step {n} Walking Plan For Beginners" for n in range(1, count + 1)]
    paths = []
    for index, title in enumerate(titles):
        lines = [title, "", f"Walking step {index + 1}.", ""]
        if index > 0:
            lines += ["Previous Post", "", titles[index - 1], ""]
        if index < count - 1:
            lines += ["Next Post", "", titles[index + 1], ""]
        path = folder / f"step-{index + 1}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return titles, paths


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))), ids=lambda o: "".join(map(str, o)))
def test_a_chain_imported_in_any_order_becomes_one_series(tmp_path, order):
    """Pieces of a chain that arrive out of order are joined: one series, in the pages' order."""
    titles, paths = _chain_pages(tmp_path, 4)
    for index in order:
        _, err, error = run(paths[index])
        assert error is None, err
    series = Series.objects.get()
    assert series.title == "Walking Plan For Beginners"
    assert list(series.entries.order_by("position").values_list("article__title", flat=True)) == titles
    assert not PendingLink.objects.exists()


def test_a_long_chain_in_shuffled_order_becomes_one_ordered_series(tmp_path):
    """Twelve pages in a fixed scrambled order: one series, in order, positions 1..12."""
    titles, paths = _chain_pages(tmp_path, 12)
    scrambled = [paths[i] for i in (7, 2, 11, 0, 5, 9, 3, 10, 1, 6, 8, 4)]
    _, err, error = run(*scrambled)
    assert error is None, err
    entries = list(Series.objects.get().entries.order_by("position").values_list("article__title", "position"))
    assert entries == [(title, n) for n, title in enumerate(titles, start=1)]


def test_two_curated_series_are_not_merged(make):
    """An article in the middle of an editor's series is not moved by an imported Next Post."""
    first_series, second_series = make.series(title="A"), make.series(title="B")
    one = make.article(title="Stage 1 Breast Cancer Treatment Options")
    make.series_entry(first_series, one, 1)
    make.series_entry(first_series, make.article(), 2)
    stage2 = make.article(title="Stage 2 Breast Cancer Treatment Options", slug="stage-2-breast-cancer-treatment-options")
    make.series_entry(second_series, stage2, 1)
    out, _, _ = run(SAMPLE)
    assert "left as they are" in out
    assert SeriesEntry.objects.get(article=stage2).series == second_series


SERIES_PAGES = DATA / "import_series"
STAGE_4_AND_COMPANIONS = {
    "stage 4": SERIES_PAGES / "stage-4-breast-cancer-treatment-options.txt",
    "stage 3": SERIES_PAGES / "stage-3-breast-cancer-treatment-options.txt",
    "living": SERIES_PAGES / "living-well-with-metastatic-breast-cancer.txt",
}


@pytest.mark.parametrize(
    "order", list(itertools.permutations(STAGE_4_AND_COMPANIONS)), ids=lambda o: ", ".join(o)
)
def test_stage_4_and_its_companions_give_one_series_whatever_the_file_order(order):
    """Named from the words most titles share, not from whichever pair came first."""
    for name in order:
        _, err, error = run(STAGE_4_AND_COMPANIONS[name])
        assert error is None, err
    series = Series.objects.get()
    assert (series.title, series.slug) == ("Breast Cancer Treatment Options", "breast-cancer-treatment-options")
    entries = list(series.entries.select_related("article").order_by("position"))
    assert [(e.position, e.label) for e in entries] == [
        (1, "Stage 3"), (2, "Stage 4"), (3, "Living Well With Metastatic Breast Cancer"),
    ]


def test_a_series_an_editor_renamed_keeps_its_name_when_pages_join(make):
    """Only the importer's own names follow the titles."""
    run(STAGE_4_AND_COMPANIONS["stage 4"])
    run(STAGE_4_AND_COMPANIONS["living"])
    Series.objects.update(title="Advanced breast cancer")
    run(STAGE_4_AND_COMPANIONS["stage 3"])
    assert Series.objects.get().title == "Advanced breast cancer"


def test_series_name_comes_from_what_most_titles_share():
    assert series_name(["Stage 4 Breast Cancer Treatment Options", "Living Well With Metastatic Breast Cancer"]) == (
        "Stage 4 Breast Cancer Treatment Options series"
    )
    assert series_name([
        "Stage 3 Breast Cancer Treatment Options", "Stage 4 Breast Cancer Treatment Options",
        "Living Well With Metastatic Breast Cancer",
    ]) == "Breast Cancer Treatment Options"


@pytest.mark.parametrize("order", [("stage 4", "living", "stage 3"), ("living", "stage 3", "stage 4")])
def test_the_eyebrow_shows_a_label_only_when_it_is_not_the_title(client, order):
    """Above "Living Well With…" the eyebrow is the series alone; above Stage 4 it is "series: Stage 4"."""
    for name in order:
        _, err, error = run("--publish", STAGE_4_AND_COMPANIONS[name])
        assert error is None, err
    living = client.get(Article.objects.get(title__startswith="Living").get_absolute_url()).content.decode()
    assert '<p class="eyebrow">Breast Cancer Treatment Options</p>' in living
    stage4 = client.get(Article.objects.get(title__startswith="Stage 4").get_absolute_url()).content.decode()
    assert '<p class="eyebrow">Breast Cancer Treatment Options: Stage 4</p>' in stage4


def test_publish_goes_through_the_workflow_and_its_citation_blocker(tmp_path):
    """A page citing [9] with five references is refused by the same rule as the admin's Publish button."""
    page = tmp_path / "bad-marker.txt"
    page.write_text(SAMPLE.read_text(encoding="utf-8").replace("to remove the cancer", "to remove the cancer [9]"),
                    encoding="utf-8")
    _, err, error = run("--publish", page)
    assert error is not None and "Not published: Citation problem" in err
    assert not Article.objects.exists(), "the page's transaction is rolled back whole"


def test_a_page_body_over_the_size_limit_is_refused_with_the_admins_message(settings):
    settings.ARTICLE_BODY_MAX_BYTES = 1_000
    _, err, error = run(SAMPLE)
    assert error is not None
    assert "The article would not be valid (body: The body is" in err and "the most an article can hold is 1000" in err
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("label", "shown"),
    [("Stage 4", "Stage 4"), ("Living Well With Metastatic Breast Cancer", ""),
     ("living well with  metastatic breast cancer", ""), ("Living Well With Metastatic…", ""),
     ("Living Well", "Living Well")],
)
def test_label_beside_the_title_drops_only_a_label_that_is_the_title(label, shown):
    """Whole, differently spaced or cut to fit with an ellipsis, a label that is the title is not shown again."""
    assert SeriesEntry(label=label).label_beside("Living Well With Metastatic Breast Cancer") == shown
