"""The editorial workflow: who may move an article from which state to which, and the record of it.

Every transition goes through a function here, whether it comes from a button on
the article's page, a bulk action in the list or a script. Each one checks the
permission (``PermissionDenied``, a 403 in the admin), then the state
(``TransitionNotAllowed``, a form error), then changes the status and writes an
``ArticleEvent`` in one transaction. Nothing is changed when a check fails.

    draft -> in review -> approved -> published (now or at a time) -> archived
    in review -> draft (changes requested), published -> approved (unpublished),
    any state -> archived, archived -> draft (restored)
"""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import accessibility
from .models import Article, ArticleEvent, MedicalReview

Status = Article.Status


class TransitionNotAllowed(ValidationError):
    """The article's state (or the input) does not allow this transition."""


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str
    help: str = ""


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "Submit for medical review", frozenset({Status.DRAFT}), Status.IN_REVIEW,
                   "articles.submit_article", "A medical reviewer checks it next."),
        Transition("sign_off", "Sign off", frozenset({Status.IN_REVIEW}), Status.APPROVED,
                   "articles.signoff_article", "Records your medical review of the article as it is now."),
        Transition("request_changes", "Send back with changes", frozenset({Status.IN_REVIEW}), Status.DRAFT,
                   "articles.signoff_article", "Returns it to its writer as a draft, with your comment."),
        Transition("publish", "Publish or schedule", frozenset({Status.APPROVED}), Status.PUBLISHED,
                   "articles.publish_article", "Public now, or at the time you choose."),
        Transition("unpublish", "Unpublish", frozenset({Status.PUBLISHED}), Status.APPROVED,
                   "articles.publish_article", "Takes it off the site; it stays approved."),
        Transition("archive", "Archive", frozenset({Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED}),
                   Status.ARCHIVED, "articles.archive_article", "Takes it off the site and out of the work lists."),
        Transition("restore", "Restore from archive", frozenset({Status.ARCHIVED}), Status.DRAFT,
                   "articles.archive_article", "Brings it back as a draft; it needs review and publishing again."),
    ]
}


# --- who may do what -----------------------------------------------------------------------------

def can_edit(user, article):
    """Whether ``user`` may change the article's content: editors any, writers their own drafts."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or user.has_perm("articles.edit_any_article"):
        return True
    return article.author_id == user.pk and article.status == Status.DRAFT


def check_permission(user, name, article):
    """Raise ``PermissionDenied`` unless ``user`` may perform transition ``name`` on ``article``."""
    transition = TRANSITIONS[name]
    if not (user.is_active and user.is_staff and user.has_perm(transition.permission)):
        raise PermissionDenied(f"You may not {transition.label.lower()} articles.")
    if name == "submit" and not can_edit(user, article):
        raise PermissionDenied("You may submit only your own drafts.")
    if name == "sign_off":
        reviewer = reviewer_profile(user)
        if reviewer is None:
            raise PermissionDenied("Only a medical reviewer (a user linked to an active reviewer profile) can sign off.")
        if article.author_id == user.pk:
            raise PermissionDenied("You cannot sign off an article you wrote.")


def allowed(user, name, article):
    """Whether the transition is permitted for this user and possible from the article's state."""
    try:
        check_permission(user, name, article)
    except PermissionDenied:
        return False
    return article.status in TRANSITIONS[name].sources


def available_transitions(user, article):
    """The transitions to offer ``user`` on ``article``'s page."""
    return [t for t in TRANSITIONS.values() if allowed(user, t.name, article)]


def reviewer_profile(user):
    profile = getattr(user, "reviewer_profile", None)
    return profile if profile is not None and profile.is_active else None


# --- what blocks publishing ----------------------------------------------------------------------

def publish_blockers(article):
    """Human-readable reasons the article cannot be published yet; empty when it can.

    One list for every rule, so each check added later (unknown citation
    markers, overdue review...) shows up on the page and blocks the button alike.
    """
    blockers = []
    if not article.reviews.exists():
        blockers.append("It has no medical review: a medical reviewer must sign it off first.")
    for problem in article.citation_problems().blockers:
        blockers.append(f"Citation problem: {problem}")
    for finding in accessibility.blockers(article.body):
        blockers.append(f"Accessibility problem: {finding}")
    return blockers


