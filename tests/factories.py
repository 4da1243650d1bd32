"""Small factories with sensible defaults: each test names only what it cares about."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, MedicalReview, RelatedLink, Reviewer, Series, SeriesEntry
from references.models import Citation, Reference, Source

_seq = itertools.count(1)


def user(**fields):
    n = next(_seq)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("is_staff", True)
    password = fields.pop("password", "correct horse battery")
    account = get_user_model().objects.create_user(**fields)
    account.set_password(password)
    account.save()
    return account


def reviewer(**fields):
    n = next(_seq)
    fields.setdefault("name", f"Dr. Reviewer {n}")
    fields.setdefault("slug", f"reviewer-{n}")
    fields.setdefault("credentials", "MD")
    return Reviewer.objects.create(**fields)


def article(*, reviewed_on=None, reviewed_by=None, tags=(), **fields):
    """A published article, public since yesterday, unless told otherwise."""
    n = next(_seq)
    fields.setdefault("title", f"Article {n}")
    fields.setdefault("slug", f"article-{n}")
    fields.setdefault("summary", f"Summary of article {n}.")
    fields.setdefault("body", f"<h2>Section</h2><p>Body of article {n}.</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("publish_at", timezone.now() - datetime.timedelta(days=1))
    obj = Article.objects.create(**fields)
    if tags:
        obj.tags.set(list(tags))
    if reviewed_on or reviewed_by:
        review(obj, reviewer_=reviewed_by, reviewed_on=reviewed_on)
    return obj


def review(article_, *, reviewer_=None, reviewed_on=None, **fields):
    return MedicalReview.objects.create(
        article=article_,
        reviewer=reviewer_ or reviewer(),
        reviewed_on=reviewed_on or timezone.localdate(),
        **fields,
    )


def source(**fields):
    fields.setdefault("name", f"Publisher {next(_seq)}")
    return Source.objects.create(**fields)


def reference(**fields):
    n = next(_seq)
    fields.setdefault("title", f"Reference title {n}")
    fields.setdefault("url", f"https://example.org/page-{n}")
    return Reference.objects.create(**fields)


def cite(article_, reference_=None, position=None):
    position = position or article_.citations.count() + 1
    return Citation.objects.create(article=article_, reference=reference_ or reference(), position=position)


def series(**fields):
    n = next(_seq)
    fields.setdefault("title", f"Series {n}")
    fields.setdefault("slug", f"series-{n}")
    return Series.objects.create(**fields)


def series_entry(series_, article_, position, label=None):
    return SeriesEntry.objects.create(series=series_, article=article_, position=position, label=label or f"Part {position}")


def related(article_, target, position=0):
    return RelatedLink.objects.create(article=article_, target=target, position=position)


def staff_in(group, **fields):
    """A staff account in one of the editorial roles (groups made by a migration): Writer, Medical reviewer, Editor."""
    from django.contrib.auth.models import Group

    account = user(**fields)
    account.groups.add(Group.objects.get(name=group))
    if group == "Medical reviewer":
        reviewer(user=account, name=f"Dr. {account.username.title()}")
    return get_user_model().objects.get(pk=account.pk)  # fresh, without a stale permission cache


def edit(article_, **fields):
    """Save new values of an article's fields as any edit would (by default, a paragraph added to the body)."""
    fresh = Article.objects.get(pk=article_.pk)
    for name, value in (fields or {"body": f"{fresh.body}<p>Edited.</p>"}).items():
        setattr(fresh, name, value)
    fresh.save()
    article_.refresh_from_db()
    return article_
