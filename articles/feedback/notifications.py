"""Medical-information reports reach the article's last reviewer and the editors.

By default they travel inside the review reminders' digests: ``manage.py review_due --notify``
(cron) gives each reviewer one email with their due articles and the new reports on articles they
last reviewed, and the editors one email with the escalations and all the new reports
(``articles/reviews/reminders.py`` composes and sends both). With ``FEEDBACK_NOTIFY_AT_ONCE`` on,
each report is sent through the same digest as soon as it is saved. Either way a report is sent
once (``notified_at``, set when the editors' email has gone); a failed send is retried by the next run.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.reviews import reminders

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


def _summary(n):
    return f"{n} reader report{'s' if n != 1 else ''} about medical information"


def news(reports):
    """``reports`` as the digests' news: a section for each article's last reviewer and one for the editors."""
    site_url = settings.SITE_URL
    per_reviewer = {}
    for report in reports:
        if report.article.last_reviewer:
            per_reviewer.setdefault(report.article.last_reviewer, []).append(report)
    return reminders.News(
        for_reviewers={
            reviewer: reminders.Section(
                summary=_summary(len(theirs)),
                intro="Readers reported that the medical information may be wrong or out of date in "
                      f"{'an article' if len(theirs) == 1 else 'articles'} you last reviewed:",
                lines=[_line(r, site_url) for r in theirs],
                outro="The editors have been told too. Reports are triaged in the reader reports inbox.",
            )
            for reviewer, theirs in per_reviewer.items()
        },
        for_editors=reminders.Section(
            summary=_summary(len(reports)),
            intro="Readers reported that the medical information may be wrong or out of date:",
            lines=[
                _line(r, site_url) + (f"\n  Last reviewer: {r.article.last_reviewer.name}" if r.article.last_reviewer
                                      else "\n  Never reviewed")
                for r in reports
            ],
            outro=f"The inbox: {site_url}{reverse('admin:feedback_feedback_changelist')}?reason__exact=medical",
        ) if reports else None,
    )


def mark_told(reports, outcome):
    """Mark ``reports`` sent once the editors have them: a reviewer without an address, or a failed
    reviewer email, does not hold a report back; a failed editors' email leaves it for the next run."""
    if outcome.editors_told:
        Feedback.objects.filter(pk__in=[r.pk for r in reports]).update(notified_at=timezone.now())


def send_medical_reports(reports):
    """Send ``reports`` now (``FEEDBACK_NOTIFY_AT_ONCE``), in the same digest form. Returns the Outcome."""
    reports = list(reports.filter(notified_at__isnull=True).select_related("article", "article__last_reviewer__user"))
    if not reports:
        return reminders.Outcome()
    outcome = reminders.notify([], today=timezone.localdate(), news=news(reports))
    mark_told(reports, outcome)
    return outcome
