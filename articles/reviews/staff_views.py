"""Staff pages of the review cycle: the review schedule (with CSV export) and a reviewer's own list.

Staff only, checked here on the server: anonymous visitors are sent to the admin login, signed-in
accounts that are not staff (or lack permission to view articles) get 403.
"""

from dataclasses import dataclass
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from taggit.models import Tag

from articles.content.widgets import QuickChoiceField
from articles.models import Article, Reviewer, Series
from articles.reads.pagination import DeferredJoinPaginator
from articles.reviews import queries, services
from articles.reviews import rows as review_rows
from articles.reviews import schedule as due_schedule
from articles.workflow import revisions
from articles.workflow.rules import reviewer_profile
from cms.site import site_root
from cms.spreadsheet import csv_download
from references.models import Citation, Reference

ROWS_PER_PAGE = 50
STALE_ROWS = 50


def staff_only(view):
    """Anonymous: to the login page. Signed in but not staff, or no view permission on articles: 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not (user.has_perm("articles.view_article") or reviewer_profile(user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


@dataclass(frozen=True, slots=True)
class Choice:
    """A series or tag in a filter list: plain values (a large site has thousands; model instances
    cost ten times as much to build)."""

    pk: int
    slug: str
    label: str

    def __str__(self):
        return self.label


class ScheduleFilters(forms.Form):
    """The schedule's filters. An unknown value is reported and ignored, never a server error."""

    group = forms.ChoiceField(choices=[(g.slug, g.label) for g in due_schedule.GROUPS], required=False)
    reviewer = QuickChoiceField(required=False)
    series = QuickChoiceField(required=False)
    tag = QuickChoiceField(required=False)

    def __init__(self, data, *, reviewers, series, tags):
        super().__init__(data)
        # Choices come from lists already fetched, so validating runs no query.
        self.objects = {
            "reviewer": {r.slug: r for r in reviewers},
            "series": {s.slug: s for s in series},
            "tag": {t.slug: t for t in tags},
        }
        for name, label in [("reviewer", "Any reviewer"), ("series", "Any series"), ("tag", "Any tag")]:
            self.fields[name].choices = [("", label)] + [(slug, str(obj)) for slug, obj in self.objects[name].items()]

    def selected(self):
        """The valid choices as objects (group as a slug); invalid ones fall back to "any"."""
        self.is_valid()
        data = self.cleaned_data
        chosen = {name: self.objects[name].get(data.get(name) or "") for name in ("reviewer", "series", "tag")}
        return {"group": data.get("group") or "overdue", **chosen}


def _filtered(data, *, dates=True):
    """The schedule's articles for the chosen filters; ``dates=False`` leaves out the review interval
    (a join to the series), which the counts do not read: they group the stored due dates."""
    queryset = Article.objects.in_review_cycle()
    if dates:
        queryset = queries.with_review_dates(queryset)
    if data["reviewer"]:
        queryset = queries.last_reviewed_by(queryset, data["reviewer"])
    if data["series"]:
        queryset = queryset.filter(series_entry__series_id=data["series"].pk)
    if data["tag"]:
        queryset = queryset.filter(tags__id=data["tag"].pk)
    return queryset


def _chart(forecast):
    """Bar geometry for the inline SVG (no script, no inline style)."""
    top, bottom, width, gap = 20, 150, 44, 6
    bars = []
    for i, month in enumerate(forecast.months):
        height = round((bottom - top) * month.height / 100, 1)
        bars.append({
            "month": month, "x": i * (width + gap) + gap, "y": bottom - height, "height": height,
            "label_x": i * (width + gap) + gap + width / 2, "width": width,
        })
    return {"bars": bars, "width": len(bars) * (width + gap) + gap, "baseline": bottom}


