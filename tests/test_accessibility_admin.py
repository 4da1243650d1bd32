"""The accessibility check where editors meet it: stored counts, the change form, the list filter,
publishing, the catalogue command, and the demo and sample content."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.content import accessibility
from articles.demo.content import ARTICLES as DEMO_ARTICLES
from articles.models import Article
from articles.workflow import rules as workflow
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

S = Article.Status
CLEAN = "<h2>Surgery</h2><p>A lumpectomy removes the tumour.</p>"
WARNS = "<h2>Surgery</h2><p>See <a href='https://example.org/'>click here</a>.</p>"  # one warning
BLOCKS = "<h2>Surgery</h2><p>Text.</p><h2> </h2><p>More.</p>"  # one blocker
ARTICLES = reverse("admin:articles_article_changelist")
SAMPLE = Path(__file__).parent / "data" / "import" / "stage-2-breast-cancer-treatment-options.txt"


@pytest.fixture
def editor(make):
    return make.staff_in("Editor", username="eddie")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def stored(article):
    return tuple(Article.objects.filter(pk=article.pk).values_list("accessibility_blockers", "accessibility_warnings").get())


# --- the stored counts --------------------------------------------------------------------------

def test_saving_an_article_stores_its_counts_and_a_later_save_updates_them(make):
    """Create and save() both work the counts out from the sanitised body."""
    article = make.article(body=BLOCKS + WARNS)
    assert stored(article) == (1, 1)
    article.body = CLEAN
    article.save()
    assert stored(article) == (0, 0)


def test_a_save_naming_only_the_body_updates_the_counts_too(make):
    """``save(update_fields=["body"])`` writes the counts with it."""
    article = make.article(body=CLEAN)
    article.body = WARNS
    article.save(update_fields=["body"])
    assert stored(article) == (0, 1)


def test_bulk_create_stores_the_counts_too(make):
    """An importer's bulk_create goes through the fields' pre_save."""
    Article.objects.bulk_create([Article(title="T", slug="t", summary="S", body=WARNS)])
    assert Article.objects.filter(slug="t").values_list("accessibility_warnings", flat=True).get() == 1


def test_a_save_of_other_fields_with_the_body_deferred_keeps_the_counts(make):
    """A partly loaded article (no body) does not reset the counts to zero."""
    article = make.article(body=BLOCKS)
    partial = Article.objects.only("pk", "title", "version", "accessibility_blockers", "accessibility_warnings").get(pk=article.pk)
    partial.title = "New title"
    partial.save()
    assert stored(article) == (1, 0)


def test_refresh_counts_repairs_rows_written_around_save_and_writes_only_those(make):
    """After QuerySet.update(body=...), refresh_counts (the migration's and the command's) puts them right."""
    right, wrong = make.article(body=WARNS), make.article(body=CLEAN)
    Article.objects.filter(pk=wrong.pk).update(body=BLOCKS)
    version = Article.objects.get(pk=wrong.pk).version
    assert stored(wrong) == (0, 0)
    assert accessibility.refresh_counts(Article.objects.all()) == 1
    assert stored(wrong) == (1, 0) and stored(right) == (0, 1)
    assert Article.objects.get(pk=wrong.pk).version == version  # derived data, not a new version


# --- the change form ----------------------------------------------------------------------------

def test_the_change_form_shows_the_findings_right_after_the_body(admin_client, make):
    """Beside the body: each finding's place, problem and fix; blockers first."""
    article = make.article(body=WARNS + BLOCKS, status=S.DRAFT)
    response = admin_client.get(change_url(article))
    fields = response.context["adminform"].form.fields
    assert "body" in fields
    first_fieldset = response.context["adminform"].fieldsets[0][1]["fields"]
    assert first_fieldset[first_fieldset.index("body") + 1] == "accessibility_check"
    page = response.content.decode()
    check = page[page.index('class="accessibility-findings"'):]
    assert check.index("Blocks publishing:") < check.index("Warning:")
    assert "In “Surgery”: “click here”" in check
    assert "Type the heading" in check


def test_a_clean_body_says_so_and_a_new_article_is_checked_on_save(admin_client, make):
    """No findings: one reassuring line. The add form: when the check happens."""
    page = admin_client.get(change_url(make.article(body=CLEAN))).content.decode()
    assert "No accessibility problems found in the body." in page
    assert "The body is checked when you save." in admin_client.get(reverse("admin:articles_article_add")).content.decode()


