"""Articles as a CSV file that opens cleanly in a spreadsheet: the admin action and the staff download.

One row per article, written by the project's one CSV writer (``cms/spreadsheet.py``: byte-order
mark, formula-looking cells neutralised).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles.models import Article
from articles.reviews.dates import interval_for, next_review_due
from cms.spreadsheet import csv_download


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


def article_rows(queryset, base_url):
    """The header and one row of cells per article, in two queries whatever the number of articles."""
    yield columns()
    for article in queryset.for_listing():
        review = article.latest_review
        due = next_review_due(review.reviewed_on if review else None, interval_for(article))
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
    # Built in memory: the rows come from one prefetched read (for_listing), held whole anyway.
    return csv_download(article_rows(queryset, base_url), f"articles-{timezone.localdate():%Y-%m-%d}.csv", stream=False)


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
