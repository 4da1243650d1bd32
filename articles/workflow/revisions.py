"""Revisions of articles: every save kept, any two compared side by side, any one restored.

django-simple-history writes one ``HistoricalArticle`` row per save with the
article's own fields. The rows around it (tags, citations, related links, series
entry) are kept as a JSON snapshot in that same row's ``related`` column, so one
revision is one row and restoring it needs no joins across history tables.
"""

import dataclasses
import datetime
import difflib
import html
import re

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import format_html
from simple_history.signals import pre_create_historical_record

from articles.models import Article, ArticleEvent, RelatedLink, Series, SeriesEntry
from articles.workflow import integrity
from articles.workflow import rules as workflow
from references.models import Citation, Reference

FIELDS = [
    ("title", "Title"),
    ("slug", "Address"),
    ("summary", "Summary"),
    ("body", "Body"),
    ("search_terms", "Also known as"),
    ("funding", "Sponsorship or funding"),
    ("status", "Status"),
]
RELATED = [
    ("tags", "Tags"),
    ("citations", "Citations"),
    ("related", "Related articles"),
    ("series", "Series"),
]


def snapshot(article):
    """The article's related rows as plain data, for its revision."""
    citations = Citation.objects.filter(article=article).select_related("reference__source").order_by("position")
    links = RelatedLink.objects.filter(article=article).select_related("target").order_by("position", "id")
    entry = SeriesEntry.objects.filter(article=article).select_related("series").first()
    return {
        "tags": sorted(article.tags.names()),
        "citations": [
            {"position": c.position, "reference_id": c.reference_id, "reference": str(c.reference)} for c in citations
        ],
        "related": [{"position": link.position, "target_id": link.target_id, "target": link.target.title} for link in links],
        "series": (
            {"series_id": entry.series_id, "series": entry.series.title, "position": entry.position, "label": entry.label}
            if entry
            else None
        ),
    }


@receiver(pre_create_historical_record, sender=Article.history.model)
def _store_snapshot(sender, instance, history_instance, **kwargs):
    # A just-created article has no related rows yet: no need to ask the database.
    if instance.pk and history_instance.history_type != "+":
        history_instance.related = snapshot(instance)


def refresh_snapshot(article, reason=None):
    """Re-take the latest revision's snapshot once inlines are saved (the admin saves them after the article)."""
    record = article.history.order_by("-history_id").first()
    if record is not None:
        record.related = snapshot(article)
        record.body = article.body  # the admin may renumber citation markers after the save
        if reason:
            record.history_change_reason = reason
        record.save(update_fields=["related", "body", "history_change_reason"])
    return record


def revisions(article):
    return article.history.select_related("history_user").order_by("-history_id")


# --- comparing -----------------------------------------------------------------------------------

def _related_lines(key, value):
    if key == "tags":
        return list(value or [])
    if key == "citations":
        return [f"[{c['position']}] {c['reference']}" for c in value or []]
    if key == "related":
        return [f"{link['position']}. {link['target']}" for link in value or []]
    if key == "series":
        return [f"{value['series']}: {value['label']} (position {value['position']})"] if value else []
    return []


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|tr|ul|ol|table)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def text_lines(value, is_html=False):
    """Readable lines of a field: one per line, or for HTML one per paragraph, heading or list item."""
    text = str(value or "")
    if is_html:
        text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", text)))
    return [line.strip() for line in text.splitlines() if line.strip()]


def side_by_side(old_lines, new_lines):
    """Pairs of (left, right) cells, removed lines in <del> on the left, added ones in <ins> on the right."""
    rows = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        left, right = old_lines[a1:a2], new_lines[b1:b2]
        if op == "equal":
            rows += [(format_html("{}", a), format_html("{}", b)) for a, b in zip(left, right, strict=True)]
            continue
        for i in range(max(len(left), len(right))):
            rows.append((
                format_html("<del>{}</del>", left[i]) if i < len(left) else "",
                format_html("<ins>{}</ins>", right[i]) if i < len(right) else "",
            ))
    return rows


