"""The article change form as a writing tool: bounded queries, endpoints, autosave, presence, unsaved preview."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from articles.models import Article, AutosavedDraft
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

FORM_QUERIES = 15


def _article_holding(make, count):
    article = make.article(title="Stage 4 treatment", body="<p>Text [1].</p>")
    for i in range(count):
        make.cite(article, make.reference(title=f"Reference {i}"))
        make.related(article, make.article(title=f"Target {i}", status=Article.Status.PUBLISHED), i + 1)
        make.review(article)
    return article


@pytest.fixture
def editor_client(client, make):
    client.force_login(make.staff_in("Editor", username="eddie", first_name="Eddie", last_name="Ng"))
    return client


@pytest.mark.parametrize("count", [1, 30])
def test_change_form_reads_a_fixed_number_of_queries(editor_client, make, django_assert_max_num_queries, count):
    """Opening an article with 1 or 30 citations, related links and reviews takes at most 15 queries."""
    article = _article_holding(make, count)
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor_client.get(url)  # content types, as every running server has them, read once
    with django_assert_max_num_queries(FORM_QUERIES):
        response = editor_client.get(url)
    assert response.status_code == 200
    assert f"Reference {count - 1}" in response.content.decode()


def test_autosave_keeps_a_copy_for_that_person_only_and_never_touches_the_article(editor_client, make):
    """An autosave writes the person's own draft row; the article and its version stay as they were."""
    article = make.article(title="Nausea", body="<p>Saved.</p>")
    url = reverse("admin:articles_article_autosave", args=[article.pk])
    response = editor_client.post(url, {"title": "Nausea typed", "body": "<p>Typed.</p>", "base_version": article.version})
    assert response.status_code == 200
    draft = AutosavedDraft.objects.get(article=article)
    assert draft.user.username == "eddie" and draft.data["body"] == "<p>Typed.</p>" and draft.base_version == article.version
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.title, fresh.body, fresh.version) == ("Nausea", "<p>Saved.</p>", article.version)


def test_the_draft_is_offered_on_opening_and_cleared_by_a_save(editor_client, make):
    """Opening the article again offers the draft; saving the form removes it."""
    article = make.article(title="Nausea")
    editor_client.post(reverse("admin:articles_article_autosave", args=[article.pk]), {"title": "Nausea typed"})
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = editor_client.get(url)
    assert "You have unsaved changes to this article" in page.content.decode()
    assert editor_client.post(url, change_form_data(page)).status_code == 302
    assert not AutosavedDraft.objects.filter(article=article).exists()


def test_a_draft_equal_to_the_saved_article_is_not_offered(editor_client, make):
    """A copy kept just before a save, with nothing new in it, is not offered back."""
    article = make.article(title="Nausea", body="<p>Same.</p>")
    editor_client.post(reverse("admin:articles_article_autosave", args=[article.pk]),
                       {"title": "Nausea", "body": "<p>Same.</p>"})
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "You have unsaved changes" not in page.content.decode()


def test_a_writer_cannot_autosave_an_article_they_may_not_edit(client, make):
    """Autosave follows the edit rules: a writer's copy of someone else's published article is refused."""
    writer = make.staff_in("Writer", username="wendy")
    client.force_login(writer)
    article = make.article(status=Article.Status.PUBLISHED)
    response = client.post(reverse("admin:articles_article_autosave", args=[article.pk]), {"title": "Mine"})
    assert response.status_code == 403
    assert not AutosavedDraft.objects.exists()


def test_autosave_answers_get_with_405(editor_client, make):
    """Only a POST keeps a draft."""
    article = make.article()
    assert editor_client.get(reverse("admin:articles_article_autosave", args=[article.pk])).status_code == 405


def test_presence_names_the_other_person_with_the_article_open(client, make):
    """Two people with one article open: each heartbeat answers with the other's name, never their own."""
    from django.core.cache import cache
    from django.test import Client

    cache.clear()  # presence kept by earlier tests for an article and user with these same keys
    article = make.article()
    dana, sam = Client(), Client()
    dana.force_login(make.staff_in("Editor", username="dana", first_name="Dana", last_name="Okafor"))
    sam.force_login(make.staff_in("Editor", username="sam", first_name="Sam", last_name="Lee"))
    url = reverse("admin:articles_article_presence", args=[article.pk])
    assert dana.post(url).json() == {"others": []}
    assert [p["name"] for p in sam.post(url).json()["others"]] == ["Dana Okafor"]
    page = sam.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Dana Okafor" in page and "has this article open now" in page
    dana.post(url, {"leaving": "1"})
    assert sam.post(url).json() == {"others": []}


