"""The editorial workflow: who may move an article from which state to which, and the record of it.

Every transition goes through a function here, whether it comes from a button on
the article's page, a bulk action in the list or a script. Each one checks the
permission (``PermissionDenied``, a 403 in the admin), then the state
(``TransitionNotAllowed``, a form error), then changes the status and writes an
``ArticleEvent`` in one transaction. Nothing is changed when a check fails.

    draft -> in review -> approved -> published (now or at a time) -> archived
    in review -> draft (changes requested), published -> approved (unpublished),
    any state -> archived, archived -> draft (restored),
    approved -> in review (an editor sends it back for review)

An approved article whose content changed since its medical review (an edit, a cited reference,
a picture's alt text in the media library) cannot be published (``publish_blockers``). Its reviewer
can then review it from where it stands: sign off again (it stays approved, with a new review
covering the change) or send it back to the writer, the two transitions whose
``changed_sources`` hold "approved"; or an editor sends it back for review.
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
    # States it is possible from only when the content changed since the latest medical review (:func:`refusal`).
    changed_sources: frozenset = frozenset()


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "Submit for medical review", frozenset({Status.DRAFT}), Status.IN_REVIEW,
                   "articles.submit_article", "A medical reviewer checks it next."),
        Transition("sign_off", "Sign off", frozenset({Status.IN_REVIEW}), Status.APPROVED,
                   "articles.signoff_article", "Records your medical review of the article as it is now.",
                   changed_sources=frozenset({Status.APPROVED})),
        Transition("request_changes", "Send back with changes", frozenset({Status.IN_REVIEW}), Status.DRAFT,
                   "articles.signoff_article", "Returns it to its writer as a draft, with your comment.",
                   changed_sources=frozenset({Status.APPROVED})),
        Transition("review_again", "Send back for review", frozenset({Status.APPROVED}), Status.IN_REVIEW,
                   "articles.publish_article",
                   "A medical reviewer reviews it again, seeing what changed since the last review, before it can be "
                   "published."),
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


def refusal(name, article):
    """Why ``article``'s state does not allow transition ``name``, or "" when it does: its status is
    one of the transition's ``sources``, or one of its ``changed_sources`` and the content changed
    since its latest medical review (three queries, only then)."""
    transition = TRANSITIONS[name]
    if article.status in transition.sources:
        return ""
    state = article.get_status_display().lower()
    if article.status in transition.changed_sources:
        if integrity.changed_since_review_now(article.pk):
            return ""
        return f"“{transition.label}” is not possible: the article is {state} and has not changed since its medical review."
    return f"“{transition.label}” is not possible: the article is {state}."


def allowed(user, name, article):
    """Whether the transition is permitted for this user and possible from the article's state."""
    try:
        check_permission(user, name, article)
    except PermissionDenied:
        return False
    return not refusal(name, article)


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

class Blocker(str):
    """One reason an article cannot be published. It reads as its text wherever a string goes (form
    errors, messages, scripts); ``image`` is the media library's image to open to fix it, when the
    fix is there (the admin links the reason to that image's page)."""

    image = None

    def __new__(cls, text, *, image=None):
        blocker = super().__new__(cls, text)
        blocker.image = image
        return blocker


def publish_blockers(article):
    """Human-readable reasons the article cannot be published yet (:class:`Blocker`); empty when it can.

    One list for every rule, so each check added later (unknown citation
    markers, overdue review...) shows up on the page and blocks the button alike.
    """
    blockers = []
    if not article.reviews.exists():
        blockers.append(Blocker("It has no medical review: a medical reviewer must sign it off first."))
    elif integrity.changed_since_review_now(article.pk):
        blockers.append(Blocker(changed_since_review_blocker(article)))
    for problem in article.citation_problems().blockers:
        blockers.append(Blocker(f"Citation problem: {problem}"))
    for finding in accessibility.blockers(article.body):
        blockers.append(Blocker(f"Accessibility problem: {finding}"))
    for image, problem in media.publish_problems(article.lead_image_id, article.body, _images_shown(article)):
        blockers.append(Blocker(f"Image problem: {problem}", image=image))
    return blockers


def changed_since_review_blocker(article):
    """The reason an article changed since its medical review cannot be published: what changed
    (when the review kept a copy) and the ways forward; a typo fix only where it may serve."""
    kept, now = integrity.since_review(article.pk)
    parts = integrity.changed_parts(kept, now) if kept is not None and now is not None else []
    what = f" ({', '.join(integrity.PART_LABELS[part] for part in parts)})" if parts else ""
    text = (f"It changed after its medical review{what}: a medical reviewer must review the change. Its reviewer "
            "can sign it off again from this article, or an editor sends it back for review.")
    if kept is None or now is None or not integrity.typo_fix_refusal(kept, now):
        text += " If the change only corrects wording, an editor may mark it a typo fix instead."
    return text


