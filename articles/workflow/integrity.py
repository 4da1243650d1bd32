"""What a medical review covered, and whether the page still shows exactly that.

When a review is recorded it keeps what the reviewer saw: the title, summary, body and the
cited references (their text and links), as a snapshot and a fingerprint (SHA-256) of it
(``MedicalReview.reviewed_content`` and ``content_fingerprint``). "Changed since review" is then
*computed*: the fingerprint of the content as it is now against the one the latest review (or an
editor's typo-fix decision) accepted. No write path has a flag to set, so none can forget it.

Two copies serve the two kinds of read (docs/review-integrity.md):

- A page a reader opens has its content in hand: ``is_changed_since_review(article)`` hashes it
  there and then, with no query, so the page is honest whatever wrote the rows.
- Lists (the review schedule, the admin's column, the sitemap) cannot hash a body per row: they
  compare ``Article.content_fingerprint``, the fingerprint of the stored content, with
  ``Article.reviewed_fingerprint``. :func:`refresh` keeps ``content_fingerprint`` (and
  ``content_changed_at``, when the content last changed) from the rows themselves. It runs from
  the receivers below on every save or delete of an article, a citation, a reference or a
  source, and code that writes those with ``bulk_create`` or ``QuerySet.update()`` (no signals)
  calls it itself (``revisions.restore_revision``, the importers, ``load_demo``,
  ``generate_content``). tests/test_write_paths.py walks every write path and checks that the
  list's answer agrees with the page's.
"""

import hashlib
import json

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from articles.media import models as media
from articles.models import Article, ArticleEvent, MedicalReview
from references.models import Citation, Reference, Source

# The article fields a review covers; with the citations, all of what it fingerprints.
REVIEWED_FIELDS = ("title", "summary", "body")
# Saving these re-fingerprints the article: what it shows (with the lead image, issue 24).
FINGERPRINTED_FIELDS = (*REVIEWED_FIELDS, "lead_image")
# What of a cited reference a reader sees (the list at the foot of the page).
REFERENCE_FIELDS = ("reference__source__name", "reference__title", "reference__more_titles", "reference__url",
                    "reference__doi", "reference__pmid")


def content(title, summary, body, references, images=()):
    """The reviewed content as plain data: ``references`` is a list of (position, source name,
    title, more titles, URL, DOI, PubMed id), in position order. Whitespace in the body is
    folded, so re-saving a form that only re-wrapped lines is no change. ``images``
    (``media.review_data``: the lead image and body figures, their files and alt text) is left out
    when there are none, so an article without pictures keeps the fingerprint it always had."""
    data = {
        "title": title,
        "summary": summary,
        "body": " ".join((body or "").split()),
        "references": [
            {"position": p, "source": s or "", "title": t, "more_titles": " / ".join(m.split()) if m else "",
             "url": u, "doi": d, "pmid": pm}
            for p, s, t, m, u, d, pm in references
        ],
    }
    if images:
        data["images"] = list(images)
    return data


