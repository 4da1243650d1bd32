"""Issue 22: one timeline per article (edits, reviews, state changes, restores), each edit one click from its diff."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from articles.workflow import revisions
from articles.workflow import rules as workflow
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def people(make):
    return {
        "writer": make.staff_in("Writer", username="wendy", first_name="Wendy", last_name="Writer"),
        "reviewer": make.staff_in("Medical reviewer", username="rita", first_name="Rita", last_name="Reviewer"),
        "editor": make.staff_in("Editor", username="eddie", first_name="Eddie", last_name="Editor"),
    }


def _edit(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, {**change_form_data(client.get(url)), **changes})
    assert response.status_code == 302
    return response


@pytest.fixture
def lived(client, make, people):
    """An article written, edited, reviewed, published, then restored to its first text by an editor."""
    writer, reviewer, editor = people["writer"], people["reviewer"], people["editor"]
    article = make.article(title="Hair loss", body="<p>First text.</p>", status=S.DRAFT, author=writer)
    client.force_login(writer)
    _edit(client, article, body="<p>Second text.</p>")
    article.refresh_from_db()
    workflow.submit(article, writer)
    workflow.sign_off(article, reviewer)
    workflow.publish(article, editor)
    first = article.history.order_by("history_id").first()
    client.force_login(editor)
    restored = client.post(
        reverse("admin:articles_article_restore_revision", args=[article.pk, first.history_id]), {"confirm_live": "yes"}
    )
    assert restored.status_code == 302
    return article


def test_the_timeline_has_each_kind_of_event_once_newest_first(lived):
    """Created, edit, the state changes, the review and the restore: a status-only save is not an edit."""
    kinds = [entry.kind for entry in revisions.timeline(lived)]
    assert kinds == [
        "Restore", "Approved → Published", "Medical review", "In medical review → Approved",
        "Draft → In medical review", "Edit", "Created",
    ]


def test_a_restore_is_one_line_with_its_note(lived):
    """The restore's revision and its audit note are one act: one line, by the editor."""
    restore = revisions.timeline(lived)[0]
    assert restore.who == "Eddie Editor" and restore.event is not None and "Restored" in restore.event.comment


def test_timeline_page_links_each_edit_to_its_diff(admin_client, lived):
    """"See the changes" on an edit opens the comparison with the revision before it."""
    page = admin_client.get(reverse("admin:articles_article_revisions", args=[lived.pk])).content.decode()
    links = re.findall(r'href="([^"]+)">See the changes</a>', page)
    assert len(links) == 2  # the edit and the restore
    diff = admin_client.get(links[-1].replace("&amp;", "&")).content.decode()
    assert "<del>First text.</del>" in diff and "<ins>Second text.</ins>" in diff


def test_history_and_the_form_lead_to_the_one_timeline(admin_client, lived):
    """Django's History address shows the timeline; the form's foot shows its latest lines, not a second trail."""
    history = admin_client.get(reverse("admin:articles_article_history", args=[lived.pk]))
    assert history.status_code == 200 and history.context["timeline"][0].kind == "Restore"
    form = admin_client.get(reverse("admin:articles_article_change", args=[lived.pk])).content.decode()
    assert form.count('class="historylink">Timeline</a>') == 1 and ">History</a>" not in form
    foot = form[form.index('id="audit-heading"'):]
    assert "Restore" in foot and "Draft → In medical review" in foot



def test_compare_starts_with_the_two_latest_edits_chosen(admin_client, lived):
    """Pressing Compare at once compares the latest edit with the one before it."""
    page = admin_client.get(reverse("admin:articles_article_revisions", args=[lived.pk])).content.decode()
    checked = re.findall(r'name="(old|new)" value="(\d+)"[^>]* checked', page)
    edits = [e.revision.history_id for e in revisions.timeline(lived) if e.revision is not None]
    assert sorted(checked) == sorted([("new", str(edits[0])), ("old", str(edits[1]))])
