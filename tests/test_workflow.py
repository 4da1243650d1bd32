"""The editorial workflow's rules, through its service functions: roles x transitions, records, blockers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article, ArticleEvent, MedicalReview
from articles.workflow import rules as workflow

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def people(make):
    return {
        "writer": make.staff_in("Writer", username="wendy"),
        "other_writer": make.staff_in("Writer", username="walter"),
        "reviewer": make.staff_in("Medical reviewer", username="rita"),
        "editor": make.staff_in("Editor", username="eddie"),
        "superuser": make.user(username="root", is_superuser=True),
    }


def _article_in(make, status, author, reviewed=False):
    article = make.article(status=status, author=author)
    if reviewed:
        make.review(article)
    return article


def _run(name, article, by):
    if name == "sign_off":
        return workflow.sign_off(article, by)
    if name == "request_changes":
        return workflow.request_changes(article, by, "Please cite the 2024 guideline.")
    if name == "schedule":
        return workflow.publish(article, by, at=timezone.now() + datetime.timedelta(days=2))
    return workflow.FUNCTIONS[name](article, by=by)


FROM = {
    "submit": S.DRAFT, "sign_off": S.IN_REVIEW, "request_changes": S.IN_REVIEW, "review_again": S.APPROVED,
    "publish": S.APPROVED, "schedule": S.APPROVED, "unpublish": S.PUBLISHED, "archive": S.PUBLISHED,
    "restore": S.ARCHIVED,
}
TO = {
    "submit": S.IN_REVIEW, "sign_off": S.APPROVED, "request_changes": S.DRAFT, "review_again": S.IN_REVIEW,
    "publish": S.PUBLISHED, "schedule": S.PUBLISHED, "unpublish": S.APPROVED, "archive": S.ARCHIVED,
    "restore": S.DRAFT,
}
ALLOWED = {
    # role: transitions it may perform on an article written by "writer"
    "writer": {"submit"},
    "other_writer": set(),
    "reviewer": {"sign_off", "request_changes"},
    "editor": {"submit", "review_again", "publish", "schedule", "unpublish", "archive", "restore"},
    "superuser": {"submit", "review_again", "publish", "schedule", "unpublish", "archive", "restore", "request_changes"},
}


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("name", list(FROM))
def test_permission_matrix(people, make, role, name):
    """Each role may perform exactly its transitions; a refused one changes nothing and records nothing."""
    article = _article_in(make, FROM[name], author=people["writer"], reviewed=True)
    version = Article.objects.get(pk=article.pk).version
    if name in ALLOWED[role]:
        _run(name, article, people[role])
        article.refresh_from_db()
        assert article.status == TO[name]
        event = ArticleEvent.objects.filter(article=article, kind=ArticleEvent.Kind.TRANSITION).get()
        assert (event.from_status, event.to_status, event.actor) == (FROM[name], TO[name], people[role])
    else:
        with pytest.raises(PermissionDenied):
            _run(name, article, people[role])
        article.refresh_from_db()
        assert article.status == FROM[name]
        assert article.version == version
        assert not ArticleEvent.objects.filter(article=article).exists()


def test_superuser_without_a_reviewer_profile_cannot_sign_off(people, make):
    """A sign-off is a clinician's review; a superuser who is not one is refused with the reason."""
    article = _article_in(make, S.IN_REVIEW, author=people["writer"])
    with pytest.raises(PermissionDenied, match="reviewer profile"):
        workflow.sign_off(article, people["superuser"])


def test_reviewer_cannot_sign_off_an_article_they_wrote(people, make):
    """Nobody reviews their own writing."""
    article = _article_in(make, S.IN_REVIEW, author=people["reviewer"])
    with pytest.raises(PermissionDenied, match="you wrote"):
        workflow.sign_off(article, people["reviewer"])
    assert not MedicalReview.objects.filter(article=article).exists()


def test_writer_cannot_submit_someone_elses_draft(people, make):
    article = _article_in(make, S.DRAFT, author=people["other_writer"])
    with pytest.raises(PermissionDenied, match="own drafts"):
        workflow.submit(article, people["writer"])


def test_sign_off_creates_the_review_as_that_reviewer_dated_today(people, make):
    """Signing off records a MedicalReview by the signing reviewer, today unless told an earlier date."""
    article = _article_in(make, S.IN_REVIEW, author=people["writer"])
    review = workflow.sign_off(article, people["reviewer"], notes="Dosages checked.")
    assert review.reviewer == people["reviewer"].reviewer_profile
    assert review.reviewed_on == timezone.localdate()
    assert article.status == S.APPROVED
    assert ArticleEvent.objects.filter(article=article, kind=ArticleEvent.Kind.REVIEW).exists()


def test_sign_off_with_an_earlier_date(people, make):
    article = _article_in(make, S.IN_REVIEW, author=people["writer"])
    earlier = timezone.localdate() - datetime.timedelta(days=3)
    assert workflow.sign_off(article, people["reviewer"], reviewed_on=earlier).reviewed_on == earlier


def test_sign_off_with_a_future_date_is_refused_and_changes_nothing(people, make):
    article = _article_in(make, S.IN_REVIEW, author=people["writer"])
    with pytest.raises(workflow.TransitionNotAllowed, match="future"):
        workflow.sign_off(article, people["reviewer"], reviewed_on=timezone.localdate() + datetime.timedelta(days=1))
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert not article.reviews.exists()