def compare(old, new):
    """Each tracked part of two revisions: label, whether it changed, and side-by-side rows."""
    changed_fields = {change.field for change in new.diff_against(old, included_fields=[f for f, _ in FIELDS]).changes}
    parts = []
    for field, label in FIELDS:
        if field == "status":
            old_lines, new_lines = [old.get_status_display()], [new.get_status_display()]
        else:
            is_html = field == "body"
            old_lines, new_lines = text_lines(getattr(old, field), is_html), text_lines(getattr(new, field), is_html)
        parts.append({"field": field, "label": label, "changed": field in changed_fields, "rows": side_by_side(old_lines, new_lines)})
    for key, label in RELATED:
        old_lines, new_lines = _related_lines(key, old.related.get(key)), _related_lines(key, new.related.get(key))
        parts.append({"field": key, "label": label, "changed": old_lines != new_lines, "rows": side_by_side(old_lines, new_lines)})
    return parts


def since_review(article):
    """What changed since the article's latest review: ``(reviewed, current, parts)``, the revision
    current when the review was recorded, the latest one, and ``compare()`` of the two; None when
    it has no review or no revision from before it (nothing to compare with)."""
    if article.last_signed_off_at is None:
        return None
    history = revisions(article)
    current = history.first()
    reviewed = history.filter(history_date__lte=article.last_signed_off_at).first()
    if current is None or reviewed is None:
        return None
    return reviewed, current, compare(reviewed, current)


# The parts a medical review covers (integrity.content), as a reviewer reads them.
REVIEWED_PARTS = [("title", "Title"), ("summary", "Summary"), ("body", "Body"), ("references", "References"),
                  ("images", "Pictures")]


def _reviewed_lines(part, data):
    value = data.get(part)
    if part == "references":
        return [
            f"[{r.get('position')}] " + ". ".join(filter(None, [
                r.get("source"), r.get("title"), r.get("more_titles"), r.get("url"),
                f"doi:{r['doi']}" if r.get("doi") else "", f"PMID {r['pmid']}" if r.get("pmid") else "",
            ]))
            for r in value or []
        ]
    if part == "images":
        lines = []
        for image in value or []:
            name = f"{'Lead image' if image.get('place') == 'lead' else 'Figure'} (library image {image.get('id')})"
            if "file" not in image:
                lines.append(f"{name}: not in the media library")
                continue
            alt = "decorative, no alt text" if image.get("decorative") else f"“{image.get('alt') or ''}”"
            lines += [f"{name}: file {image['file']}", f"{name}, alt text: {alt}"]
            lines += [f"{name}, {key}: {image[key]}" for key in ("caption", "credit") if image.get(key)]
        return lines
    return text_lines(value, is_html=part == "body")


def changes_since_review(article_id):
    """What changed since the article's latest medical review, in ``compare()``'s shape: each part
    a review covers (``integrity.content``: title, summary, body, cited references, pictures with
    their alt text) as that review kept it, beside the content as stored now. Unlike
    :func:`since_review` it also sees what no revision of the article records: a picture's alt text
    edited in the media library, a shared reference edited. None when the review kept no copy."""
    kept, now = integrity.since_review(article_id)
    if kept is None or now is None:
        return None
    changed = set(integrity.changed_parts(kept, now))
    return [
        {"field": part, "label": label, "changed": part in changed,
         "rows": side_by_side(_reviewed_lines(part, kept), _reviewed_lines(part, now))}
        for part, label in REVIEWED_PARTS
    ]


# --- the article's timeline ----------------------------------------------------------------------

TIMELINE_ROWS = 200  # revisions and events each, newest first: a long-lived article has thousands
CONTENT_FIELDS = [field for field, _ in FIELDS if field != "status"]
# An event and a revision by the same person this close together are one act (a restore writes
# both in one transaction): one line of the timeline.
SAME_ACT = datetime.timedelta(seconds=5)