def fingerprint(data):
    """SHA-256 (hex) of :func:`content`'s data, the same however its keys were ordered."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stored_contents(article_ids):
    """{article id: :func:`content`} read from the database: two queries however many articles,
    and a third when they show images."""
    ids = list(article_ids)
    rows = list(Article.objects.filter(pk__in=ids).values_list("pk", *REVIEWED_FIELDS, "lead_image_id"))
    cited = {}
    citations = Citation.objects.filter(article_id__in=ids).order_by("article_id", "position")
    for article_id, *values in citations.values_list("article_id", "position", *REFERENCE_FIELDS):
        cited.setdefault(article_id, []).append(values)
    images = media.images_by_id(pk for row in rows for pk in media.shown_ids(row[4], row[3]))
    return {
        pk: content(title, summary, body, cited.get(pk, []), media.review_data(lead, body, images))
        for pk, title, summary, body, lead in rows
    }


def loaded_content(article):
    """:func:`content` of an article as loaded for its page (``article_page()``: citations with their
    references and sources already read; ``page_images``, set by the page, its images), without a
    query (one for the images when the caller has not read them)."""
    references = []
    for citation in article.citations.all():
        ref = citation.reference
        source = ref.source.name if ref.source_id else ""
        references.append((citation.position, source, ref.title, ref.more_titles, ref.url, ref.doi, ref.pmid))
    references.sort(key=lambda r: r[0])
    images = getattr(article, "page_images", None)
    if images is None:
        images = media.images_by_id(media.shown_ids(article.lead_image_id, article.body))
    return content(article.title, article.summary, article.body, references,
                   media.review_data(article.lead_image_id, article.body, images))


def is_changed_since_review(article, data=None):
    """Whether the content in hand (``data``, else the article as loaded for its page) differs from
    what the latest review (or a typo-fix decision) accepted; False for a never-reviewed article
    (it says so instead)."""
    if not article.reviewed_fingerprint and not article.last_signed_off_at:
        return False
    return fingerprint(data if data is not None else loaded_content(article)) != article.reviewed_fingerprint


def is_changed_as_stored(article):
    """:func:`is_changed_since_review` from the stored fingerprint, which :func:`refresh` keeps on
    every write path: no query, for staff pages and lists (the public page hashes what it shows)."""
    if not article.reviewed_fingerprint and not article.last_signed_off_at:
        return False
    return article.content_fingerprint != article.reviewed_fingerprint


def changed_since_review_now(article_id):
    """:func:`is_changed_since_review` for the article as stored now (three queries)."""
    article = Article.objects.filter(pk=article_id).only("reviewed_fingerprint", "last_signed_off_at").first()
    data = stored_contents([article_id]).get(article_id)
    return article is not None and data is not None and is_changed_since_review(article, data)


def stored_fingerprint(article_id):
    """The fingerprint of the article's content as stored now (None: no such article). What a
    sign-off page shows the reviewer is this content; the sign-off compares it again (``seen_content``)."""
    data = stored_contents([article_id]).get(article_id)
    return fingerprint(data) if data is not None else None


# The parts of :func:`content`, in the order a reviewer reads them, and their names in messages.
PARTS = ("title", "summary", "body", "references", "images")
PART_LABELS = {"title": "title", "summary": "summary", "body": "body", "references": "references",
               "images": "pictures"}


def changed_parts(old, new):
    """The parts (:data:`PARTS`) in which two :func:`content` data differ; "images" is absent from
    an article without pictures, which counts as none."""
    return [part for part in PARTS if old.get(part, []) != new.get(part, [])]


def since_review(article_id):
    """``(kept, now)``: what the article's latest recorded review kept of it (its
    ``reviewed_content``) and its content as stored now, the two sides of "what changed since the
    review". ``kept`` is None when that review kept no copy (older reviews, generated content)."""
    kept = (MedicalReview.objects.filter(article_id=article_id).order_by("-created_at", "-id")
            .values_list("reviewed_content", flat=True).first())
    return kept or None, stored_contents([article_id]).get(article_id)


# What an editor's typo fix may cover: a change of wording. A picture added, replaced or removed, or
# its alt text, caption or credit changed, is something the reviewer has not seen (alt text can carry a
# clinical claim: "X-ray showing a fractured hip"), so it always needs a medical reviewer.
NOT_A_TYPO = {"images": "its pictures (a picture, or its alt text, caption or credit)"}


def typo_fix_refusal(old, new):
    """Why the change from ``old`` to ``new`` (:func:`content` data, or only their "images") cannot be
    called a typo fix, or "" when it can."""
    what = [NOT_A_TYPO[part] for part in changed_parts(old, new) if part in NOT_A_TYPO]
    if not what:
        return ""
    return f"Not a typo fix: {', '.join(what)} changed since the medical review, and a medical reviewer must review that."


