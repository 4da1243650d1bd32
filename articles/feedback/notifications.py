"""Medical-information reports reach the article's last reviewer and the editors.

By default they travel with the review reminders: ``manage.py review_due --notify`` (cron) sends
each reviewer one email listing the new reports on articles they last reviewed, and the editors
one email listing all of them. With ``FEEDBACK_NOTIFY_AT_ONCE`` on, each report is sent as soon as
it is saved. Either way a report is sent once (``notified_at``); a failed send is retried by the
next run.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.reviews.reminders import Outcome, reviewer_address, send
from articles.workflow.rules import editors as editor_accounts

from .models import Feedback


def pending():
    """Medical-information reports nobody has been told of yet."""
    return (
        Feedback.objects.reports().filter(reason=Feedback.Reason.MEDICAL, notified_at__isnull=True)
        .select_related("article", "article__last_reviewer__user").order_by("created_at", "pk")
    )


def _line(report, site_url):
    link = site_url + reverse("admin:feedback_feedback_change", args=[report.pk])
    where = f" (section: {report.section})" if report.section else ""
    text = report.text.replace("\n", " ")
    quoted = f"\n  “{text[:300]}{'…' if len(text) > 300 else ''}”" if text else ""
    return f"- {report.article.title}{where}, {timezone.localtime(report.created_at):%d %B %Y %H:%M}{quoted}\n  {link}"


def send_medical_reports(reports=None):
    """Email the reviewers and editors about ``reports`` (default: every one still pending). Returns an Outcome."""
    reports = list(pending() if reports is None else reports.filter(notified_at__isnull=True).select_related(
        "article", "article__last_reviewer__user"))
    outcome = Outcome()
    if not reports:
        return outcome
    site_url = settings.SITE_URL
    sent_ids = set()

    per_reviewer = {}
    for report in reports:
        reviewer = report.article.last_reviewer
        if reviewer_address(reviewer):
            per_reviewer.setdefault(reviewer, []).append(report)
    for reviewer, theirs in per_reviewer.items():
        body = "\n".join([
            f"Dear {reviewer.name},",
            "",
            f"Readers reported that the medical information may be wrong or out of date in "
            f"{'an article' if len(theirs) == 1 else 'articles'} you last reviewed:",
            "",
            *(_line(r, site_url) for r in theirs),
            "",
            "The editors have been told too. Reports are triaged in the reader reports inbox.",
        ])
        subject = f"[{settings.SITE_NAME}] {len(theirs)} reader report(s) about medical information"
        send(subject, body, [reviewer_address(reviewer)], outcome)

    editors = list(
        editor_accounts().filter(is_active=True).exclude(email="")
        .order_by("email").values_list("email", flat=True).distinct()
    )
    if not editors:
        outcome.errors.append(f"{len(reports)} medical-information report(s) need the editors, but no active "
                              f"editor has an email address; nothing was sent to editors.")
    else:
        body = "\n".join([
            "Dear editors,",
            "",
            "Readers reported that the medical information may be wrong or out of date:",
            "",
            *(_line(r, site_url) + (f"\n  Last reviewer: {r.article.last_reviewer.name}" if r.article.last_reviewer
                                    else "\n  Never reviewed") for r in reports),
            "",
            f"The inbox: {site_url}{reverse('admin:feedback_feedback_changelist')}?reason__exact=medical",
        ])
        subject = f"[{settings.SITE_NAME}] {len(reports)} reader report(s) about medical information"
        if send(subject, body, editors, outcome):
            sent_ids.update(r.pk for r in reports)
    # Marked sent once the editors have it: a reviewer without an address, or a failed reviewer
    # email, does not hold the report back; a failed editors' email leaves it for the next run.
    Feedback.objects.filter(pk__in=sent_ids).update(notified_at=timezone.now())
    return outcome