def test_saving_a_body_with_problems_says_so_and_shows_them(admin_client, make):
    """The save itself succeeds (a draft may be unfinished); a message points at the findings."""
    article = make.article(body=CLEAN, status=S.DRAFT)
    data = change_form_data(admin_client.get(change_url(article)))
    data.update({"body": "<h2>Surgery</h2><h4>Drains</h4><p>Text.</p>", "_continue": "1"})
    response = admin_client.post(change_url(article), data, follow=True)
    page = response.content.decode()
    assert "Accessibility: 1 warning in the body" in page
    assert "This level 4 heading follows a level 2 heading" in page
    assert stored(article) == (0, 1)


def test_a_draft_may_be_saved_with_a_blocker(admin_client, make):
    """Unfinished work is kept: a draft with an empty heading saves, and says it blocks publishing."""
    article = make.article(body=CLEAN, status=S.DRAFT)
    data = change_form_data(admin_client.get(change_url(article)))
    data.update({"body": BLOCKS, "_continue": "1"})
    page = admin_client.post(change_url(article), data, follow=True).content.decode()
    assert "Accessibility: 1 problem that blocks publishing" in page
    assert stored(article) == (1, 0)


def test_a_published_body_cannot_gain_a_blocker_and_the_text_stays_in_the_form(admin_client, make):
    """Like a marker citing nothing: the save is refused with the finding, nothing is written, the text is kept."""
    article = make.article(body=CLEAN)
    version = article.version
    data = change_form_data(admin_client.get(change_url(article)))
    typed = "<h2>Surgery</h2><p>My new paragraph.</p><h3></h3>"
    data.update({"body": typed, "_continue": "1"})
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert "An empty heading" in errors[0] and "This article is published" in errors[0]
    assert "My new paragraph." in response.content.decode()
    saved = Article.objects.get(pk=article.pk)
    assert (saved.body, saved.version) == (CLEAN, version)
    data["body"] = "<h2>Surgery</h2><p>My new paragraph.</p>"
    assert admin_client.post(change_url(article), data).status_code == 302  # a warning-free fix saves


# --- the live check beside the editor -----------------------------------------------------------

LIVE = reverse("admin:articles_article_accessibility_check")


def test_the_live_check_answers_with_the_findings_of_the_typed_body(admin_client):
    """The editor's script posts the body as typed and gets the list to show, with counts."""
    response = admin_client.post(LIVE, {"body": BLOCKS + WARNS})
    data = response.json()
    assert (data["blockers"], data["warnings"]) == (1, 1)
    assert "Blocks publishing:" in data["html"] and "Checked as you type" in data["html"]
    assert admin_client.post(LIVE, {"body": "<p><script>alert(1)</script>ok</p>"}).json()["html"].count("<script") == 0


def test_the_live_check_is_for_people_who_may_see_articles_and_only_by_post(client, admin_client, make):
    """GET is 405; a staff user without article permissions gets 403; anonymous goes to the login page."""
    assert admin_client.get(LIVE).status_code == 405
    client.force_login(make.user(username="nobody"))
    assert client.post(LIVE, {"body": CLEAN}).status_code == 403
    client.logout()
    assert client.post(LIVE, {"body": CLEAN}).status_code == 302


# --- the article list's filter ------------------------------------------------------------------

def test_the_list_filter_finds_articles_with_blockers_with_warnings_or_neither(admin_client, make):
    """Each choice lists exactly the matching articles."""
    for title, body in [("Blocked", BLOCKS), ("Warned", WARNS), ("Both", BLOCKS + WARNS), ("Clean", CLEAN)]:
        make.article(title=title, body=body)

    def titles(choice):
        response = admin_client.get(ARTICLES, {"accessibility": choice})
        assert response.status_code == 200
        return sorted(a.title for a in response.context["cl"].result_list)

    assert titles("blockers") == ["Blocked", "Both"]
    assert titles("warnings") == ["Both", "Warned"]
    assert titles("none") == ["Clean"]
    assert len(admin_client.get(ARTICLES).context["cl"].result_list) == 4
    assert "accessibility problems" in admin_client.get(ARTICLES).content.decode().lower()