@staff_only
def review_schedule(request):
    today = timezone.localdate()
    # Only what the filter lists and the rows show: a large site has thousands of series and tags.
    reviewers = list(Reviewer.objects.order_by("name").only("slug", "name"))
    series = [Choice(*row) for row in Series.objects.order_by("title").values_list("pk", "slug", "title")]
    tags = [Choice(*row) for row in Tag.objects.order_by("name").values_list("pk", "slug", "name")]
    filters = ScheduleFilters(request.GET, reviewers=reviewers, series=series, tags=tags)
    selected = filters.selected()
    group = selected["group"]
    queryset = _filtered(selected)
    by_id = {r.pk: r for r in reviewers}
    in_group = queryset.filter(due_schedule.GROUPS_BY_SLUG[group].q(today))
    if request.GET.get("export") == "csv":
        return _csv_response(request, in_group, by_id, today, group)
    rows = review_rows.due_rows(in_group, dated=due_schedule.GROUPS_BY_SLUG[group].dated)

    counts, forecast = due_schedule.summary(_filtered(selected, dates=False), today)  # after queries.with_review_dates()
    paginator = DeferredJoinPaginator(rows, ROWS_PER_PAGE)
    paginator.count = dict((g.slug, n) for g, n in counts)[group]  # already counted: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    reminders = review_rows.last_reminders([values[0] for values in page.object_list])
    page.object_list = [review_rows.decorate(values, by_id, today, reminders) for values in page.object_list]
    stale_cutoff = due_schedule.stale_reference_cutoff(today)
    stale = queryset.filter(referenced_on__lt=stale_cutoff).order_by("referenced_on", "title")
    problems = Citation.objects.filter(article__status=Article.Status.PUBLISHED).select_related("reference", "article")
    # The filters as they stand, for the group, page and export links.
    filter_query = urlencode({name: obj.slug for name, obj in selected.items() if name != "group" and obj})
    context = {
        **admin.site.each_context(request),
        "title": "Review schedule",
        "filters": filters,
        "group": due_schedule.GROUPS_BY_SLUG[group],
        "counts": counts,
        "page": page,
        "filter_query": filter_query,
        "forecast": forecast,
        "chart": _chart(forecast),
        "stale_cutoff": stale_cutoff,
        "stale": list(stale.only("id", "title", "referenced_on", "last_reviewed_on")[:STALE_ROWS]),
        "stale_count": stale.count(),
        "broken": list(problems.filter(reference__in=Reference.objects.broken()).order_by("reference__title")[:STALE_ROWS]),
        "redirected": list(problems.filter(reference__in=Reference.objects.redirected()).order_by("reference__title")[:STALE_ROWS]),
        "today": today,
        "stale_years": settings.REFERENCES_STALE_YEARS,
    }
    for extend in due_schedule.page_extensions:  # e.g. readers' "helpful" answers (articles/feedback)
        context.update(extend(page.object_list))
    return render(request, "staff/review_schedule.html", context)


def _csv_response(request, articles, reviewers, today, group):
    # Absolute, like the sitemap's and the feed's: a spreadsheet has no page to be relative to.
    urls = review_rows.RowUrls(site_root(request))

    def rows():
        reminders = review_rows.last_reminders(articles)
        yield review_rows.ROW_FIELDS
        for values in review_rows.due_rows(articles).iterator(chunk_size=2000):
            yield review_rows.row_values(review_rows.decorate(values, reviewers, today, reminders), urls)

    return csv_download(rows(), f"review-schedule-{group}-{today:%Y-%m-%d}.csv")


@staff_only
def my_reviews(request):
    """A reviewer's due and changed articles: published ones, each confirmable as "reviewed, no change
    needed" in one click; approved ones (or sent back for review) changed since their sign-off, to
    sign off again from the article's own sign-off page."""
    reviewer = reviewer_profile(request.user)
    if reviewer is None:
        context = {**admin.site.each_context(request), "title": "My reviews"}
        return render(request, "staff/not_a_reviewer.html", context, status=403)
    today = timezone.localdate()
    rows = [
        review_rows.decorate(values, {reviewer.pk: reviewer}, today)
        for values in review_rows.due_rows(services.confirmable(request.user, today))
    ]
    unpublished = services.changed_before_publishing(request.user).order_by("content_changed_at", "pk")
    context = {**admin.site.each_context(request), "title": "My reviews", "reviewer": reviewer, "rows": rows,
               "unpublished": list(unpublished.only("pk", "title", "status", "last_reviewed_on", "content_changed_at")),
               "today": today}
    return render(request, "staff/my_reviews.html", context)


@staff_only
def review_changes(request, pk):
    """What changed in one of the reviewer's articles since its latest review, side by side, with
    the "reviewed, no change needed" form under it (My reviews links here for a changed article)."""
    reviewer = reviewer_profile(request.user)
    article = services.confirmable(request.user).filter(pk=pk).first() if reviewer else None
    if article is None:
        raise Http404("This article is not due for your review.")
    found = revisions.since_review(article)
    context = {
        **admin.site.each_context(request), "title": "What changed since your review", "subtitle": article.title,
        "article": article, "reviewer": reviewer, "today": timezone.localdate(),
        "reviewed": found[0] if found else None, "current": found[1] if found else None,
        "parts": found[2] if found else [],
    }
    return render(request, "staff/review_changes.html", context)


@require_POST
@staff_only
def confirm_no_change(request, pk):
    """The one action: record "reviewed, no change needed" today, then back to the list.

    An article changed since its review is confirmed only from the page showing the changes, for
    the revision shown there (``revisions.unseen_change``)."""
    article = Article.objects.filter(pk=pk).first()
    waiting = revisions.unseen_change(article, request.POST.get("seen_revision")) if article else ""
    if waiting:
        messages.error(request, waiting)
        return redirect("staff:review_changes", pk)
    try:
        review = services.confirm_no_change(pk, user=request.user, notes=request.POST.get("notes", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Recorded: “{review.article}” reviewed, no change needed, on {review.reviewed_on:%d %B %Y}.")
    return redirect("staff:my_reviews")