def test_link_search_finds_articles_by_title_published_first(editor_client, make):
    """The link picker's search lists matching articles with their public address, archived ones left out."""
    make.article(title="Nausea diary", status=Article.Status.DRAFT)
    published = make.article(title="Nausea and vomiting", status=Article.Status.PUBLISHED)
    make.article(title="Nausea (old)", status=Article.Status.ARCHIVED)
    answer = editor_client.get(reverse("admin:articles_article_link_search"), {"q": "nausea"}).json()
    assert [r["title"] for r in answer["results"]] == ["Nausea and vomiting", "Nausea diary"]
    assert answer["results"][0]["url"] == published.get_absolute_url()


def test_link_search_is_for_staff_only(client, make):
    """Anonymous visitors are sent to the login page, not given titles of drafts."""
    make.article(title="Secret draft")
    response = client.get(reverse("admin:articles_article_link_search"), {"q": "secret"})
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("body", [
    "<p>Eat small meals. Drink water often.</p>",
    "<h2>Side effects</h2><p>Chemotherapy can cause nausea, tiredness and hair loss [1].</p><ul><li>Rest.</li></ul>",
])
def test_live_reading_level_agrees_with_the_saved_one(editor_client, body):
    """The figures shown while typing are the server's own (articles.content.literacy), as shown after saving."""
    from django.conf import settings

    from articles.content import literacy

    answer = editor_client.post(reverse("admin:articles_article_reading_level"), {"body": body}).json()
    expected = literacy.readability(body, target=settings.READING_GRADE_TARGET)
    assert (answer["words"], answer["grade"], answer["sentences"]) == (expected.words, expected.grade, expected.sentences)


