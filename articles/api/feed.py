"""The article list: filters, its two orders, cursor pagination, and tombstones in the change feed.

A cursor is the last row's sort key (never an offset), so a page follows on from the one before
however many articles are inserted, edited or withdrawn meanwhile: a row that changes while a
partner pages through the ``modified`` order moves to the end of it and is read again there.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.db.models import DateTimeField, F, Q
from django.db.models.functions import Greatest
from taggit.models import Tag

from articles.models import Article, Reviewer, Series

from .models import Withdrawal

ORDERS = {
    # name: (key, descending)
    "modified": ("changed", False),
    "-modified": ("changed", True),
    "reviewed": ("last_reviewed_on", False),
    "-reviewed": ("last_reviewed_on", True),
}
DEFAULT_ORDER = "-modified"
ARTICLE, TOMBSTONE = "a", "t"


class BadFilter(ValueError):
    """A filter or cursor the API cannot use; its message is shown to the partner (400, ``code``)."""

    code = "bad_request"


# The filters that name a row by its slug: the row's model and the endpoint that lists them.
SLUG_FILTERS = {"series": (Series, "series"), "tag": (Tag, "tags"), "reviewer": (Reviewer, "reviewers")}


class UnknownSlug(BadFilter):
    """A ``series``, ``tag`` or ``reviewer`` filter naming nothing we have (a mistyped slug): told
    apart from a real one that no published article matches, which is an empty list."""

    def __init__(self, name, slug):
        shown = slug if len(slug) <= 100 else slug[:100] + "…"
        super().__init__(f"{name}: no {name} has the slug '{shown}'; /api/v1/{SLUG_FILTERS[name][1]} lists them.")
        self.code = f"unknown_{name}"


def changed_at():
    """When an article last changed for a partner: its row was saved (content, status, a review's
    dates) or it went live at its publish time, whichever is later. ``Article.Meta`` indexes it."""
    return Greatest(F("updated_at"), F("publish_at"), output_field=DateTimeField())


@dataclass(frozen=True)
class Cursor:
    order: str
    key: object  # an ISO date or time string
    kind: str
    pk: int

    def encode(self):
        raw = json.dumps([self.order, self.key, self.kind, self.pk], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text, order):
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            cursor_order, key, kind, pk = json.loads(raw)
            if cursor_order != order:
                raise BadFilter("This cursor belongs to another order; keep the order you started with.")
            if kind not in (ARTICLE, TOMBSTONE) or not isinstance(pk, int) or not isinstance(key, str):
                raise ValueError
            if ORDERS[order][0] == "last_reviewed_on":
                key = datetime.date.fromisoformat(key)
            else:
                key = datetime.datetime.fromisoformat(key)
                if key.tzinfo is None:
                    raise ValueError
            return cls(cursor_order, key.isoformat(), kind, pk)
        except BadFilter:
            raise
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
            raise BadFilter("The cursor is not one this API gave out; start again without it.") from None


def _after(cursor, kind, key_field, descending):
    """Rows of ``kind`` that come after ``cursor`` in the order (key, kind, pk)."""
    key = cursor.key
    if key_field != "last_reviewed_on":
        key = datetime.datetime.fromisoformat(key)
    beyond = "lt" if descending else "gt"
    later_kind = (kind < cursor.kind) if descending else (kind > cursor.kind)
    same_key = Q(**{key_field: key})
    condition = Q(**{f"{key_field}__{beyond}": key})
    if later_kind:
        condition |= same_key
    elif kind == cursor.kind:
        condition |= same_key & Q(**{f"pk__{beyond}": cursor.pk})
    return condition


@dataclass
class Filters:
    modified_since: datetime.datetime | None = None
    series: str | None = None
    tag: str | None = None
    reviewer: str | None = None
    review_due_before: datetime.date | None = None


def page(filters, order, cursor_text, limit, now):
    """``(rows, next cursor or None)``: each row ``(kind, pk, key)`` in order."""
    if order not in ORDERS:
        raise BadFilter(f"order must be one of {', '.join(ORDERS)}.")
    key_field, descending = ORDERS[order]
    cursor = Cursor.decode(cursor_text, order) if cursor_text else None
    slugs = [(name, model, getattr(filters, name)) for name, (model, _list) in SLUG_FILTERS.items() if getattr(filters, name)]
    for name, model, slug in slugs:
        if len(slug) > model._meta.get_field("slug").max_length:  # no row can have it: no query
            raise UnknownSlug(name, slug)
    articles = Article.objects.published(now).annotate(changed=changed_at())
    if filters.modified_since is not None:
        articles = articles.filter(changed__gte=filters.modified_since)
    if filters.series:
        articles = articles.filter(series_entry__series__slug=filters.series)
    if filters.tag:
        articles = articles.filter(tags__slug=filters.tag)
    if filters.reviewer:
        articles = articles.filter(last_reviewer__slug=filters.reviewer)
    if filters.review_due_before is not None:
        articles = articles.filter(next_review_on__lt=filters.review_due_before)
    if key_field == "last_reviewed_on":
        articles = articles.filter(last_reviewed_on__isnull=False)
    if cursor is not None:
        articles = articles.filter(_after(cursor, ARTICLE, key_field, descending))
    sign = "-" if descending else ""
    rows = [
        (key, ARTICLE, pk)
        for pk, key in articles.order_by(f"{sign}{key_field}", f"{sign}pk").values_list("pk", key_field)[: limit + 1]
    ]
    # Tombstones belong to the change feed: withdrawals since the time asked, in the same order. Read
    # apart (each side from its own index) and merged here: a UNION would sort every match first.
    with_tombstones = filters.modified_since is not None and key_field == "changed" and not (
        filters.series or filters.tag or filters.reviewer or filters.review_due_before
    )
    if with_tombstones:
        withdrawn = Withdrawal.objects.filter(withdrawn_at__gte=filters.modified_since).alias(changed=F("withdrawn_at"))
        if cursor is not None:
            withdrawn = withdrawn.filter(_after(cursor, TOMBSTONE, "changed", descending))
        rows += [
            (key, TOMBSTONE, pk)
            for pk, key in withdrawn.order_by(f"{sign}withdrawn_at", f"{sign}pk").values_list("pk", "withdrawn_at")[: limit + 1]
        ]
        rows.sort(reverse=descending)
    if not rows:
        # Nothing matched: a mistyped slug, or a real one no published article has (yet)? Asked only
        # now, one EXISTS on the slug's unique index per slug filter, so a page with rows costs nothing more.
        for name, model, slug in slugs:
            if not model.objects.filter(slug=slug).exists():
                raise UnknownSlug(name, slug)
    rows = [(kind, pk, key) for key, kind, pk in rows[: limit + 1]]
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        kind, pk, key = rows[-1]
        next_cursor = Cursor(order, _key_text(key), kind, pk).encode()
    return rows, next_cursor


def _key_text(key):
    return key.isoformat()
