"""A review dated before 1 January 1990 (a mistyped year) is refused by every path that records one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.content.review_dates import REVIEW_DATE_FLOOR
from articles.importing.plaintext import PageError, parse_page
from articles.models import Article, MedicalReview
from articles.reviews import services
from articles.workflow import rules as workflow
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

TOO_EARLY = ["0001-01-01", "1900-06-15", "1989-12-31"]
DAY_BEFORE = REVIEW_DATE_FLOOR - datetime.timedelta(days=1)


def test_the_floor_is_1_january_1990():
    """The floor the issue asks for, defined once."""
    assert REVIEW_DATE_FLOOR == datetime.date(1990, 1, 1)


@pytest.mark.parametrize("reviewed_on", TOO_EARLY)
def test_model_validation_refuses_a_review_before_the_floor(make, reviewed_on):
    """full_clean names the field and says why, with the date it read."""
    review = MedicalReview(article=make.article(), reviewer=make.reviewer(), reviewed_on=datetime.date.fromisoformat(reviewed_on))
    with pytest.raises(ValidationError) as caught:
        review.full_clean()
    assert caught.value.message_dict["reviewed_on"] == [
        f"A review date cannot be before 1 January 1990. Check the year of {reviewed_on}."
    ]


def test_a_review_on_the_floor_itself_is_accepted(make):
    """1 January 1990 is allowed: the floor is inclusive."""
    review = MedicalReview(article=make.article(), reviewer=make.reviewer(), reviewed_on=REVIEW_DATE_FLOOR)
    review.full_clean()
    review.save()
    assert Article.objects.get(pk=review.article_id).last_reviewed_on == REVIEW_DATE_FLOOR


def test_the_database_refuses_a_review_before_the_floor_even_without_validation(make):
    """A write that skips full_clean (a backup, bulk_create, raw SQL) hits the check constraint."""
    article, reviewer = make.article(), make.reviewer()
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicalReview.objects.create(article=article, reviewer=reviewer, reviewed_on=datetime.date(1, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicalReview.objects.bulk_create([MedicalReview(article=article, reviewer=reviewer, reviewed_on=DAY_BEFORE)])
    assert not MedicalReview.objects.exists()


@pytest.mark.parametrize("reviewed_on", TOO_EARLY)
def test_the_review_admin_refuses_a_date_before_the_floor(admin_client, make, reviewed_on):
    """The medical review add form shows the message and saves nothing."""
    article, reviewer = make.article(), make.reviewer()
    response = admin_client.post("/admin/articles/medicalreview/add/", {
        "article": article.pk, "reviewer": reviewer.pk, "reviewed_on": reviewed_on, "scope": "full",
        "sections": "", "notes": "", "conflict_of_interest": "None declared",
    })
    assert response.status_code == 200
    assert "cannot be before 1 January 1990" in response.text
    assert not MedicalReview.objects.exists()


def test_the_article_admins_review_inline_refuses_a_date_before_the_floor(admin_client, make):
    """A review row typed into the article's change form with year 0001 is a form error; the article is not saved either."""
    article, reviewer = make.article(title="Asthma"), make.reviewer()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(admin_client.get(url))
    n = int(data["reviews-TOTAL_FORMS"])
    data.update({
        "title": "Asthma, edited", "reviews-TOTAL_FORMS": str(n + 1),
        f"reviews-{n}-reviewer": str(reviewer.pk), f"reviews-{n}-reviewed_on": "0001-01-01",
        f"reviews-{n}-scope": "full", f"reviews-{n}-conflict_of_interest": "None declared", f"reviews-{n}-article": str(article.pk),
    })
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "cannot be before 1 January 1990" in response.text
    assert not MedicalReview.objects.exists()
    assert Article.objects.get(pk=article.pk).title == "Asthma"


def test_the_sign_off_button_refuses_a_date_before_the_floor(client, make):
    """The reviewer's sign-off form shows the message; the article stays in review with no review recorded."""
    rita = make.staff_in("Medical reviewer", username="rita")
    article = make.article(status=Article.Status.IN_REVIEW)
    client.force_login(rita)
    response = client.post(
        reverse("admin:articles_article_transition", args=[article.pk, "sign_off"]),
        {"reviewed_on": "1989-12-31", "scope": "full", "conflict_of_interest": "None declared"},
    )
    assert response.status_code == 200
    assert "cannot be before 1 January 1990" in response.text
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    assert not MedicalReview.objects.exists()


def test_the_sign_off_service_refuses_a_date_before_the_floor(make):
    """workflow.sign_off, for callers other than the form, refuses it too and changes nothing."""
    rita = make.staff_in("Medical reviewer", username="rita")
    article = make.article(status=Article.Status.IN_REVIEW)
    with pytest.raises(workflow.TransitionNotAllowed, match="before 1 January 1990"):
        workflow.sign_off(article, rita, reviewed_on=DAY_BEFORE)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    assert not MedicalReview.objects.exists()


def test_recording_a_review_refuses_a_date_before_the_floor(make):
    """services.record_review (the review schedule's "no change needed") validates the date."""
    article = make.article()
    with pytest.raises(ValidationError, match="before 1 January 1990"):
        services.record_review(article, reviewer=make.reviewer(), reviewed_on=datetime.date(1900, 1, 1))
    assert not MedicalReview.objects.exists()


@pytest.mark.parametrize("written", ["1 January 0001", "31.12.1989", "1900-01-01"])
def test_the_plain_text_importer_refuses_a_review_before_the_floor_naming_the_line(written):
    """An imported page's review line before the floor is a page error on that line, like a future date."""
    with pytest.raises(PageError, match="cannot be before 1 January 1990") as caught:
        parse_page(f"Title\n\nMedically Reviewed by Dr. X on {written}\n\nBody.")
    assert caught.value.line == 3


def test_the_plain_text_importer_accepts_a_review_on_the_floor():
    """1 January 1990 on a page is read as written."""
    assert parse_page("Title\n\nMedically Reviewed by Dr. X on 1 January 1990\n\nBody.").reviewed_on == REVIEW_DATE_FLOOR


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_and_names_a_review_stored_before_the_floor(make):
    """A site upgraded with a 0001-01-01 review is told which review to correct; nothing is deleted or re-dated."""
    # Made with today's models, then taken back to the migration before the floor (later
    # migrations add article fields that the schema there lacks), and given the bad date there.
    review = make.review(make.article(slug="typo"), reviewed_on=datetime.date(2001, 1, 1))
    call_command("migrate", "articles", "0026_accessibility_counts", verbosity=0)  # the migration before the floor
    try:
        MedicalReview.objects.filter(pk=review.pk).update(reviewed_on=datetime.date(1, 1, 1))
        with pytest.raises(RuntimeError, match=f"review {review.pk} of article {review.article_id} dated 0001-01-01"):
            call_command("migrate", "articles", verbosity=0)
        assert MedicalReview.objects.get(pk=review.pk).reviewed_on == datetime.date(1, 1, 1)
        MedicalReview.objects.filter(pk=review.pk).update(reviewed_on=datetime.date(2001, 1, 1))
    finally:
        call_command("migrate", verbosity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicalReview.objects.filter(pk=review.pk).update(reviewed_on=DAY_BEFORE)