def test_unsaved_preview_shows_the_posted_form_and_saves_nothing(editor_client, make):
    """The preview draws the form as posted, with its citations, and leaves the article as it was."""
    article = make.article(title="Nausea", body="<p>Saved.</p>")
    reference = make.reference(title="Antiemetic guideline")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(editor_client.get(url))
    data.update({"title": "Nausea: what helps", "body": "<p>Ginger may help [1].</p><script>alert(1)</script>",
                 "citations-TOTAL_FORMS": "1", "citations-0-reference": str(reference.pk), "citations-0-position": "1"})
    response = editor_client.post(reverse("admin:articles_article_preview_unsaved", args=[article.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nausea: what helps" in page and "Ginger may help" in page and "Antiemetic guideline" in page
    assert "<script>alert(1)" not in page
    assert "Nothing has been saved" in page and response["X-Robots-Tag"] == "noindex, nofollow"
    assert Article.objects.get(pk=article.pk).title == "Nausea"


def test_unsaved_preview_of_a_new_article(editor_client):
    """A new article can be previewed before its first save."""
    response = editor_client.post(reverse("admin:articles_article_preview_unsaved_new"),
                                  {"title": "Hair loss", "summary": "Why.", "body": "<p>It grows back.</p>", "tags": "Hair"})
    assert response.status_code == 200
    assert "It grows back." in response.content.decode()
    assert not Article.objects.exists()


def _help_texts(page):
    """What a reader of the form sees of each field's help text: its text, tags and all taken out."""
    return [unescape(strip_tags(help)).strip() for help in re.findall(r'<div class="help[^"]*"[^>]*>(.*?)</div>\s*</div>', page, re.S)]


@pytest.mark.parametrize("who", ["editor", "reviewer"])  # the editable form; the read-only view
def test_the_address_help_texts_read_as_written_editable_and_read_only(client, make, who, request):
    """The slugs' help texts name a real address (no "<slug>", which the admin's HTML swallowed into "/articles//.")."""
    client.force_login(request.getfixturevalue(who))
    article = make.article(title="Lymphoedema")
    profile = make.reviewer(name="Dr. Lucia Moreno", slug="lucia-moreno")
    shown = _help_texts(client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode())
    shown += _help_texts(client.get(reverse("admin:articles_reviewer_change", args=[profile.pk])).content.decode())
    assert "The last part of the page's address, e.g. “lymphoedema” makes /articles/lymphoedema/. " \
           "Letters, numbers and hyphens." in shown
    assert "The last part of the profile's address, e.g. “lucia-moreno” makes /reviewers/lucia-moreno/." in shown
    assert not [text for text in shown if "//" in text]


def test_help_texts_point_at_nothing_in_the_repository(editor_client, make):
    """Editors read the lead image's help text in the admin: no "(docs/media.md)", a file they cannot open."""
    page = editor_client.get(reverse("admin:articles_article_change", args=[make.article().pk])).content.decode()
    shown = _help_texts(page)
    assert any(text.startswith("A picture from the media library, shown at the top of the page") for text in shown)
    assert not [text for text in shown if ".md" in text or "docs/" in text]


def test_body_editor_keeps_the_browser_spellcheck(editor_client):
    """The library's NoSpellCheck extension is off for the body."""
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "NoSpellCheck" not in page


def test_sanitiser_keeps_the_editors_callout_and_nothing_else_with_a_class():
    """The two callout kinds survive a save; other classes, styles and unknown kinds do not."""
    from articles.content.html import sanitize_html

    kept = sanitize_html('<aside class="callout callout-warning"><h3>When to call your doctor</h3><p>Fever.</p></aside>')
    assert kept == '<aside class="callout callout-warning"><h3>When to call your doctor</h3><p>Fever.</p></aside>'
    cleaned = sanitize_html('<aside class="callout promo" style="color:red"><p class="MsoNormal">Buy</p></aside>')
    assert cleaned == '<aside class="callout"><p>Buy</p></aside>'
    assert sanitize_html('<table><tbody><tr><th colspan="1">Dose</th></tr></tbody></table>').startswith("<table><tbody><tr><th")


def test_reviewers_see_the_body_rendered_with_changes_since_review_marked(client, make):
    """A reviewer's read-only form shows the body as HTML, not source, with the paragraph changed since sign-off marked."""
    from articles.workflow import rules as workflow

    reviewer = make.staff_in("Medical reviewer", username="rita")
    writer = make.staff_in("Writer", username="wendy")
    article = make.article(author=writer, status=Article.Status.DRAFT, body="<h2>Causes</h2><p>Chemotherapy.</p><p>Radiotherapy.</p>")
    workflow.submit(article, writer)
    workflow.sign_off(article, reviewer)
    article.refresh_from_db()
    article.body = "<h2>Causes</h2><p>Chemotherapy.</p><p>Radiotherapy to the belly.</p>"
    article.save()
    client.force_login(reviewer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert '<div class="rendered-body article-body"><h2>Causes</h2><p>Chemotherapy.</p>' in page
    assert '<div class="changed-since-review" title="Changed since the last medical review"><p>Radiotherapy to the belly.</p></div>' in page
    assert "1 block changed since the last medical review" in page
    assert "&lt;h2&gt;" not in page


def test_body_blocks_keep_nested_lists_and_loose_text_whole():
    """Splitting a body into blocks keeps a nested list in one block and text outside any element."""
    from articles.admin.editor import top_blocks

    html = "Loose text<ul><li>a<ul><li>b</li></ul></li></ul><p>End</p>"
    assert top_blocks(html) == ["Loose text", "<ul><li>a<ul><li>b</li></ul></li></ul>", "<p>End</p>"]


def test_saving_the_form_is_bounded_whatever_the_article_holds(editor_client, make):
    """A save of an article with 30 citations, related links and reviews takes no more queries than one with 1 of each."""
    counts = []
    for count in (1, 30):
        article = _article_holding(make, count)
        url = reverse("admin:articles_article_change", args=[article.pk])
        data = change_form_data(editor_client.get(url))
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.post(url, {**data, "title": f"Changed {count}"})
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[1] <= counts[0] + 3, counts


def test_a_new_articles_draft_is_offered_on_the_add_page(editor_client):
    """Typing into a not-yet-saved article keeps one draft for the person, offered on the add page."""
    editor_client.post(reverse("admin:articles_article_autosave_new"), {"title": "Mouth sores", "body": "<p>Rinse.</p>"})
    draft = AutosavedDraft.objects.get()
    assert draft.article is None and draft.data["title"] == "Mouth sores"
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "You have unsaved changes" in page and "Mouth sores" in page
