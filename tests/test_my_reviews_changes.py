"""Issue 22: "My reviews" shows what changed since the last review before "Reviewed, no change needed"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import MedicalReview
from articles.reviews import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(make):
    return make.staff_in("Medical reviewer", username="rita")


@pytest.fixture
def changed(make, reviewer):
    """An article the reviewer signed off, whose body an editor then changed substantively."""
    article = make.article(title="Lymphoedema after surgery", body="<p>Swelling can happen in the arm.</p>")
    make.review(article, reviewer_=reviewer.reviewer_profile)
    article.refresh_from_db()
    article.body = "<p>Swelling can happen in the arm or the breast. Call your team at once.</p>"
    article.save()
    services.record_content_change(article, by=make.staff_in("Editor", username="eddie"), changed=["body"])
    return article


def test_a_changed_article_offers_the_changes_not_the_one_click_confirmation(client, reviewer, changed):
    """The row links to the changes; no one-click form is offered for it."""
    client.force_login(reviewer)
    page = client.get(reverse("staff:my_reviews")).content.decode()
    assert reverse("staff:review_changes", args=[changed.pk]) in page
    assert reverse("staff:confirm_no_change", args=[changed.pk]) not in page


def test_the_changes_page_shows_the_diff_since_the_review_and_then_confirms(client, reviewer, changed):
    """Old and new body side by side, then the confirmation records a no-change review."""
    client.force_login(reviewer)
    page = client.get(reverse("staff:review_changes", args=[changed.pk])).content.decode()
    assert "Swelling can happen in the arm." in page and "Call your team at once." in page
    assert '<span class="diff-changed">changed</span>' in page
    seen = changed.history.order_by("-history_id").first().history_id
    response = client.post(reverse("staff:confirm_no_change", args=[changed.pk]), {"seen_revision": seen})
    assert response.status_code == 302
    assert changed.reviews.filter(scope=MedicalReview.Scope.NO_CHANGE).exists()


def test_confirming_a_changed_article_without_seeing_the_latest_change_is_refused(client, reviewer, changed):
    """A forged one-click post, or one made before a newer edit, records nothing and leads to the changes."""
    client.force_login(reviewer)
    shown = changed.history.order_by("-history_id").first().history_id
    changed.title = "Lymphoedema after breast surgery"
    changed.save()
    for data in [{}, {"seen_revision": shown}]:
        response = client.post(reverse("staff:confirm_no_change", args=[changed.pk]), data)
        assert response.url == reverse("staff:review_changes", args=[changed.pk])
    assert not changed.reviews.filter(scope=MedicalReview.Scope.NO_CHANGE).exists()


def test_an_unchanged_due_article_keeps_its_one_click_confirmation(client, make, reviewer):
    """Due but not changed: the one-click form stays."""
    article = make.article(reviewed_by=reviewer.reviewer_profile, reviewed_on=timezone.localdate() - datetime.timedelta(days=400))
    client.force_login(reviewer)
    page = client.get(reverse("staff:my_reviews")).content.decode()
    assert reverse("staff:confirm_no_change", args=[article.pk]) in page
    assert client.post(reverse("staff:confirm_no_change", args=[article.pk])).status_code == 302
    assert article.reviews.filter(scope=MedicalReview.Scope.NO_CHANGE).exists()


def test_another_reviewers_article_has_no_changes_page(client, make, changed):
    """The changes page is for the reviewer whose review it follows."""
    client.force_login(make.staff_in("Medical reviewer", username="other"))
    assert client.get(reverse("staff:review_changes", args=[changed.pk])).status_code == 404