@dataclasses.dataclass
class TimelineEntry:
    """One line of an article's timeline: an edit (a revision whose content differs from the one
    before), a state change, a medical review, a restore, a typo fix, a correction or a note."""

    when: datetime.datetime
    who: str
    kind: str
    text: str = ""
    revision: object = None  # the HistoricalArticle row, for an edit, a restore or the creation
    previous: object = None  # the revision before it, for "Compare with previous"
    event: object = None


def timeline(article, limit=TIMELINE_ROWS, events=None):
    """The article's timeline, newest first, in two queries: its latest ``limit`` revisions (those
    that changed nothing but the status are left out: the state change is its event) and its
    latest ``limit`` audit events (or ``events``, already read, newest first), an event merged into
    the edit it came with."""
    records = list(revisions(article)[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is not None and not _content_changed(previous, record):
            continue
        reason = record.history_change_reason or ""
        kind = "Created" if previous is None and record.history_type == "+" else "Restore" if reason.startswith("Restored") else "Edit"
        text = reason or ("" if kind == "Created" else "Saved")
        entries.append(TimelineEntry(record.history_date, _name(record.history_user), kind, text, record, previous))
    edits = [(entry, entry.revision.history_user_id) for entry in entries]
    for event in (article.events.select_related("actor") if events is None else events)[:limit]:
        merged = next(
            (entry for entry, user_id in edits if entry.event is None and user_id == event.actor_id
             and abs(entry.when - event.created_at) <= SAME_ACT and event.kind != ArticleEvent.Kind.TRANSITION),
            None,
        )
        if merged is not None:
            merged.event = event
            continue
        entries.append(TimelineEntry(event.created_at, _name(event.actor), _event_kind(event), event.comment, event=event))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _content_changed(old, new):
    return any(getattr(old, field) != getattr(new, field) for field in CONTENT_FIELDS) or (old.related or {}) != (new.related or {})


def _event_kind(event):
    if event.kind == ArticleEvent.Kind.TRANSITION:
        return f"{event.get_from_status_display()} → {event.get_to_status_display()}"
    return event.get_kind_display()


def unseen_change(article, seen_revision):
    """Why a "reviewed, no change needed" must wait, or "": the content changed since the latest
    review (a status change is not content) and ``seen_revision`` (the id of the revision the
    reviewer was shown, from the form) is not the latest revision."""
    found = since_review(article)
    if found is None:
        return ""
    _reviewed, current, parts = found
    if not any(part["changed"] for part in parts if part["field"] != "status"):
        return ""
    if str(seen_revision or "") == str(current.history_id):
        return ""
    return "It changed since your last review: look at what changed first, then confirm."


def changed_labels(old, new):
    return [part["label"] for part in compare(old, new) if part["changed"]]


def describe_conflict(article_pk, seen_version):
    """Who saved the article since ``seen_version``, when, and what they changed (for the refusal message)."""
    history = Article.history.filter(id=article_pk).select_related("history_user").order_by("-history_id")
    latest = history.first()
    seen = history.filter(version=seen_version).first()
    since = list(history.filter(version__gt=seen_version))
    people = []
    for record in since:
        name = _name(record.history_user)
        if name not in people:
            people.append(name)
    changes = changed_labels(seen, latest) if seen and latest else []
    return {
        "who": ", ".join(people) or "someone else",
        "when": latest.history_date if latest else None,
        "changed": changes,
    }


def revision_label(record):
    """One line naming a revision in a choice list: when (to the second), who, why, and the status
    it left; two saves in the same minute by the same person still read apart."""
    when = timezone.localtime(record.history_date)
    reason = record.history_change_reason or ("created" if record.history_type == "+" else "edited")
    return f"{when:%d %b %Y %H:%M:%S}, {_name(record.history_user)}: {reason} ({record.get_status_display().lower()})"


def _name(user):
    if user is None:
        return "a script or import"
    return user.get_full_name() or user.get_username()


# --- restoring -----------------------------------------------------------------------------------

def restore_revision(article, record, by, *, live_confirmed=False):
    """Make ``record``'s content current again, as a new revision; returns warnings about parts left out.

    Title, summary, body, funding, tags, citations, related links and series
    entry come back; the address and the workflow state stay as they are now.
    A restore is an edit like any other (``workflow.check_content_change``): onto a published
    article only by an editor who confirmed it (``live_confirmed``), refused whole when the
    restored text would cite a missing reference, and announced in the audit trail; the page
    then says it changed after its last medical review (computed, ``integrity``).
    """
    workflow.check_content_change(by, article, live_confirmed=live_confirmed)
    warnings = []
    data = record.related or {}
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        for field in ["title", "summary", "body", "funding"]:
            setattr(current, field, getattr(record, field))
        current._history_user = by
        current._change_reason = f"Restored the revision of {record.history_date:%d %B %Y %H:%M}"
        current.save()
        if "tags" in data:
            current.tags.set(data["tags"])
        if "citations" in data:
            existing = set(Reference.objects.filter(pk__in=[c["reference_id"] for c in data["citations"]]).values_list("pk", flat=True))
            Citation.objects.filter(article=current).delete()
            Citation.objects.bulk_create(
                Citation(article=current, reference_id=c["reference_id"], position=c["position"])
                for c in data["citations"] if c["reference_id"] in existing
            )
            warnings += [f"Citation [{c['position']}] {c['reference']} was left out: the reference no longer exists."
                         for c in data["citations"] if c["reference_id"] not in existing]
        if "related" in data:
            targets = set(Article.objects.filter(pk__in=[r["target_id"] for r in data["related"]]).exclude(pk=current.pk)
                          .values_list("pk", flat=True))
            RelatedLink.objects.filter(article=current).delete()
            RelatedLink.objects.bulk_create(
                RelatedLink(article=current, target_id=r["target_id"], position=r["position"])
                for r in data["related"] if r["target_id"] in targets
            )
            warnings += [f"The related article “{r['target']}” was left out: it no longer exists."
                         for r in data["related"] if r["target_id"] not in targets]
        if "series" in data:
            warnings += _restore_series_entry(current, data["series"])
        refresh_snapshot(current)
        integrity.refresh([current.pk])  # the citations were bulk-created: no signal
        workflow.check_live_content(current)  # raises, undoing the restore
        restored = f"Restored the revision of {record.history_date:%d %B %Y %H:%M} by {_name(record.history_user)}"
        if current.status == Article.Status.PUBLISHED and integrity.changed_since_review_now(current.pk):
            ArticleEvent.objects.create(
                article=current, actor=by, kind=ArticleEvent.Kind.EDIT,
                comment=f"{restored} onto the live article, confirmed by the editor. It differs from what its last "
                        "medical review covered: the page says so until a reviewer reviews it again.",
            )
        else:
            ArticleEvent.objects.create(article=current, actor=by, kind=ArticleEvent.Kind.NOTE, comment=f"{restored}.")
    article.refresh_from_db()
    return warnings


def _restore_series_entry(article, entry):
    SeriesEntry.objects.filter(article=article).delete()
    if entry is None:
        return []
    if not Series.objects.filter(pk=entry["series_id"]).exists():
        return [f"The series “{entry['series']}” no longer exists; the article is in no series now."]
    if SeriesEntry.objects.filter(series_id=entry["series_id"], position=entry["position"]).exists():
        return [f"Position {entry['position']} in “{entry['series']}” is taken by another article now; "
                "the article is in no series: add it again with a free position."]
    SeriesEntry.objects.create(article=article, series_id=entry["series_id"], position=entry["position"], label=entry["label"])
    return []