def test_request_changes_needs_a_comment(people, make):
    article = _article_in(make, S.IN_REVIEW, author=people["writer"])
    with pytest.raises(workflow.TransitionNotAllowed, match="what needs to change"):
        workflow.request_changes(article, people["reviewer"], "  ")
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW


def test_request_changes_records_the_comment(people, make):
    article = _article_in(make, S.IN_REVIEW, author=people["writer"])
    workflow.request_changes(article, people["reviewer"], "Cite the 2024 guideline.")
    event = article.events.get()
    assert event.comment == "Cite the 2024 guideline."
    assert (event.from_status, event.to_status) == (S.IN_REVIEW, S.DRAFT)


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.ARCHIVED])
def test_publishing_from_a_state_other_than_approved_is_refused(people, make, status):
    """A transition the state does not allow is refused with a message naming the state."""
    article = _article_in(make, status, author=people["writer"], reviewed=True)
    with pytest.raises(workflow.TransitionNotAllowed, match="not possible"):
        workflow.publish(article, people["editor"])
    assert Article.objects.get(pk=article.pk).status == status


def test_an_article_without_a_medical_review_cannot_be_published(people, make):
    article = _article_in(make, S.APPROVED, author=people["writer"])
    assert workflow.publish_blockers(article) == [
        "It has no medical review: a medical reviewer must sign it off first."
    ]
    with pytest.raises(workflow.TransitionNotAllowed, match="no medical review"):
        workflow.publish(article, people["editor"])
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_scheduling_in_the_past_is_refused(people, make):
    article = _article_in(make, S.APPROVED, author=people["writer"], reviewed=True)
    with pytest.raises(workflow.TransitionNotAllowed, match="in the past"):
        workflow.publish(article, people["editor"], at=timezone.now() - datetime.timedelta(hours=2))
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_scheduled_article_becomes_public_when_its_time_passes(people, make):
    article = _article_in(make, S.APPROVED, author=people["writer"], reviewed=True)
    at = timezone.now() + datetime.timedelta(hours=3)
    workflow.publish(article, people["editor"], at=at)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=at + datetime.timedelta(seconds=1)).filter(pk=article.pk).exists()


def test_transitions_are_recorded_newest_first(people, make):
    """The audit trail lists who moved the article from where to where, newest first."""
    article = _article_in(make, S.DRAFT, author=people["writer"])
    workflow.submit(article, people["writer"])
    workflow.request_changes(article, people["reviewer"], "More detail on side effects.")
    workflow.submit(article, people["writer"])
    workflow.sign_off(article, people["reviewer"])
    workflow.publish(article, people["editor"])
    trail = [(e.from_status, e.to_status, e.actor.username) for e in article.events.filter(kind="transition")]
    assert trail == [
        (S.APPROVED, S.PUBLISHED, "eddie"),
        (S.IN_REVIEW, S.APPROVED, "rita"),
        (S.DRAFT, S.IN_REVIEW, "wendy"),
        (S.IN_REVIEW, S.DRAFT, "rita"),
        (S.DRAFT, S.IN_REVIEW, "wendy"),
    ]
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_waiting_for_me_lists_assigned_reviews_and_drafts_sent_back(people, make):
    """Reviewers see what is in review for them (or unassigned); writers see drafts sent back to them."""
    rita = people["reviewer"]
    other_reviewer = make.reviewer()
    mine = _article_in(make, S.DRAFT, author=people["writer"])
    workflow.submit(mine, people["writer"], reviewer=rita.reviewer_profile)
    unassigned = _article_in(make, S.DRAFT, author=people["writer"])
    workflow.submit(unassigned, people["writer"])
    someone_elses = _article_in(make, S.DRAFT, author=people["writer"])
    workflow.submit(someone_elses, people["writer"], reviewer=other_reviewer)
    sent_back = _article_in(make, S.DRAFT, author=people["writer"])
    workflow.submit(sent_back, people["writer"])
    workflow.request_changes(sent_back, rita, "Fix the dose.")
    _article_in(make, S.DRAFT, author=people["writer"])  # a plain draft, never sent back

    assert set(Article.objects.waiting_for(rita)) == {mine, unassigned}
    assert set(Article.objects.waiting_for(people["writer"])) == {sent_back}
    assert not Article.objects.waiting_for(people["other_writer"]).exists()


def test_bulk_and_single_transitions_share_the_version_bump(people, make):
    """A transition is a save: it bumps the version, so a form opened before it is stale."""
    article = _article_in(make, S.DRAFT, author=people["writer"])
    before = article.version
    workflow.submit(article, people["writer"])
    assert article.version == before + 1 == Article.objects.get(pk=article.pk).version


def test_a_draft_restored_from_archive_is_not_listed_as_sent_back(people, make):
    """Only a draft whose latest move was a reviewer sending it back counts as sent back."""
    article = _article_in(make, S.DRAFT, author=people["writer"])
    workflow.submit(article, people["writer"])
    workflow.request_changes(article, people["reviewer"], "Fix it.")
    assert list(Article.objects.waiting_for(people["writer"])) == [article]
    workflow.archive(article, people["editor"])
    workflow.restore(article, people["editor"])
    assert not Article.objects.waiting_for(people["writer"]).exists()