content_changed = Signal()
"""Sent by :func:`refresh` with ``article_ids`` (a list) and ``at`` when the stored content of
those articles moved through the rows around them: a citation added, removed, moved or pointed
elsewhere, a cited reference or its source edited, a picture shown edited, citations written in
bulk by an importer or a restore. Not for an article's own save (its ``post_save`` tells that),
and never for a save that changed nothing. Sent inside the writer's transaction. The syndication
API listens (``articles/api/changes.py``): what partners republish changed."""


def refresh(article_ids, *, at=None, own_save=False):
    """Store the fingerprint of each article's content as it is now; where it moved, note when
    (``content_changed_at``) and send :data:`content_changed` (``own_save``: the article's own save
    moved it, which its ``post_save`` already tells). Returns the ids whose content changed. Three
    queries and one UPDATE per changed article."""
    ids = {pk for pk in article_ids if pk is not None}
    if not ids:
        return []
    at = at or timezone.now()
    stored = dict(Article.objects.filter(pk__in=ids).values_list("pk", "content_fingerprint"))
    moved = []
    for pk, data in stored_contents(ids).items():
        new = fingerprint(data)
        if new != stored.get(pk):
            Article.objects.filter(pk=pk).update(content_fingerprint=new, content_changed_at=at)
            moved.append(pk)
    if moved and not own_save:
        content_changed.send(sender=Article, article_ids=moved, at=at)
    return moved


def refresh_citing(references):
    """:func:`refresh` every article citing one of ``references`` (ids or a queryset of them)."""
    return refresh(Citation.objects.filter(reference__in=references).values_list("article_id", flat=True).distinct())


def stamp_review(review):
    """Keep on ``review`` (unsaved, or saved again by the caller) the article's content as it is now."""
    data = stored_contents([review.article_id]).get(review.article_id)
    if data is not None:
        review.reviewed_content = data
        review.content_fingerprint = fingerprint(data)


def restamp_reviews(reviews):
    """Stamp reviews again with their article's final content: for a review added in the same
    admin save as citations, which are saved after it."""
    for review in reviews:
        stamp_review(review)
        MedicalReview.objects.filter(pk=review.pk).update(
            reviewed_content=review.reviewed_content, content_fingerprint=review.content_fingerprint
        )
    refresh_review_dates({r.article_id for r in reviews})


def accept_as_reviewed(article_ids, *, keep_snapshot=True):
    """Record that each article's reviews covered its content as stored now.

    For content written in bulk as already reviewed (``load_demo``, ``generate_content``), never
    for an edit: an edit is reviewed by recording a review. ``content_changed_at`` is kept where
    the loader set it. ``keep_snapshot=False`` stores the fingerprint alone (generated content:
    no copy of a hundred thousand bodies). A few statements per 500 articles.
    """
    ids = list(article_ids)
    now = timezone.now()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        contents = stored_contents(chunk)
        articles = [Article(pk=pk, content_fingerprint=fingerprint(data)) for pk, data in contents.items()]
        Article.objects.bulk_update(articles, ["content_fingerprint"])
        Article.objects.filter(pk__in=chunk, content_changed_at=None).update(content_changed_at=now)
        reviews = list(MedicalReview.objects.filter(article_id__in=chunk).only("pk", "article_id"))
        for review in reviews:
            review.content_fingerprint = fingerprint(contents[review.article_id])
            review.reviewed_content = contents[review.article_id] if keep_snapshot else {}
        MedicalReview.objects.bulk_update(reviews, ["content_fingerprint", "reviewed_content"])
        refresh_review_dates(chunk)


def accept_current_content(article_id):
    """The article's content as stored now counts as covered by its latest review (an editor's typo
    fix): its ``reviewed_fingerprint`` becomes its ``content_fingerprint``. Nothing for an article
    never signed off. Run :func:`refresh` first when the content was just written without a signal."""
    return Article.objects.filter(pk=article_id, last_signed_off_at__isnull=False).update(
        reviewed_fingerprint=F("content_fingerprint"))


