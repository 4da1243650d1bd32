"""Revisions: every save kept with its related rows, any two compared side by side, restore as a new revision."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleEvent
from articles.workflow import revisions
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def _edit(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**change_form_data(client.get(url)), **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def test_every_admin_save_keeps_a_revision_with_its_related_rows(admin_client, make, superuser):
    """A revision holds the title, body, tags, citations, related links and series entry as saved."""
    article = make.article(title="Fatigue", tags=["fatigue"])
    ref = make.reference(title="NCI fatigue page")
    make.cite(article, ref)
    other = make.article(title="Sleep and cancer")
    make.related(article, other, 1)
    make.series_entry(make.series(title="Treatment"), article, 3, label="Part 3")
    before = article.history.count()
    _edit(admin_client, article, title="Managing fatigue", tags="fatigue, energy")
    latest = revisions.revisions(article).first()
    assert article.history.count() == before + 1
    assert latest.title == "Managing fatigue"
    assert latest.history_user == superuser
    assert latest.related["tags"] == ["energy", "fatigue"]
    assert latest.related["citations"] == [{"position": 1, "reference_id": ref.pk, "reference": "NCI fatigue page"}]
    assert latest.related["related"] == [{"position": 1, "target_id": other.pk, "target": "Sleep and cancer"}]
    assert latest.related["series"]["label"] == "Part 3"
    assert latest.history_change_reason == "Changed title, tags"


def test_compare_shows_two_revisions_side_by_side(admin_client, make):
    article = make.article(title="Old title", body="<p>Keep this.</p><p>Remove this.</p>")
    _edit(admin_client, article, title="New title", body="<p>Keep this.</p><p>Add this.</p>")
    new, old = list(revisions.revisions(article)[:2])
    response = admin_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"old": old.history_id, "new": new.history_id}
    )
    assert response.status_code == 200
    parts = {p["label"]: p for p in response.context["parts"]}
    assert parts["Title"]["changed"] and parts["Body"]["changed"] and not parts["Summary"]["changed"]
    page = response.content.decode()
    assert "<del>Old title</del>" in page and "<ins>New title</ins>" in page
    assert "<del>Remove this.</del>" in page and "<ins>Add this.</ins>" in page


def test_compare_of_revisions_from_another_article_is_404(admin_client, make):
    a, b = make.article(), make.article()
    url = reverse("admin:articles_article_compare", args=[a.pk])
    other = b.history.first().history_id
    assert admin_client.get(url, {"old": other, "new": a.history.first().history_id}).status_code == 404
    assert admin_client.get(url, {"old": "x", "new": "1"}).status_code == 404


def test_compare_escapes_what_editors_typed(admin_client, make):
    article = make.article(title="<script>alert(1)</script>")
    _edit(admin_client, article, title="Safe")
    new, old = list(revisions.revisions(article)[:2])
    page = admin_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"old": old.history_id, "new": new.history_id}
    ).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_restore_brings_back_content_and_related_rows_as_a_new_revision(admin_client, make):
    """Restoring creates a new revision; nothing is destroyed."""
    article = make.article(title="First", tags=["a"])
    ref1, ref2 = make.reference(), make.reference()
    make.cite(article, ref1)
    _edit(admin_client, article, title="First")  # a revision with ref1 and tag a
    first = revisions.revisions(article).first()
    _edit(admin_client, article, title="Second", tags="b", **{"citations-0-reference": ref2.pk})
    count = article.history.count()
    url = reverse("admin:articles_article_restore_revision", args=[article.pk, first.history_id])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"confirm_live": "yes"})  # a published article
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "First"
    assert list(article.tags.names()) == ["a"]
    assert [c.reference_id for c in article.citations.all()] == [ref1.pk]
    assert article.history.count() == count + 1
    assert revisions.revisions(article).first().related["citations"][0]["reference_id"] == ref1.pk
    assert article.history.filter(title="Second").exists()
    assert ArticleEvent.objects.filter(article=article, kind=ArticleEvent.Kind.NOTE).exists()


def test_restore_skips_what_no_longer_exists_and_says_so(admin_client, make, superuser):
    article = make.article()
    gone = make.article(title="Deleted article")
    make.related(article, gone, 1)
    revisions.refresh_snapshot(article)
    record = revisions.revisions(article).first()
    gone.delete()
    warnings = revisions.restore_revision(article, record, superuser, live_confirmed=True)
    assert warnings == ["The related article “Deleted article” was left out: it no longer exists."]


def test_writer_cannot_restore_a_revision_of_an_article_in_review(client, make):
    writer = make.staff_in("Writer")
    article = make.article(status=Article.Status.IN_REVIEW, author=writer)
    record = article.history.first()
    client.force_login(writer)
    url = reverse("admin:articles_article_restore_revision", args=[article.pk, record.history_id])
    assert client.post(url).status_code == 403


def test_revisions_page_lists_who_and_when(admin_client, make, superuser):
    article = make.article()
    _edit(admin_client, article, title="Edited")
    page = admin_client.get(reverse("admin:articles_article_revisions", args=[article.pk])).content.decode()
    assert "admin" in page and "Restore" in page and "Compare" in page


def test_revisions_page_query_count_does_not_grow_with_revisions(admin_client, make, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make.article()
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for i in range(10):
        a = Article.objects.get(pk=article.pk)
        a.title = f"Title {i}"
        a.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url)
