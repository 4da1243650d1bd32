"""Review reminder emails: one digest per reviewer, escalations to the Editor group, never twice.

Each article is reminded about once per due date and kind (a database constraint on
``ReviewReminder``); a new review gives a new due date, hence a new reminder. An article whose
reviewer cannot be emailed (no account, no address, inactive) goes to the editors instead.

Other news for the same people travels in the same digests as a ``Section`` of ``News`` (readers'
reports that the medical information is wrong: ``articles/feedback/notifications.py``), so a
reviewer gets one email a run, not one per kind of news.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.urls import reverse

from articles.models import ReviewReminder
from articles.workflow.rules import editors as editor_accounts


@dataclass
class Outcome:
    """What a run did: emails sent, reminders recorded, failures to report, and whether the editors got their email."""

    sent: list = field(default_factory=list)
    skipped: int = 0
    errors: list = field(default_factory=list)
    editors_told: bool = False


@dataclass
class Section:
    """A part of a digest: what it is about (for the subject), its introduction, its lines and a closing line."""

    summary: str
    intro: str
    lines: list
    outro: str = ""

    def text(self):
        return "\n".join([self.intro, "", *self.lines, *(["", self.outro] if self.outro else [])])


@dataclass
class News:
    """Other news for the digests of one run: a section per reviewer (by ``Reviewer``) and one for the editors."""

    for_reviewers: dict = field(default_factory=dict)
    for_editors: Section | None = None


def _plural(n, word):
    return f"{n} {word}{'s' if n != 1 else ''}"


def _line(article, site_url):
    when = "due now (never reviewed)" if article.next_due is None else f"due {article.due_on:%d %B %Y}"
    if article.days_overdue:
        when += f", overdue by {article.days_overdue} day{'s' if article.days_overdue != 1 else ''}"
    if article.changed:
        when += ", changed since review"
    link = site_url + reverse("admin:articles_article_change", args=[article.pk])
    return f"- {article.title}: {when}\n  {link}"


def _reviewer_address(reviewer):
    user = reviewer.user if reviewer else None
    if reviewer and reviewer.is_active and user and user.is_active and user.email:
        return user.email
    return None


def notify(rows, *, today, escalate_after=None, news=None):
    """Send the digests for decorated due-list ``rows`` and ``news``; record what was sent. A fixed number of queries.

    One run at a time: a second run started meanwhile (cron on two machines, a person at a
    terminal) waits for the first to record what it sent, then sends only what is still due.
    """
    with transaction.atomic():
        _wait_for_other_runs()
        return _notify(rows, today=today, escalate_after=escalate_after, news=news or News())


def _wait_for_other_runs():
    """Hold the reminders' write lock until this transaction ends.

    PostgreSQL: a table lock that conflicts with itself but not with readers. SQLite: the site opens
    every transaction with BEGIN IMMEDIATE (``cms/settings.py``), which already takes the write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(ReviewReminder._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")  # noqa: S608 (no input)


def _notify(rows, *, today, escalate_after, news):
    escalate_after = settings.REVIEW_ESCALATE_AFTER_DAYS if escalate_after is None else escalate_after
    site_url = settings.SITE_URL
    already = set(ReviewReminder.objects.values_list("article_id", "due_on", "kind"))
    outcome = Outcome()

    per_reviewer, to_editors = {}, []
    for article in rows:
        address = _reviewer_address(article.reviewer)
        if address and (article.pk, article.due_on, ReviewReminder.Kind.REMINDER) not in already:
            per_reviewer.setdefault(article.reviewer, []).append(article)
        elif address:
            outcome.skipped += 1
        needs_editors = article.days_overdue > escalate_after or not address
        if needs_editors and (article.pk, article.due_on, ReviewReminder.Kind.ESCALATION) not in already:
            to_editors.append(article)

    records = []
    news_for = {reviewer: section for reviewer, section in news.for_reviewers.items() if _reviewer_address(reviewer)}
    for reviewer in [*per_reviewer, *(r for r in news_for if r not in per_reviewer)]:
        sections = []
        articles = per_reviewer.get(reviewer, [])
        if articles:
            sections.append(Section(
                summary=f"{_plural(len(articles), 'article')} due for medical review",
                intro=f"{_plural(len(articles), 'article')} you reviewed {'are' if len(articles) != 1 else 'is'} "
                      "due for medical review:",
                lines=[_line(a, site_url) for a in articles],
                outro=f"If nothing needs to change, confirm it in one click: {site_url}{reverse('staff:my_reviews')}",
            ))
        if reviewer in news_for:
            sections.append(news_for[reviewer])
        address = _reviewer_address(reviewer)
        if _send_digest(f"Dear {reviewer.name},", sections, [address], outcome):
            records += [
                ReviewReminder(article_id=a.pk, due_on=a.due_on, kind=ReviewReminder.Kind.REMINDER, reviewer=reviewer,
                               recipients=address)
                for a in articles
            ]

    if to_editors or news.for_editors:
        editors = list(
            editor_accounts().exclude(email="")
            .order_by("email").values_list("email", flat=True).distinct()
        )
        if not editors:
            what = " and ".join(filter(None, [
                to_editors and f"{len(to_editors)} article(s) overdue or without a reviewer",
                news.for_editors and news.for_editors.summary,
            ]))
            outcome.errors.append(f"{what} need the editors, but no active editor (the Editor role) has an email "
                                  "address; nothing was sent to editors.")
        else:
            sections = []
            if to_editors:
                sections.append(Section(
                    summary=f"Escalation: {len(to_editors)} article(s) overdue for medical review",
                    intro=f"These articles are more than {escalate_after} days overdue for medical review, "
                          "or have no reviewer who can be reminded:",
                    lines=[_line(a, site_url) + (f"\n  Reviewer: {a.reviewer.name}" if a.reviewer else "\n  No reviewer yet")
                           for a in to_editors],
                    outro=f"The review schedule: {site_url}{reverse('staff:review_schedule')}",
                ))
            if news.for_editors:
                sections.append(news.for_editors)
            if _send_digest("Dear editors,", sections, editors, outcome):
                outcome.editors_told = True
                records += [
                    ReviewReminder(article_id=a.pk, due_on=a.due_on, kind=ReviewReminder.Kind.ESCALATION, reviewer=a.reviewer,
                                   recipients="\n".join(editors))
                    for a in to_editors
                ]
    # One insert for the whole run (the constraint stays as a last guard).
    ReviewReminder.objects.bulk_create(records, ignore_conflicts=True)
    return outcome


def _send_digest(greeting, sections, to, outcome):
    subject = f"[{settings.SITE_NAME}] " + "; ".join(section.summary for section in sections)
    body = "\n\n".join([greeting, *(section.text() for section in sections)])
    return _send(subject, body, to, outcome)


def _send(subject, body, to, outcome):
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()
    except Exception as error:  # SMTP and socket errors have no common base worth naming
        outcome.errors.append(f"Could not send “{subject}” to {', '.join(to)}: {error}")
        return False
    outcome.sent.append((subject, to))
    return True
