"""The editor's desk on the admin's home page: per role, what waits on the signed-in person.

Each section is one bounded query (``LIMIT`` one more than shown, to know whether to say "and
more"), so the page costs the same however large the catalogue:

- anyone who writes: their drafts a medical reviewer sent back;
- a medical reviewer: articles in review for them (assigned to them or to nobody, never their
  own), approved articles they signed off that changed since (they cannot be published until the
  change is reviewed), and published articles they signed off that are due for review or changed
  since (``My reviews``);
- anyone who may publish: approved articles waiting to be published (those changed since their
  review say so), and articles scheduled to go live within ``SCHEDULED_SOON_DAYS``.
"""

import dataclasses
import datetime

from django.urls import reverse
from django.utils import timezone

from articles.content.times import local_time
from articles.models import Article
from articles.reviews import services
from articles.workflow import integrity
from articles.workflow.rules import reviewer_profile

SCHEDULED_SOON_DAYS = 7


@dataclasses.dataclass
class Row:
    article: Article
    note: str


@dataclasses.dataclass
class Section:
    """One heading of the desk: its rows, whether there are more, and where to see them all."""

    key: str
    title: str
    rows: list
    more: bool = False
    link: str = ""
    link_text: str = ""


def _bounded(queryset, limit):
    found = list(queryset[: limit + 1])
    return found[:limit], len(found) > limit


def desk(user, *, limit=10, now=None):
    """The sections that apply to ``user``'s roles, in the order they should act on them.

    A section with no rows is kept (it says "nothing") so each role sees that the desk looked.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sections = []
    waiting, more = _bounded(
        Article.objects.waiting_for(user).select_related("assigned_reviewer").order_by("updated_at"), limit * 2
    )
    if user.has_perm("articles.submit_article") or any(a.status == Article.Status.DRAFT for a in waiting):
        sent_back = [Row(a, "Sent back by the medical reviewer: see their comment") for a in waiting if a.status == Article.Status.DRAFT]
        sections.append(Section("sent-back", "Sent back to you", sent_back[:limit], more or len(sent_back) > limit))
    if user.has_perm("articles.signoff_article"):
        to_review = [
            Row(a, "Assigned to you" if a.assigned_reviewer_id else "Unassigned: any reviewer may take it")
            for a in waiting if a.status == Article.Status.IN_REVIEW
        ]
        sections.append(Section("to-review", "Waiting for your medical review", to_review[:limit], more or len(to_review) > limit))
    if reviewer_profile(user) is not None:
        changed = services.changed_before_publishing(user).filter(status=Article.Status.APPROVED)
        approved, more_changed = _bounded(changed.order_by("content_changed_at", "pk"), limit)
        rows = [Row(a, "Approved, then changed: see what changed and sign it off again") for a in approved]
        sections.append(Section("changed", "Changed since you signed it off", rows, more_changed,
                                reverse("staff:my_reviews"), "All your reviews"))
        due, more_due = _bounded(services.confirmable(user, today).order_by("next_review_on", "pk"), limit)
        rows = [Row(a, _due_note(a, today)) for a in due]
        sections.append(Section("due", "Due for your review again", rows, more_due, reverse("staff:my_reviews"), "All your reviews due"))
    if user.has_perm("articles.publish_article"):
        approved, more_approved = _bounded(Article.objects.filter(status=Article.Status.APPROVED).order_by("updated_at"), limit)
        rows = [
            Row(a, "Changed since its review: a medical reviewer must review it (send it back for review)"
                if integrity.is_changed_as_stored(a) else "Approved: publish it or schedule it")
            for a in approved
        ]
        sections.append(Section(
            "approved", "Approved, waiting to be published", rows, more_approved,
            reverse("admin:articles_article_changelist") + f"?status__exact={Article.Status.APPROVED}", "All approved articles",
        ))
        soon, more_soon = _bounded(
            Article.objects.scheduled(now).filter(publish_at__lte=now + datetime.timedelta(days=SCHEDULED_SOON_DAYS)).order_by("publish_at"),
            limit,
        )
        rows = [Row(a, f"Goes live {local_time(a.publish_at)}") for a in soon]
        sections.append(Section(
            "scheduled", f"Scheduled in the next {SCHEDULED_SOON_DAYS} days", rows, more_soon,
            reverse("admin:articles_article_changelist") + "?status__exact=scheduled", "All scheduled articles",
        ))
    return sections


def _due_note(article, today):
    """Why a reviewer's article is listed: ``confirmable`` lists those due within 30 days or changed."""
    due = article.next_review_on
    if due and due < today:
        return f"Overdue since {due:%-d %B %Y}"
    if due and due <= today + datetime.timedelta(days=services.CONFIRM_WITHIN_DAYS):
        return f"Due {due:%-d %B %Y}"
    return "Changed since your review"