def image_problems(article):
    """The texts of the lead image's and body figures' blockers: no alt text (and not decorative),
    an identifiable person without consent, a figure whose image is gone (docs/media.md)."""
    return [text for _image, text in media.publish_problems(article.lead_image_id, article.body, _images_shown(article))]


def _images_shown(article):
    return media.images_by_id(media.shown_ids(article.lead_image_id, article.body))


# --- the transitions -----------------------------------------------------------------------------

def submit(article, by, *, reviewer=None, comment=""):
    """Draft -> in review, optionally assigned to ``reviewer``."""
    updates = {"assigned_reviewer": reviewer} if reviewer is not None else {}
    return _transition(article, by, "submit", comment=comment, updates=updates)


def sign_off(article, by, *, reviewed_on=None, scope=MedicalReview.Scope.FULL, sections="", notes="",
             conflict_of_interest="None declared", seen_content=None):
    """In review -> approved, recording the signing reviewer's MedicalReview (dated today unless earlier).

    An approved article whose content changed since its latest review is signed off again where it
    stands: it stays approved, and the new review covers the change (a REVIEW event, no state
    change). ``seen_content``: the fingerprint of the content the reviewer was shown (the sign-off
    page sends it, ``integrity.stored_fingerprint``); when the content changed since, nothing is
    recorded and the reviewer is asked to look again.
    """
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
        # Locked, and the state checked again: a second sign-off of the same change finds it covered.
        current = Article.objects.select_for_update().get(pk=article.pk)
        _check_state(current, "sign_off")
        if seen_content and integrity.stored_fingerprint(current.pk) != seen_content:
            raise TransitionNotAllowed("It changed while you were reviewing it: look at it again, then sign off.")
        again = current.status == Status.APPROVED
        if not again:
            _transition(article, by, "sign_off", comment=notes)
        review.save()
        comment = f"Signed off by {review.reviewer.display_name} on {review.reviewed_on:%d %B %Y}."
        if again:
            comment = (f"Signed off again by {review.reviewer.display_name} on {review.reviewed_on:%d %B %Y}, "
                       f"covering the changes since the previous review.{' ' + notes if notes else ''}")
        ArticleEvent.objects.create(article=article, actor=by, kind=ArticleEvent.Kind.REVIEW, comment=comment)
    return review


def request_changes(article, by, comment):
    """In review -> draft, with the reviewer's comment for the writer (required); also from approved
    when the content changed since its review and the reviewer does not accept the change."""
    if not (comment or "").strip():
        check_permission(by, "request_changes", article)
        raise TransitionNotAllowed({"comment": "Say what needs to change."})
    return _transition(article, by, "request_changes", comment=comment.strip())


def review_again(article, by, *, reviewer=None, comment=""):
    """Approved -> in review, for ``reviewer`` (None: any medical reviewer), by an editor: the
    way forward for an approved article that changed since its review, or a second look. The
    reviewer finds it waiting for their review and signs it off (or sends it back) as any review."""
    return _transition(article, by, "review_again", comment=comment, updates={"assigned_reviewer": reviewer})


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
    "submit": submit, "sign_off": sign_off, "request_changes": request_changes, "review_again": review_again,
    "publish": publish, "unpublish": unpublish, "archive": archive, "restore": restore,
}


def _check_state(article, name):
    reason = refusal(name, article)
    if reason:
        raise TransitionNotAllowed(reason)


def _transition(article, by, name, *, comment="", updates=None):
    """Check, then move ``article`` along ``name`` and record it, all or nothing."""
    transition = TRANSITIONS[name]
    check_permission(by, name, article)
    return _move(article, by, transition.target, lambda current: refusal(name, current), label=transition.label,
                 comment=comment, updates=updates)


def _move(article, by, target, refuse, *, label, comment="", updates=None):
    """Lock the row, check ``refuse(row)`` says nothing against it, set ``target`` and record the event."""
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        reason = refuse(current)
        if reason:
            raise TransitionNotAllowed(reason)
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
    label = "Published by the importer"

    def refuse(current):
        if current.status in {Status.DRAFT, Status.APPROVED}:
            return ""
        return f"“{label}” is not possible: the article is {current.get_status_display().lower()}."

    return _move(article, None, Status.PUBLISHED, refuse, label=label, comment=comment, updates={"publish_at": at})
