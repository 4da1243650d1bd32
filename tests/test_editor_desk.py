"""Issue 22: the admin's home page shows, per role, what waits on the signed-in person."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.workflow import rules as workflow

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def people(make):
    writer = make.staff_in("Writer", username="wendy")
    reviewer = make.staff_in("Medical reviewer", username="rita")
    editor = make.staff_in("Editor", username="eddie")
    return {"writer": writer, "reviewer": reviewer, "editor": editor}


@pytest.fixture
def desk_articles(make, people):
    """One article in each state that waits on somebody."""
    writer, reviewer = people["writer"], people["reviewer"]
    sent_back = make.article(title="Sent back draft", status=S.DRAFT, author=writer)
    workflow.submit(sent_back, writer)
    workflow.request_changes(sent_back, reviewer, "Add the side effects section.")
    to_review = make.article(title="Needs a reviewer", status=S.DRAFT, author=writer)
    workflow.submit(to_review, writer, reviewer=reviewer.reviewer_profile)
    make.article(title="Approved and waiting", status=S.APPROVED, reviewed_by=make.reviewer())
    make.article(title="Going live tomorrow", publish_at=timezone.now() + datetime.timedelta(days=1))
    make.article(title="Going live next year", publish_at=timezone.now() + datetime.timedelta(days=365))
    long_ago = timezone.localdate() - datetime.timedelta(days=800)
    make.article(title="Due again", reviewed_by=reviewer.reviewer_profile, reviewed_on=long_ago)


def _desk(client, user):
    client.force_login(user)
    return client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize(
    ("role", "shown", "not_shown"),
    [
        ("writer", ["Sent back draft", "Sent back to you"], ["Needs a reviewer", "Approved and waiting", "Going live tomorrow"]),
        ("reviewer", ["Needs a reviewer", "Due again", "Overdue since"], ["Sent back draft", "Approved and waiting"]),
        ("editor", ["Approved and waiting", "Going live tomorrow", "Scheduled in the next 7 days"], ["Going live next year", "Due again"]),
    ],
)
def test_each_role_sees_what_waits_on_them(client, people, desk_articles, role, shown, not_shown):
    """Writer: sent back; reviewer: to review and due again; editor: approved and scheduled soon."""
    page = _desk(client, people[role])
    for text in shown:
        assert text in page
    for text in not_shown:
        assert text not in page


def test_editor_with_an_approved_article_is_not_told_nothing_waits(client, make, people):
    """The issue's case: an approved article awaiting publishing shows on the editor's desk."""
    make.article(title="Approved and waiting", status=S.APPROVED, reviewed_by=make.reviewer())
    page = _desk(client, people["editor"])
    assert "Nothing is waiting for you" not in page and "Approved and waiting" in page


def test_desk_reads_a_bounded_number_of_queries(client, make, people, django_assert_max_num_queries):
    """Thirty approved articles cost no more queries than one: each section is one LIMITed read."""
    for n in range(30):
        make.article(title=f"Approved {n}", status=S.APPROVED)
    client.force_login(people["editor"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:index")).content.decode()
    assert "Approved 9" in page and "Approved 10" not in page and "All approved articles" in page
