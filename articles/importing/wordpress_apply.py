"""Write one WordPress post to the database, through the same services as the admin.

Identity: a post is its ``wp:post_id`` within its site (``wp:base_site_url``), kept in
``ImportedPost``, never its title or slug. A second run of the same file finds every
post unchanged (the stored fingerprint of the post matches); a post whose address is
already taken by another article gets a distinct address and the report says so.

Publishing goes through ``workflow.publish_imported``, which refuses an article
without a medical review: a post published in WordPress stays a draft here unless
the run records a review (``ReviewAtImport``). Content changes to an article past
draft (in review, approved, published) are held back unless the run asks for them,
and then show as "changed since review" (computed by ``articles.workflow.integrity``; the audit entry is
``review_services.record_content_change``'s).
See docs/importing.md.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.content.html import sanitize_html
from articles.importing.apply import Outcome, save_imported, validation_summary
from articles.importing.plaintext import PageError
from articles.importing.slugs import admin_slug
from articles.importing.wordpress import convert_content, first_sentences, plain_text
from articles.media import models as media
from articles.models import Article, ImportedPost, Reviewer, tag_name_problem
from articles.reviews import services as review_services
from articles.workflow import integrity
from articles.workflow import rules as workflow

SKIPPED_CATEGORIES = {"uncategorized", "uncategorised"}
TAG_MAX_LENGTH = 100  # taggit's Tag.name
SUMMARY_MAX_LENGTH = Article._meta.get_field("summary").max_length
TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length

Status = Article.Status


@dataclass(frozen=True)
class ReviewAtImport:
    """``--reviewed-by``/``--reviewed-on``: the medical review the operator records for posts published in WordPress."""

    reviewer: Reviewer
    reviewed_on: object  # datetime.date


@dataclass(frozen=True)
class Options:
    """How a run treats statuses, reviews and reviewed articles (the command's options)."""

    as_drafts: bool = False
    review: ReviewAtImport | None = None
    update_reviewed: bool = False


@dataclass
class PostOutcome(Outcome):
    """What one post did; ``held`` says why a post WordPress published is a draft here."""

    held: str = ""
    held_back: str = ""  # why a change in WordPress was not applied
    warnings: list[str] = field(default_factory=list)

    @property
    def verb(self):
        if self.created:
            return "created"
        if self.held_back:
            return "held back"
        return "updated" if self.changes else "unchanged"


def fingerprint(post, images=()):
    """A hash of everything the import reads from ``post``: equal fingerprints, nothing to do.
    ``images``, the library images the post came to show (with ``--uploads``), count too, so a
    run that finds the pictures applies them; without any, the hash is what it always was."""
    data = [post.title, post.slug, post.status, post.date.isoformat() if post.date else post.date_problem,
            post.content, post.excerpt, post.categories, post.tags, post.password_protected, post.creator]
    if images:
        data.append(list(images))
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def wanted_status(post, options):
    """(publish, reason): whether WordPress had the post public (or scheduled) and, if it stays a draft, why."""
    if post.status == "private":
        return False, "private in WordPress"
    if post.password_protected:
        return False, "password-protected in WordPress"
    if post.status not in {"publish", "future"}:
        return False, ""
    if not post.title:
        return False, "it has no title in WordPress"
    if post.date is None:
        problem = f"its date “{post.date_problem}” is not a date" if post.date_problem else "it has no date"
        return False, problem
    if options.as_drafts:
        return False, "--as-drafts"
    return True, ""


def import_post(post, *, site, authors=None, origin="", options=Options(), images=None):
    """Create or update the article for one WordPress post; raises ``PageError``, writing nothing for it.
    ``images`` (``wordpress_media.UploadsLibrary``, with ``--uploads``) turns the post's pictures and
    featured image into library figures and its lead image."""
    title = post.title or f"Untitled (WordPress post {post.post_id})"
    if len(title) > TITLE_MAX_LENGTH:
        raise PageError(f"{post}: the title is longer than {TITLE_MAX_LENGTH} characters.", post.line)
    try:
        post_id = int(post.post_id)
    except ValueError:
        raise PageError(f"{post}: its wp:post_id is not a number.", post.line) from None
    content = convert_content(post.content, images)
    body = sanitize_html(content.html)
    summary = first_sentences(plain_text(post.excerpt), SUMMARY_MAX_LENGTH) or first_sentences(
        plain_text(body.split("</p>", 1)[0]), SUMMARY_MAX_LENGTH) or title
    values = {"title": title, "summary": summary, "body": body}
    lead = images.featured(post) if images is not None else None
    if lead is not None:
        values["lead_image"] = lead
    publish, held = wanted_status(post, options)
    print_ = fingerprint(post, [lead.pk if lead else None, *media.body_image_ids(body)] if images is not None else ())

    with transaction.atomic():
        origin_row = ImportedPost.objects.select_related("article").filter(site=site, post_id=post_id).first()
        edited_here = bool(origin_row) and origin_row.article_version not in (None, origin_row.article.version)
        if origin_row is None:
            outcome = _create(post, post_id, site, values, authors or {}, origin)
            origin_row = ImportedPost(site=site, post_id=post_id, article=outcome.article)
        elif origin_row.fingerprint == print_:
            outcome = PostOutcome(article=origin_row.article)  # nothing new from WordPress
        else:
            outcome = _update(post, origin_row, values, origin, options, edited_here=edited_here)
        if outcome.created or outcome.changes:
            outcome.warnings = [*content.warnings]
            if content.missing_images:
                outcome.warnings.append(
                    f"{content.missing_images} image(s) not imported "
                    + ("(their files were not in the uploads folder)" if images is not None else "(run with --uploads DIR)"))
            if post.featured_image and lead is None:
                outcome.warnings.append("featured image not imported"
                                        + (": its attachment's file is missing" if images is not None else " (run with --uploads DIR)"))
        if not post.title and outcome.created:
            outcome.notes.append(f"untitled in WordPress: titled “{title}”")
        if not outcome.held_back:
            _add_tags(outcome.article, post, outcome)
        article = outcome.article
        if article.status == Status.DRAFT and post.status in {"publish", "future", "private"}:
            if not publish:
                outcome.held = held
            elif edited_here:
                # A review recorded now would vouch for WordPress's text, which is no longer the article's.
                outcome.held = "edited here since it was imported: submit it for review in the admin"
            else:
                _publish(article, post, origin, options, outcome)
        if not outcome.held_back:  # a change held back stays "changed in WordPress" for the next run to report
            origin_row.fingerprint = print_
        if outcome.created or outcome.changes:  # only what the import wrote is its baseline, never an editor's work
            origin_row.article_version = article.version
            origin_row.imported_at = timezone.now()
        origin_row.save()
    return outcome


def _create(post, post_id, site, values, authors, origin):
    wanted = admin_slug(post.slug) or admin_slug(values["title"]) or f"wordpress-{post_id}"
    slug = _free_slug(wanted)
    outcome = PostOutcome(article=Article(slug=slug, status=Status.DRAFT, **values), created=True)
    if slug != wanted:
        outcome.notes.append(f"the address “{wanted}” belongs to another article: imported as “{slug}”")
    if post.creator:
        outcome.article.author, created = placeholder_author(post.creator, authors.get(post.creator))
        if created:
            outcome.changes.append(f"inactive account “{outcome.article.author.username}” created for the author")
    _validate(outcome.article, post)
    save_imported(outcome.article, outcome, Status.DRAFT, source=f"WordPress ({origin})",
                  first_source=f"WordPress ({origin}, {site} post {post_id})", status_note="")
    return outcome


def _update(post, origin_row, values, origin, options, *, edited_here):
    article = origin_row.article
    outcome = PostOutcome(article=article)
    changed = [name for name, value in values.items() if getattr(article, name) != value]
    if not changed:
        return outcome
    if edited_here:
        outcome.held_back = "edited here since it was imported; WordPress's change is not applied over that work"
        return outcome
    reviewed = article.status != Status.DRAFT
    if reviewed and not options.update_reviewed:
        outcome.held_back = (f"the article is {article.get_status_display().lower()}: WordPress's change is not "
                             "applied to reviewed text (re-run with --update-reviewed to apply it, marked "
                             "“changed since review”)")
        return outcome
    for name in changed:
        setattr(article, name, values[name])
        outcome.changes.append(f"{article._meta.get_field(name).verbose_name} changed")
    _validate(article, post)
    save_imported(article, outcome, article.status, source=f"WordPress ({origin})", status_note="")
    if reviewed:
        # "Changed since review" follows from the content itself (articles.workflow.integrity); this writes the audit entry.
        review_services.record_content_change(article, by=None, changed=changed)
        if integrity.changed_since_review_now(article.pk):
            outcome.notes.append("marked “changed since review”: a medical reviewer should look at it")
    return outcome


def _validate(article, post):
    try:
        article.full_clean(exclude=["author"], validate_unique=False)
    except ValidationError as error:
        raise PageError(f"{post}: the article would not be valid ({validation_summary(error)}).", post.line) from None


def _publish(article, post, origin, options, outcome):
    if options.review is None:
        outcome.held = "no medical review"
        return
    review = options.review
    review_services.record_review(
        article, reviewer=review.reviewer, reviewed_on=review.reviewed_on,
        notes=f"Recorded at import from {origin} (--reviewed-by): the WordPress post as exported was reviewed.",
    )
    try:
        workflow.publish_imported(article, at=post.date, comment=f"Published at its WordPress date, imported from {origin}")
    except workflow.TransitionNotAllowed as error:
        # The review stays recorded; whatever else blocks publishing (citations) is the reason it is a draft.
        outcome.held = "; ".join(error.messages)
        return
    outcome.changes.append("published" if post.date <= timezone.now() else "scheduled")


def _add_tags(article, post, outcome):
    """Categories (by their own name, whatever their parents) and tags become tags; added, never removed."""
    names = [n for n in dict.fromkeys([*post.categories, *post.tags]) if n.casefold() not in SKIPPED_CATEGORIES]
    too_long = [n for n in names if len(n) > TAG_MAX_LENGTH]
    if too_long:
        outcome.notes.append(f"tags longer than {TAG_MAX_LENGTH} characters left out: " + ", ".join(too_long))
    unusable = [n for n in names if n not in too_long and tag_name_problem(n)]
    if unusable:
        outcome.notes.append("tags left out (no letter or number): " + ", ".join(unusable))
    have = {name.casefold() for name in article.tags.names()}
    new_tags = [n for n in names if n not in too_long and n not in unusable and n.casefold() not in have]
    if new_tags:
        article.tags.add(*new_tags)
        if not outcome.created:
            outcome.changes.append("tags added: " + ", ".join(new_tags))


def _free_slug(wanted):
    slug, n = wanted, 1
    while Article.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{wanted[:200 - len(str(n)) - 1]}-{n}"
    return slug


def placeholder_author(login, author=None):
    """The inactive account that carries a WordPress author's name; created when new. Returns (user, created).

    Named ``wordpress-<login>``, never the login itself, so an import cannot attach
    posts (and the right to edit them as their writer) to a live account that
    happens to share the login. No password and no staff access: nobody can sign in
    as it; an administrator may link the articles to a real account later.
    """
    User = get_user_model()
    username = f"wordpress-{login}"[:150]
    user = User.objects.filter(username=username).first()
    if user:
        return user, False
    user = User(username=username, email=(author.email if author else "")[:254], is_active=False, is_staff=False)
    user.first_name = ((author.first_name or author.display_name) if author else login)[:150]
    user.last_name = (author.last_name if author and author.first_name else "")[:150]
    user.set_unusable_password()
    user.save()
    return user, True
