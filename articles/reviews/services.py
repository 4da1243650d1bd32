"""The review cycle's writes: recording reviews, confirming no change, content changes and waivers."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleEvent, MedicalReview
from articles.reviews.queries import CHANGED_SINCE_REVIEW, due_by, last_reviewed_by, with_review_dates
from articles.workflow import integrity
from articles.workflow import rules as workflow

# --- Services (writes) -------------------------------------------------------------------------


def record_review(article, *, reviewer, by=None, reviewed_on=None, scope=None, sections="", notes="",
                  conflict_of_interest="None declared"):
    """Record a medical review and its audit entry; validates like the admin does."""
    review = MedicalReview(
        article=article,
        reviewer=reviewer,
        reviewed_on=reviewed_on or timezone.localdate(),
        scope=scope or MedicalReview.Scope.FULL,
        sections=sections,
        notes=notes,
        conflict_of_interest=conflict_of_interest or "None declared",
    )
    review.full_clean()
    with transaction.atomic():
        review.save()
        log_review(review, by=by)
    return review


def log_review(review, *, by=None):
    """The audit entry for a review saved elsewhere (e.g. the admin inline)."""
    return ArticleEvent.objects.create(
        article_id=review.article_id,
        actor=by,
        kind=ArticleEvent.Kind.REVIEW,
        comment=f"{review.get_scope_display()} by {review.reviewer} on {review.reviewed_on:%d %B %Y}",
    )


CONFIRM_WITHIN_DAYS = 30  # a reviewer may confirm an article this many days before it is due


def confirmable(user, today=None):
    """Articles the user, as a reviewer, may confirm "reviewed, no change needed" in one action.

    Their own articles (they signed off the latest review) that are overdue, due within 30
    days or changed since review, never one they wrote (``workflow.check_may_review``). A
    never-reviewed article needs a full review instead.
    """
    reviewer = workflow.reviewer_profile(user)
    if reviewer is None:
        return Article.objects.none()
    today = today or timezone.localdate()
    mine = last_reviewed_by(with_review_dates(Article.objects.in_review_cycle()), reviewer).exclude(author=user)
    return mine.filter(due_by(today + datetime.timedelta(days=CONFIRM_WITHIN_DAYS)) | CHANGED_SINCE_REVIEW)


def changed_before_publishing(user):
    """Articles the user, as a reviewer, signed off (the latest review is theirs) whose content changed
    since and which are not published: approved ones, which cannot be published until the change is
    reviewed, and those an editor sent back for review. They sign each off again (or send it back to
    its writer) from the article's own page, which shows what changed. Never one they wrote."""
    reviewer = workflow.reviewer_profile(user)
    if reviewer is None:
        return Article.objects.none()
    waiting = Article.objects.filter(status__in=[Article.Status.APPROVED, Article.Status.IN_REVIEW])
    return last_reviewed_by(waiting, reviewer).filter(CHANGED_SINCE_REVIEW).exclude(author=user)


def confirm_no_change(article_id, *, user, notes=""):
    """One click from the reviewer's list: a "reviewed, no change needed" review dated today."""
    reviewer = workflow.reviewer_profile(user)
    if reviewer is None:
        raise PermissionDenied("Only an active medical reviewer can confirm a review.")
    with transaction.atomic():
        # Lock the row so a double click cannot record two reviews.
        locked = Article.objects.select_for_update().filter(pk=article_id).first()
        if locked is not None:
            workflow.check_may_review(user, locked)
        if locked is None or not confirmable(user).filter(pk=article_id).exists():
            raise ValidationError("This article is not due for your review.")
        return record_review(
            locked, reviewer=reviewer, by=user, scope=MedicalReview.Scope.NO_CHANGE, notes=notes.strip()[:2000]
        )


def record_content_change(article, *, by, changed, typo_fix=False, was_changed=None):
    """Write the audit entry for an edit of ``changed`` (field names, "citations"), already saved.

    "Changed since review" follows from the content itself (``articles.workflow.integrity``); nothing to
    set here. An editor may call the edit a typo fix: the content as saved is then accepted as
    covered by the latest review, and the audit trail says who decided so. ``was_changed``: the
    article already differed from its review before this edit (that earlier change still shows).
    """
    changed = list(changed)
    if not changed:
        return None
    if typo_fix and not workflow.is_editor(by):
        raise PermissionDenied("Only editors can mark a change as a typo fix.")
    listed = ", ".join(changed)
    with transaction.atomic():
        if typo_fix:
            if not was_changed:
                integrity.refresh([article.pk])
                integrity.accept_current_content(article.pk)
                article.refresh_from_db(fields=["content_fingerprint", "reviewed_fingerprint", "content_changed_at"])
            return ArticleEvent.objects.create(
                article=article, actor=by, kind=ArticleEvent.Kind.TYPO_FIX,
                comment=f"Changed {listed}; marked as a typo fix, not a substantive change.",
            )
        article.refresh_from_db(fields=["content_fingerprint", "reviewed_fingerprint", "content_changed_at"])
        if article.status == Article.Status.PUBLISHED:
            return ArticleEvent.objects.create(
                article=article, actor=by, kind=ArticleEvent.Kind.EDIT, comment=f"Changed {listed}."
            )
    return None


def typo_fix_refusal(article):
    """Why the change since the article's latest review cannot be marked a typo fix, or "": a typo
    fix covers wording, never pictures (``integrity.typo_fix_refusal``). When the review kept no
    copy of what it covered, what changed is not known and the editor's judgement stands."""
    kept, now = integrity.since_review(article.pk)
    if kept is None or now is None:
        return ""
    return integrity.typo_fix_refusal(kept, now)


def waive_change(article, *, by):
    """After the fact, an editor calls the change since review a typo fix: the flag clears.

    The content as it is now is accepted as covered by the latest review
    (``integrity.waive``), and a TYPO_FIX event keeps the decision and the date of the change it
    waived. Returns False when the article was not flagged; raises ``ValidationError`` when the
    change is not one a typo fix may cover (:func:`typo_fix_refusal`: its pictures changed).
    """
    if not workflow.is_editor(by):
        raise PermissionDenied("Only editors can mark a change as a typo fix.")
    refused = typo_fix_refusal(article)
    if refused:
        raise ValidationError(refused)
    changed_at = article.content_changed_at or article.updated_at
    return integrity.waive(
        article, by=by,
        comment=f"The change of {timezone.localtime(changed_at):%d %B %Y %H:%M} was marked a typo fix "
                "after the fact, not a substantive change.",
    )
