"""No lost edits: of two people editing the same article, the second to save is refused, keeping their text."""

import pytest
from django.urls import reverse

from articles.models import Article, EditConflict
from articles.workflow import rules as workflow
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(make, client, django_user_model):
    from django.test import Client

    dana = make.staff_in("Editor", username="dana", first_name="Dana", last_name="Okafor")
    sam = make.staff_in("Editor", username="sam", first_name="Sam", last_name="Lee")
    dana_client, sam_client = Client(), Client()
    dana_client.force_login(dana)
    sam_client.force_login(sam)
    return dana_client, sam_client


def test_second_save_is_refused_naming_who_saved_and_what_changed(make, two_editors):
    """The second editor sees who saved in between and what changed; their typed text stays in the form."""
    dana, sam = two_editors
    article = make.article(title="Hair loss", body="<p>Original body.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    dana_data = change_form_data(dana.get(url))
    sam_data = change_form_data(sam.get(url))

    assert dana.post(url, {**dana_data, "title": "Hair loss during chemotherapy"}).status_code == 302
    response = sam.post(url, {**sam_data, "body": "<p>Sam's careful rewrite.</p>"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved: Dana Okafor saved this article" in page
    assert "changed: Title" in page
    assert "Sam&#x27;s careful rewrite." in page or "Sam's careful rewrite." in page
    article.refresh_from_db()
    assert article.title == "Hair loss during chemotherapy"
    assert article.body == "<p>Original body.</p>"


def _summary_conflict(make, dana, sam):
    """Dana and Sam open one article; Dana saves a new summary, then Sam's different one is refused."""
    article = make.article(title="Nausea", summary="Old summary.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    dana_data, sam_data = change_form_data(dana.get(url)), change_form_data(sam.get(url))
    dana.post(url, {**dana_data, "summary": "Dana's summary."})
    return article, url, sam.post(url, {**sam_data, "summary": "Sam's summary."})


def test_pressing_save_again_after_a_conflict_does_not_overwrite(make, two_editors):
    """A second press of Save, with no choice made, is refused again: the other editor's summary stays."""
    dana, sam = two_editors
    article, url, refused = _summary_conflict(make, dana, sam)
    again = sam.post(url, change_form_data(refused))
    assert again.status_code == 200
    assert again.context["adminform"].form.conflict["fields"][0].name == "summary"
    article.refresh_from_db()
    assert article.summary == "Dana's summary."


def test_conflict_lists_theirs_and_yours_field_by_field(make, two_editors):
    """Each field both changed is shown with their saved value and the form's, and a choice for it."""
    dana, sam = two_editors
    article = make.article(title="Nausea", summary="Old summary.", body="<p>Old body.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    dana_data, sam_data = change_form_data(dana.get(url)), change_form_data(sam.get(url))
    dana.post(url, {**dana_data, "summary": "Dana's summary.", "title": "Nausea and vomiting"})
    refused = sam.post(url, {**sam_data, "summary": "Sam's summary."})
    fields = {c.name: c for c in refused.context["adminform"].form.conflict["fields"]}
    assert set(fields) == {"summary", "title"}
    assert (fields["summary"].theirs, fields["summary"].yours) == ("Dana's summary.", "Sam's summary.")
    assert fields["title"].untouched and not fields["summary"].untouched
    page = refused.content.decode()
    assert 'name="conflict_choice_summary" value="theirs"' in page
    assert 'name="conflict_choice_summary" value="yours"' in page


def test_after_choosing_per_field_the_save_keeps_each_choice(make, two_editors):
    """Having chosen theirs for the title and theirs for the summary but yours for the body, each is kept."""
    dana, sam = two_editors
    article = make.article(title="Nausea", summary="Old summary.", body="<p>Old body.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    dana_data, sam_data = change_form_data(dana.get(url)), change_form_data(sam.get(url))
    dana.post(url, {**dana_data, "title": "Nausea and vomiting", "summary": "Dana's summary.", "body": "<p>Dana.</p>"})
    refused = sam.post(url, {**sam_data, "summary": "Sam's summary.", "body": "<p>Sam.</p>"})
    retry = {**change_form_data(refused), "conflict_choice_title": "theirs", "conflict_choice_summary": "theirs",
             "conflict_choice_body": "yours"}
    assert sam.post(url, retry).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.summary, article.body) == ("Nausea and vomiting", "Dana's summary.", "<p>Sam.</p>")


def test_a_third_save_while_choosing_shows_the_conflict_again(make, two_editors):
    """Choices made against one saved version do not apply once someone saves yet again."""
    dana, sam = two_editors
    article, url, refused = _summary_conflict(make, dana, sam)
    dana.post(url, {**change_form_data(dana.get(url)), "summary": "Dana's second summary."})
    again = sam.post(url, {**change_form_data(refused), "conflict_choice_summary": "yours"})
    assert again.status_code == 200
    assert Article.objects.get(pk=article.pk).summary == "Dana's second summary."


def test_a_transition_in_between_also_refuses_the_stale_form(make, two_editors):
    dana, _ = two_editors
    writer = make.staff_in("Writer")
    article = make.article(status=Article.Status.DRAFT, author=writer)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(dana.get(url))
    workflow.submit(article, writer)
    response = dana.post(url, {**data, "title": "Changed"})
    assert response.status_code == 200
    assert "Status" in response.context["adminform"].form.non_field_errors()[0]
    assert Article.objects.get(pk=article.pk).title != "Changed"


def test_stale_copy_cannot_overwrite_even_outside_forms(make):
    """The version is checked in the UPDATE itself, on SQLite and PostgreSQL alike."""
    article = make.article(title="Start")
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.title = "First"
    first.save()
    second.title = "Second"
    with pytest.raises(EditConflict):
        second.save()
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.title == "First"
    assert fresh.version == article.version + 1


def test_missing_version_is_refused(admin_client, make):
    article = make.article(title="Start")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(admin_client.get(url))
    data.pop("seen_version")
    response = admin_client.post(url, {**data, "title": "Changed"})
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).title == "Start"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_on_postgresql_exactly_one_wins(make):
    """Two connections save the same version at once: the row lock and the version check let one through."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers anyway")
    article = make.article(title="Start")
    copies = [Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(copy, title):
        try:
            copy.title = title
            barrier.wait()
            copy.save()
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(c, f"Title {i}")) for i, c in enumerate(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.version == article.version + 1 and fresh.title in {"Title 0", "Title 1"}
