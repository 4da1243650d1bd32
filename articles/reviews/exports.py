"""Articles as a CSV file that opens cleanly in a spreadsheet: the admin action and the staff download.

UTF-8 with a byte-order mark (so Excel reads accents), one row per article, and
every cell that a spreadsheet would run as a formula (=, +, -, @, tab, carriage
return at the start) prefixed with an apostrophe, which shows as text.
"""

import csv

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles.models import Article
from articles.reviews.dates import add_months, interval_for


def columns():
    """The header row."""
    return [
        "Title",
        "Slug",
        "Status",
        f"Publish time ({settings.TIME_ZONE})",
        "Latest reviewer",
        "Last reviewed",
        "Next review due",
        "Series",
        "URL",
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text a spreadsheet will not evaluate (OWASP's advice for CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


class Echo:
    """A file-like object that hands back what is written: ``csv.writer(Echo())`` turns each row into
    text for a ``StreamingHttpResponse``."""

    def write(self, value):
        return value


def next_review_due(article, latest_review):
    """The date the next medical review is due; None when the article was never reviewed (due now)."""
    if latest_review is None:
        return None
    return add_months(latest_review.reviewed_on, interval_for(article))


def article_rows(queryset, base_url):
    """The header and one row of cells per article, in two queries whatever the number of articles."""
    yield columns()
    for article in queryset.for_listing():
        review = article.latest_review
        due = next_review_due(article, review)
        entry = getattr(article, "series_entry", None)
        yield [
            article.title,
            article.slug,
            "Scheduled" if article.is_scheduled() else article.get_status_display(),  # its time is the next cell
            timezone.localtime(article.publish_at).strftime("%Y-%m-%d %H:%M") if article.publish_at else "",
            review.reviewer.display_name if review else "",
            review.reviewed_on.isoformat() if review else "never reviewed",
            due.isoformat() if due else "due now (never reviewed)",
            f"{entry.series}: {entry.label}" if entry else "",
            base_url + article.get_absolute_url(),
        ]


def articles_csv_response(queryset, request):
    """An attachment ``articles-YYYY-MM-DD.csv`` with ``queryset``'s articles."""
    base_url = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="articles-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in article_rows(queryset, base_url):
        writer.writerow([neutralise(cell) for cell in row])
    return response


@admin.action(description="Export selected articles as CSV (spreadsheet)", permissions=["view"])
def export_articles_csv(modeladmin, request, queryset):
    return articles_csv_response(queryset, request)


@never_cache
@staff_member_required
def articles_csv(request):
    """Every article as CSV for staff who may view articles; ``?status=published`` (etc.) narrows it."""
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied("You may not view articles.")
    articles = Article.objects.order_by("title", "pk")
    status = request.GET.get("status", "")
    if status:
        if status not in Article.Status.values:
            return HttpResponseBadRequest(
                f"Unknown status. Use one of: {', '.join(Article.Status.values)}.", content_type="text/plain"
            )
        articles = articles.filter(status=status)
    return articles_csv_response(articles, request)