def waive(article, *, by, comment):
    """An editor's decision that the change since review is not substantive: the current content
    is accepted as covered by the latest review, and the audit trail keeps who decided. Returns
    False when nothing had changed since review."""
    with transaction.atomic():
        row = Article.objects.select_for_update().filter(pk=article.pk).values(
            "content_fingerprint", "reviewed_fingerprint", "last_signed_off_at").first()
        if not row or not row["last_signed_off_at"] or row["content_fingerprint"] == row["reviewed_fingerprint"]:
            return False
        accept_current_content(article.pk)  # the row is locked: its content_fingerprint is row's
        article.reviewed_fingerprint = row["content_fingerprint"]
        ArticleEvent.objects.create(article=article, actor=by, kind=ArticleEvent.Kind.TYPO_FIX, comment=comment)
    return True


# --- receivers: every save through the ORM keeps the stored fingerprint ----------------------------

@receiver(pre_save, sender=MedicalReview, dispatch_uid="vetted-integrity-stamp-review")
def _stamp_new_review(sender, instance, raw=False, **kwargs):
    if not raw and instance._state.adding and not instance.content_fingerprint:
        stamp_review(instance)


@receiver(post_save, sender=Article, dispatch_uid="vetted-integrity-article")
def _article_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not set(update_fields) & {*FINGERPRINTED_FIELDS, "lead_image_id"}):
        return
    refresh([instance.pk], own_save=True)


@receiver(post_save, sender=Citation, dispatch_uid="vetted-integrity-citation-saved")
@receiver(post_delete, sender=Citation, dispatch_uid="vetted-integrity-citation-deleted")
def _citation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh([instance.article_id])


@receiver(post_save, sender=Reference, dispatch_uid="vetted-integrity-reference")
def _reference_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    moved = refresh_citing([instance.pk])
    by = getattr(instance, "_changed_by", None)  # set by the reference admin
    reviewed = Article.objects.filter(pk__in=moved).exclude(status=Article.Status.DRAFT)
    ArticleEvent.objects.bulk_create(
        ArticleEvent(article_id=pk, actor=by, kind=ArticleEvent.Kind.EDIT,
                     comment=f"The shared reference “{instance}” was changed; the article's reference list changed with it.")
        for pk in reviewed.values_list("pk", flat=True)
    )


@receiver(post_save, sender=Source, dispatch_uid="vetted-integrity-source")
def _source_saved(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        refresh_citing(Reference.objects.filter(source=instance).values("pk"))


def refresh_review_dates(article_ids=None):
    """Copy the latest review date, its reviewer and the sign-off time of these articles (all when None) from their reviews.

    One UPDATE. Runs whenever a review is saved or deleted (articles/receivers.py); code that writes
    reviews with ``bulk_create`` or ``QuerySet.update()`` calls it itself. The due dates follow
    from these (``articles.reviews.queries.refresh_due_dates``): the callers run it after this.
    """
    reviews = MedicalReview.objects.filter(article=OuterRef("pk"))
    articles = Article.objects.all() if article_ids is None else Article.objects.filter(pk__in=article_ids)
    latest = reviews.order_by("-reviewed_on", "-created_at", "-id")
    last_recorded = reviews.order_by("-created_at", "-id")
    articles.update(
        last_reviewed_on=Subquery(latest.values("reviewed_on")[:1]),
        last_reviewer=Subquery(latest.values("reviewer_id")[:1]),
        last_signed_off_at=Subquery(last_recorded.values("created_at")[:1]),
        reviewed_fingerprint=Coalesce(Subquery(last_recorded.values("content_fingerprint")[:1]), Value("")),
    )


@receiver(post_save, sender=media.Image, dispatch_uid="vetted-integrity-image")
def _image_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    """A picture replaced or its alt text, caption or credit edited: the articles showing it changed.
    New renditions of the same picture (``services.refresh_renditions``) change no review's content."""
    if update_fields and set(update_fields) <= {"renditions", "updated_at"}:
        return
    if not (raw or created):
        refresh(media.ImageUse.objects.filter(image=instance).values_list("article_id", flat=True).distinct())
