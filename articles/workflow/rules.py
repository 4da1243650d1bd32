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

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.content import accessibility
from articles.media import models as media
from articles.models import Article, ArticleEvent, MedicalReview
from articles.workflow import integrity

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

# What makes an editor: the Editor role's own permission (migration 0004_issue3_roles gives it to
# the "Editor" group; superusers hold every permission).
EDITOR_PERMISSION = "articles.edit_any_article"


def is_editor(user):
    """The one "is an editor" rule: an active account that may change any article. Used by the
    workflow, the review cycle (typo fixes, corrections), the admin and the reminders' recipients."""
    return bool(user) and user.is_active and user.has_perm(EDITOR_PERMISSION)


def editors():
    """The active accounts :func:`is_editor` holds true for through their own or their groups'
    permissions (a superuser outside the Editor role is not mailed as an editor)."""
    return get_user_model().objects.with_perm(
        EDITOR_PERMISSION, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
    )


def can_edit(user, article):
    """Whether ``user`` may change the article's content: editors any, writers their own drafts."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or is_editor(user):
        return True
    return article.author_id == user.pk and article.status == Status.DRAFT


def check_content_change(user, article, *, live_confirmed=False):
    """The one rule for changing an article's content, whatever the path: the admin form, a
    restored revision, the related-link admin, an import run by a person, a future API.

    Raises ``PermissionDenied`` unless ``user`` may edit the article (``can_edit``: writers only
    their own drafts, so never what is live). A published article's text changes live, ahead of
    its medical review (the page then says "updated after its last medical review"), so a path
    that replaces it wholesale (a restore) asks the editor to confirm: without ``live_confirmed``,
    ``TransitionNotAllowed``.
    """
    if not can_edit(user, article):
        raise PermissionDenied("You may not change this article: writers change only their own drafts.")
    if article.status == Status.PUBLISHED and not live_confirmed:
        raise TransitionNotAllowed(
            "This article is published: the change goes live at once, and the page will say it was updated "
            "after its last medical review until a reviewer signs it off. Confirm to go ahead."
        )


def check_live_content(article):
    """Raise ``TransitionNotAllowed`` when a published article's saved content has a publishing
    blocker (a citation marker that cites nothing): what readers would see must pass the checks
    that publishing does. Call inside the transaction that made the change, so it is undone."""
    if article.status != Status.PUBLISHED:
        return
    problems = [f"{p} A published article cannot cite a missing reference." for p in article.citation_problems().blockers]
    problems += [f"{p} A published article must meet the image rules." for p in image_problems(article)]
    if problems:
        raise TransitionNotAllowed(problems)


def record_related_link_change(link, by, verb):
    """The audit entry for a related link added, changed or removed outside the article's own
    form (whose saves are revisions): ``verb`` is "added", "changed" or "removed"."""
    return ArticleEvent.objects.create(
        article_id=link.article_id, actor=by, kind=ArticleEvent.Kind.NOTE,
        comment=f"Related link to “{link.target}” {verb} (position {link.position}) in the related links list.",
    )


def check_may_review(user, article):
    """Raise ``PermissionDenied`` unless ``user`` may record a medical review of ``article``: an
    active reviewer profile, and not the article's author. Sign-off and "reviewed, no change
    needed" both ask here."""
    if reviewer_profile(user) is None:
        raise PermissionDenied("Only a medical reviewer (a user linked to an active reviewer profile) can review.")
    if article.author_id is not None and article.author_id == user.pk:
        raise PermissionDenied("You cannot review an article you wrote.")


