"""The editor's safety nets while an article is open: who else is editing it, and autosaved draft copies.

Presence lives in the cache (it is worth nothing after a minute); autosaved drafts in the
database (they must survive a crash, a closed tab and a restarted server).
"""

import time

from django.core.cache import cache
from django.utils import timezone
from taggit.utils import parse_tags

from articles.content.html import sanitize_html
from articles.models import AutosavedDraft

PRESENCE_SECONDS = 60  # someone whose editor has not called in for this long has left
HEARTBEAT_SECONDS = 15  # how often an open change form calls in (editor.js reads it from the page)
AUTOSAVE_SECONDS = 5
# The form fields an autosaved copy keeps: what a person types. Inline rows are not kept.
DRAFT_FIELDS = ["title", "slug", "summary", "body", "tags", "funding"]
DRAFT_MAX_CHARS = 2_000_000


def _presence_key(article_id):
    return f"article-presence:{article_id}"


def _display_name(user):
    return user.get_full_name() or user.get_username()


def note_presence(article_id, user, now=None):
    """Record that ``user`` has ``article_id`` open now; returns the others who have it open.

    One cache entry per article maps user ids to (name, last seen). Two heartbeats landing at once
    may drop one of them; it is back at the next heartbeat, 15 seconds later.
    """
    now = now or time.time()
    key = _presence_key(article_id)
    present = {int(uid): seen for uid, seen in (cache.get(key) or {}).items() if now - seen[1] < PRESENCE_SECONDS}
    present[user.pk] = (_display_name(user), now)
    cache.set(key, present, PRESENCE_SECONDS * 2)
    return _others(present, user, now)


def others_present(article_id, user, now=None):
    """The names and seconds-since-seen of the other people who have ``article_id`` open now."""
    return _others(cache.get(_presence_key(article_id)) or {}, user, now or time.time())


def leave(article_id, user):
    """Forget ``user``'s presence on ``article_id`` (they closed or saved the form)."""
    key = _presence_key(article_id)
    present = cache.get(key) or {}
    if present.pop(user.pk, None) is not None:
        cache.set(key, present, PRESENCE_SECONDS * 2)


def _others(present, user, now):
    return sorted(
        ({"name": name, "seconds_ago": int(now - seen)} for uid, (name, seen) in present.items()
         if uid != user.pk and now - seen < PRESENCE_SECONDS),
        key=lambda person: person["name"],
    )


def draft_data(post):
    """The autosaved fields of a posted form, as plain strings; raises ValueError when too large."""
    data = {name: str(post.get(name, ""))[:DRAFT_MAX_CHARS] for name in DRAFT_FIELDS if name in post}
    if sum(map(len, data.values())) >= DRAFT_MAX_CHARS:
        raise ValueError("This draft is too large to keep.")
    return data


def autosave(user, article, data, base_version):
    """Keep ``data`` as ``user``'s draft copy of ``article`` (None: a new article); returns the draft.

    Writes only the person's own draft row: never the article, never anyone else's draft.
    """
    draft, _ = AutosavedDraft.objects.update_or_create(
        user=user, article=article,
        defaults={"data": data, "base_version": base_version, "saved_at": timezone.now()},
    )
    return draft


def draft_to_offer(user, article):
    """``user``'s autosaved draft of ``article`` when it differs from what is saved, else None."""
    draft = AutosavedDraft.objects.filter(user=user, article=article).first()
    if draft is None:
        return None
    if article is not None:
        if all(_same(name, typed, _saved_value(article, name)) for name, typed in draft.data.items()):
            return None
    return draft


def discard_draft(user, article):
    """Remove ``user``'s draft copy of ``article`` (after they saved the form, or chose to discard it)."""
    AutosavedDraft.objects.filter(user=user, article=article).delete()


def _saved_value(article, name):
    if name == "tags":
        return ", ".join(sorted(article.tags.names()))
    return getattr(article, name) or ""


def _same(name, typed, saved):
    if name == "tags":
        return sorted(parse_tags(typed)) == sorted(parse_tags(saved))
    if name == "body":
        return sanitize_html(typed) == saved
    return typed.strip() == str(saved).strip()