def test_the_list_filter_reads_stored_counts_not_bodies(admin_client, make):
    """The filter is a condition on the stored counts: no body is checked per request, and ten
    matching articles cost the same queries as one."""
    make.article(body=BLOCKS)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(ARTICLES, {"accessibility": "blockers"})
    for _ in range(9):
        make.article(body=BLOCKS)
    with CaptureQueriesContext(connection) as ten:
        response = admin_client.get(ARTICLES, {"accessibility": "blockers"})
    assert len(response.context["cl"].result_list) == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
    assert any('"accessibility_blockers" > 0' in q["sql"] for q in ten.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_filtered_page_can_be_read_from_the_partial_index(make):
    """On PostgreSQL the page of articles with blockers, in the list's order, comes from its index."""
    make.article(body=BLOCKS)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Article.objects.with_accessibility_problems(accessibility.BLOCKER).order_by("-publish_at", "-id")[:100].explain()
    assert "article_a11y_blockers_idx" in plan


# --- publishing ---------------------------------------------------------------------------------

def test_an_accessibility_blocker_blocks_publishing_with_its_place_and_fix(make, editor):
    """One more entry in publish_blockers; publish() refuses and nothing changes."""
    article = make.article(status=S.APPROVED, body=BLOCKS, reviewed_on=None)
    make.review(article)
    blockers = workflow.publish_blockers(article)
    assert blockers == [f"Accessibility problem: {accessibility.blockers(BLOCKS)[0]}"]
    assert "In “Surgery”" in blockers[0] and "empty heading" in blockers[0]
    with pytest.raises(workflow.TransitionNotAllowed, match="empty heading"):
        workflow.publish(article, editor)
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_warnings_do_not_block_publishing_but_the_publish_page_shows_them(client, make, editor):
    """A warning is listed on the publish page, and publishing goes ahead."""
    article = make.article(status=S.APPROVED, body=WARNS)
    make.review(article)
    assert workflow.publish_blockers(article) == []
    client.force_login(editor)
    url = reverse("admin:articles_article_transition", args=[article.pk, "publish"])
    page = client.get(url).content.decode()
    assert "Accessibility warnings" in page and "In “Surgery”: “click here”" in page
    response = client.post(url, {"at": ""})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_the_publish_page_lists_an_accessibility_blocker(client, make, editor):
    """The editor sees why the button will not work, before and after trying."""
    article = make.article(status=S.APPROVED, body=BLOCKS)
    make.review(article)
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_transition", args=[article.pk, "publish"]), {"at": ""})
    assert response.status_code == 200
    assert "Accessibility problem: In “Surgery”. An empty heading" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


# --- the catalogue command ----------------------------------------------------------------------

def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_accessibility", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_the_command_lists_each_article_with_findings_and_a_summary(make):
    """Text output: the article, each finding with severity, place and fix; clean articles left out."""
    make.article(title="Blocked", slug="blocked", body=BLOCKS)
    make.article(title="Clean", body=CLEAN)
    out, error = run()
    assert error is None
    assert "Blocked (blocked, published)" in out
    assert "  BLOCKER: In “Surgery”. An empty heading" in out
    assert "Clean" not in out
    assert out.strip().endswith("Checked 2 article(s), 1 with findings: 1 problem(s) blocking publishing, 0 warning(s).")


def test_the_command_as_json_only_published_and_strict(make):
    """--json gives every finding's fields; --only-published skips drafts; --strict fails on blockers only."""
    make.article(title="Warned", body=WARNS)
    make.article(title="Draft blocked", body=BLOCKS, status=S.DRAFT)
    out, error = run("--json")
    report = json.loads(out)
    assert error is None
    assert (report["checked"], report["with_findings"], report["blockers"], report["warnings"]) == (2, 2, 1, 1)
    warned = next(a for a in report["articles"] if a["title"] == "Warned")
    assert warned["findings"][0] | {} == {
        "code": "link-vague", "severity": "warning", "section": "Surgery", "excerpt": "click here",
        "place": "In “Surgery”: “click here”",
        "problem": warned["findings"][0]["problem"], "fix": warned["findings"][0]["fix"],
    }
    out, error = run("--strict")
    assert error is not None and error.returncode == 1 and "1 accessibility problem(s) block publishing" in str(error)
    out, error = run("--strict", "--only-published", "--json")
    assert error is None and [a["title"] for a in json.loads(out)["articles"]] == ["Warned"]


def test_the_command_refreshes_stored_counts_on_request(make):
    """--refresh repairs counts written around save()."""
    article = make.article(body=CLEAN)
    Article.objects.filter(pk=article.pk).update(body=WARNS)
    run()
    assert stored(article) == (0, 0)  # a report alone changes nothing
    run("--refresh")
    assert stored(article) == (0, 1)


# --- no false positives in the demo and the sample page ------------------------------------------

def test_the_demo_content_has_no_accessibility_findings():
    """load_demo: every demo article is clean, by the checks and by the stored counts."""
    call_command("load_demo", stdout=io.StringIO())
    assert Article.objects.count() == len(DEMO_ARTICLES)
    for article in Article.objects.all():
        assert accessibility.check_body(article.body) == [], article.title
    assert not Article.objects.exclude(accessibility_blockers=0, accessibility_warnings=0).exists()


def test_the_imported_sample_page_has_no_accessibility_findings():
    """import_articles with the publisher's sample page: nothing reported."""
    call_command("import_articles", str(SAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    article = Article.objects.get()
    assert "<h2>" in article.body or "<p>" in article.body
    assert accessibility.check_body(article.body) == []
    assert stored(article) == (0, 0)