# --- the transitions -----------------------------------------------------------------------------

def submit(article, by, *, reviewer=None, comment=""):
    """Draft -> in review, optionally assigned to ``reviewer``."""
    updates = {"assigned_reviewer": reviewer} if reviewer is not None else {}
    return _transition(article, by, "submit", comment=comment, updates=updates)


def sign_off(article, by, *, reviewed_on=None, scope=MedicalReview.Scope.FULL, sections="", notes="",
             conflict_of_interest="None declared"):
    """In review -> approved, recording the signing reviewer's MedicalReview (dated today unless earlier)."""
    check_permission(by, "sign_off", article)
    _check_state(article, "sign_off")
    review = MedicalReview(
        article=article,
        reviewer=reviewer_profile(by),
        reviewed_on=reviewed_on or timezone.localdate(),
        scope=scope,
        sections=sections,
        notes=notes,
        conflict_of_interest=conflict_of_interest or "None declared",
    )
    try:
        review.full_clean(exclude=["article"])
    except ValidationError as error:
        raise TransitionNotAllowed(error.message_dict) from None
    with transaction.atomic():
        _transition(article, by, "sign_off", comment=notes)
        review.save()
        ArticleEvent.objects.create(
            article=article, actor=by, kind=ArticleEvent.Kind.REVIEW,
            comment=f"Signed off by {review.reviewer.display_name} on {review.reviewed_on:%d %B %Y}.",
        )
    return review


def request_changes(article, by, comment):
    """In review -> draft, with the reviewer's comment for the writer (required)."""
    if not (comment or "").strip():
        check_permission(by, "request_changes", article)
        raise TransitionNotAllowed({"comment": "Say what needs to change."})
    return _transition(article, by, "request_changes", comment=comment.strip())


def publish(article, by, *, at=None, comment=""):
    """Approved -> published: public now, or at ``at`` (a future time) without any job running."""
    check_permission(by, "publish", article)
    _check_state(article, "publish")
    now = timezone.now()
    if at is not None and at < now - datetime.timedelta(minutes=1):
        raise TransitionNotAllowed({"at": "The publish time is in the past: leave it empty to publish now."})
    blockers = publish_blockers(article)
    if blockers:
        raise TransitionNotAllowed(blockers)
    return _transition(article, by, "publish", comment=comment, updates={"publish_at": at or now})


def unpublish(article, by, *, comment=""):
    """Published -> approved: off the site at once."""
    return _transition(article, by, "unpublish", comment=comment)


def archive(article, by, *, comment=""):
    """Any state -> archived."""
    return _transition(article, by, "archive", comment=comment)


def restore(article, by, *, comment=""):
    """Archived -> draft."""
    return _transition(article, by, "restore", comment=comment)


FUNCTIONS = {
    "submit": submit, "sign_off": sign_off, "request_changes": request_changes, "publish": publish,
    "unpublish": unpublish, "archive": archive, "restore": restore,
}


def _check_state(article, name):
    transition = TRANSITIONS[name]
    if article.status not in transition.sources:
        raise TransitionNotAllowed(
            f"“{transition.label}” is not possible: the article is {article.get_status_display().lower()}."
        )


def _transition(article, by, name, *, comment="", updates=None):
    """Check, then move ``article`` along ``name`` and record it, all or nothing."""
    transition = TRANSITIONS[name]
    check_permission(by, name, article)
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        _check_state(current, name)
        from_status = current.status
        current.status = transition.target
        for field, value in (updates or {}).items():
            setattr(current, field, value)
        current._history_user = by
        current._change_reason = transition.label
        current.save(update_fields=["status", "updated_at", *(updates or {})])
        event = ArticleEvent.objects.create(
            article=current, actor=by, kind=ArticleEvent.Kind.TRANSITION,
            from_status=from_status, to_status=transition.target, comment=comment,
        )
    for field in ["status", "version", "publish_at", "assigned_reviewer_id", "updated_at"]:
        setattr(article, field, getattr(current, field))
    return event