def check_permission(user, name, article):
    """Raise ``PermissionDenied`` unless ``user`` may perform transition ``name`` on ``article``."""
    transition = TRANSITIONS[name]
    if not (user.is_active and user.is_staff and user.has_perm(transition.permission)):
        raise PermissionDenied(f"You may not {transition.label.lower()} articles.")
    if name == "submit" and not can_edit(user, article):
        raise PermissionDenied("You may submit only your own drafts.")
    if name == "sign_off":
        check_may_review(user, article)


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
    """The one lookup of a signed-in person's reviewer profile: the active ``Reviewer`` linked to an
    active staff account, else None (sign-off, "reviewed, no change needed", the reviewer's list
    and desk). Read once per user object (the reverse one-to-one keeps it)."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return None
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
    elif integrity.changed_since_review_now(article.pk):
        blockers.append("It changed after its medical review: a reviewer must review it again "
                        "(or an editor marks the change a typo fix).")
    for problem in article.citation_problems().blockers:
        blockers.append(f"Citation problem: {problem}")
    for finding in accessibility.blockers(article.body):
        blockers.append(f"Accessibility problem: {finding}")
    for problem in image_problems(article):
        blockers.append(f"Image problem: {problem}")
    return blockers


def image_problems(article):
    """The lead image's and body figures' blockers: no alt text (and not decorative), an
    identifiable person without consent, a figure whose image is gone (docs/media.md)."""
    ids = media.shown_ids(article.lead_image_id, article.body)
    return media.publish_problems(article.lead_image_id, article.body, media.images_by_id(ids))


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
    updates = {"publish_at": at or now}
    # The first publish is kept: recorded, or the publish time of an article that was live before
    # it was recorded (an import, or before migration 0022). A schedule that never went live counts
    # for nothing.
    first = article.first_published
    if first is None or first > now:
        updates["first_published_at"] = updates["publish_at"]
    elif article.first_published_at is None:
        updates["first_published_at"] = first
    return _transition(article, by, "publish", comment=comment, updates=updates)


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
    return _move(article, by, transition.target, transition.sources, label=transition.label, comment=comment,
                 updates=updates)


def _move(article, by, target, sources, *, label, comment="", updates=None):
    """Lock the row, check it is still in one of ``sources``, set ``target`` and record the event."""
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if current.status not in sources:
            raise TransitionNotAllowed(f"“{label}” is not possible: the article is {current.get_status_display().lower()}.")
        from_status = current.status
        current.status = target
        for field, value in (updates or {}).items():
            setattr(current, field, value)
        current._history_user = by
        current._change_reason = label
        current.save(update_fields=["status", "updated_at", *(updates or {})])
        event = ArticleEvent.objects.create(
            article=current, actor=by, kind=ArticleEvent.Kind.TRANSITION,
            from_status=from_status, to_status=target, comment=comment,
        )
    for field in ["status", "version", "publish_at", "first_published_at", "assigned_reviewer_id", "updated_at"]:
        setattr(article, field, getattr(current, field))
    return event


def announce_correction(article, by, note, *, at=None):
    """Publish a dated correction note on ``article``: shown in its review history and on
    /corrections/ (issue 26, docs/feedback.md). The page's ``dateModified`` moves to ``at``; its
    "last reviewed" date does not (the note is not a medical review). Editors only."""
    if not (by.is_active and by.is_staff and by.has_perm("articles.publish_article")):
        raise PermissionDenied("Only editors may publish a correction.")
    note = (note or "").strip()
    if not note:
        raise ValidationError("Write the correction readers will see.")
    at = at or timezone.now()
    with transaction.atomic():
        event = ArticleEvent.objects.create(
            article=article, actor=by, kind=ArticleEvent.Kind.CORRECTION, comment=note, announced=True, created_at=at
        )
        Article.objects.filter(pk=article.pk).update(content_changed_at=at)
    return event


def publish_imported(article, *, at, comment):
    """Draft or approved -> published for an importer, at the original time ``at`` (past or future).

    The same blockers as :func:`publish` apply (a medical review, sound citations): an
    import never puts an unreviewed article live. There is no user to check: the
    import commands run on the server with its authority, and the event's comment
    names the file. Raises ``TransitionNotAllowed`` and changes nothing when blocked.
    """
    blockers = publish_blockers(article)
    if blockers:
        raise TransitionNotAllowed(blockers)
    return _move(article, None, Status.PUBLISHED, {Status.DRAFT, Status.APPROVED}, label="Published by the importer",
                 comment=comment, updates={"publish_at": at})
