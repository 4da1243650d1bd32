"""Writes: a reader's vote or report, a report's triage, and the correction that answers it.

Every write of a feedback row goes through here (the public view and the admin call these).
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from articles.workflow import rules as workflow

from . import notifications
from .models import TEXT_MAX_LENGTH, Feedback
from .redaction import redact

TOKEN_SALT = "vetted.feedback.vote"
# A vote's token lets the same reader add details to it for this long.
TOKEN_MAX_AGE = datetime.timedelta(hours=2)
State = Feedback.State


def record_vote(article, helpful):
    """Store one "Was this page helpful?" answer; returns the row."""
    return Feedback.objects.create(article=article, helpful=helpful)


def vote_token(vote):
    """A signed, expiring reference to ``vote``, so the reader's details can be added to it."""
    return signing.dumps({"vote": vote.pk, "article": vote.article_id}, salt=TOKEN_SALT, compress=True)


def _vote_from_token(token, article):
    if not token:
        return None
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # tampered or expired: a report of its own
        return None
    if not isinstance(data, dict) or data.get("article") != article.pk:
        return None
    return Feedback.objects.filter(pk=data.get("vote"), article=article, is_report=False).first()


def record_report(article, *, reason="", section="", text="", token=""):
    """Store a problem report, redacted; added to the reader's vote when ``token`` names it.

    A medical-information report is sent to the reviewer and editors at once when
    ``FEEDBACK_NOTIFY_AT_ONCE`` is on, else with the next ``review_due --notify``.
    """
    fields = {"reason": reason, "section": redact(section), "text": redact(text)[:TEXT_MAX_LENGTH], "is_report": True}
    with transaction.atomic():
        report = _vote_from_token(token, article)
        if report is None:
            report = Feedback(article=article, **fields)
        else:
            for name, value in fields.items():
                setattr(report, name, value)
        report.full_clean(exclude=["revision", "correction", "assignee"])
        report.save()
        if report.is_medical and settings.FEEDBACK_NOTIFY_AT_ONCE:
            pk = report.pk
            transaction.on_commit(lambda: notifications.send_medical_reports(Feedback.objects.filter(pk=pk)))
    return report


def stamp_state(report, *, now=None):
    """Set the time a report first reached its current state (triaged, actioned, closed).

    Actioned and closed imply triaged: a report answered straight away counts as triaged then too.
    """
    now = now or timezone.now()
    if report.state != State.NEW and report.triaged_at is None:
        report.triaged_at = now
    if report.state == State.ACTIONED and report.actioned_at is None:
        report.actioned_at = now
    if report.state == State.CLOSED and report.closed_at is None:
        report.closed_at = now


def save_triage(report, *, now=None):
    """Save an editor's triage of ``report`` (state, assignee, notes, links), stamping the state's time."""
    stamp_state(report, now=now)
    report.save()
    return report


def publish_correction(report, *, by, note, now=None):
    """In one step from a report: publish ``note`` as the article's correction (through the
    workflow, editors only), link it to the report and mark the report actioned."""
    with transaction.atomic():
        event = workflow.announce_correction(report.article, by, note, at=now)
        report.correction = event
        report.state = State.ACTIONED
        save_triage(report, now=event.created_at)
    return event
