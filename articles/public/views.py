"""Public pages. Thin: each reads through a named queryset and renders a template."""

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import edge
from articles.media import rendering as media_rendering
from articles.models import Article, MedicalReview, Reviewer, Series
from articles.public.structured_data import (
    article_breadcrumbs,
    breadcrumb_list,
    breadcrumbs,
    medical_web_page,
    portrait_ids,
    profile_page,
    website,
)
from articles.reads import series as series_reads
from articles.reads.page import published_article_page
from articles.reads.pagination import DeferredJoinPaginator
from articles.reads.related import related_articles
from articles.reviews import display as review_display
from articles.search import misses
from articles.search import query as site_search
from cms.pagecache import generation as pagecache_generation
from cms.pagecache.decorators import public_page
from cms.pagecache.edge import mark, not_shared
from cms.site import absolute_url

PAGE_SIZE = 20
# The home page names this many series (by title) and links to /series/ for the rest.
HOME_SERIES = 12
# ... lists this many recently reviewed articles, and the topics most used among the newest
# HOME_TOPICS_AMONG articles (a bound on the work however large the catalogue).
HOME_REVIEWED = 5
HOME_TOPICS = 16
HOME_TOPICS_AMONG = 200
SERIES_PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE, count_name=None):
    """A page of ``queryset``; a page number that is not a number or out of range gives the nearest page.

    ``count_name`` names the list so its count is remembered until the content changes.
    """
    count_cache = pagecache_generation.count_cache(request, count_name) if count_name else None
    paginator = DeferredJoinPaginator(queryset, per_page, count_cache=count_cache)
    return paginator.get_page(request.GET.get("page"))


def published_pk(pk):
    """The published article with this key: a correlated probe of the primary key, cheap per row."""
    return Article.objects.published().filter(pk=pk)


@public_page(keys=(edge.HOME,))
def home(request):
    articles = Article.objects.published().for_listing()
    page = paginate(request, articles, count_name="home")
    first = page.number == 1  # later pages are the list of articles alone
    return render(
        request,
        "articles/home.html",
        {
            "page": page,
            # One more than shown tells whether to link to the rest, without counting them.
            "series_list": Series.objects.with_published_articles().only("slug", "title", "description")[: HOME_SERIES + 1],
            "home_series": HOME_SERIES,
            "recently_reviewed": Article.objects.recently_reviewed().only("title", "slug", "last_reviewed_on")[:HOME_REVIEWED]
            if first else [],
            "topics": Article.objects.published().order_by("-publish_at", "-id")[:HOME_TOPICS_AMONG].common_tags(HOME_TOPICS)
            if first else [],
            "structured_data": [website(request)],
        },
    )


@public_page
def article_detail(request, slug, *, feedback_form=True):
    """An article's public page. ``feedback_form=False`` leaves out "Was this page helpful?": only
    `make bench`'s reference page does (cms/urls.py), to measure what the form costs a cached page."""
    now = timezone.now()
    article = published_article_page(slug, now)
    if article is None:
        raise Http404("No published article at this address.")
    pagecache_generation.found_next_go_live(request, getattr(article, "next_go_live", None))
    trail = article_breadcrumbs(article)
    related = related_articles(article, now=now)
    edge.mark_article_page(request, article, related)
    images = media_rendering.page_context(article, lambda path: absolute_url(path, request), more=portrait_ids(article))
    context = {
        **images,
        "article": article,
        **review_display.page_dates(article),
        "related": related,
        "breadcrumbs": trail,
        "structured_data": [medical_web_page(article, request), breadcrumb_list(trail, request)],
        **series_reads.navigation(getattr(article, "series_entry", None), now),
        "without_feedback_form": not feedback_form,
    }
    return render(request, "articles/article_detail.html", context)


@public_page(keys=(edge.SERIES_INDEX,))
def series_index(request):
    """Every series with a published article, by title."""
    trail = breadcrumbs(("Series", reverse("articles:series_index")))
    series = Series.objects.with_published_articles().only("slug", "title", "description")
    return render(
        request,
        "articles/series_index.html",
        {
            "page": paginate(request, series, per_page=SERIES_PAGE_SIZE, count_name="series"),
            "breadcrumbs": trail,
            "structured_data": [breadcrumb_list(trail, request)],
        },
    )


@public_page
def series_detail(request, slug):
    series = get_object_or_404(Series, slug=slug)
    entries = (
        series.entries.filter(article__in=Article.objects.published())
        .select_related("article")
        .order_by("position")
    )
    entries = list(entries)
    if not entries:
        raise Http404("This series has no published articles.")
    mark(request, edge.series_key(series.pk))
    latest = {}
    for review in MedicalReview.objects.filter(article__in=[e.article_id for e in entries]).select_related("reviewer"):
        latest.setdefault(review.article_id, review)
    for entry in entries:
        entry.latest_review = latest.get(entry.article_id)
    trail = breadcrumbs((series.title, series.get_absolute_url()))
    return render(
        request,
        "articles/series_detail.html",
        {"series": series, "entries": entries, "breadcrumbs": trail, "structured_data": [breadcrumb_list(trail, request)]},
    )


@public_page
def reviewer_detail(request, slug):
    reviewer = get_object_or_404(Reviewer.objects.select_related("photo"), slug=slug)
    mark(request, edge.reviewer_key(reviewer.pk))
    reviews = (
        reviewer.reviews.filter(Exists(published_pk(OuterRef("article_id"))))
        .select_related("article")
        .order_by("-reviewed_on")
    )
    trail = breadcrumbs((reviewer.name, reviewer.get_absolute_url()))
    return render(
        request,
        "articles/reviewer_detail.html",
        {
            "reviewer": reviewer,
            "page": paginate(request, reviews, count_name=f"reviewer:{reviewer.pk}"),
            "breadcrumbs": trail,
            "structured_data": [profile_page(reviewer, request), breadcrumb_list(trail, request)],
        },
    )


@public_page
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    mark(request, edge.tag_key(tag.pk))
    tagged = TaggedItem.objects.filter(
        tag=tag, content_type=ContentType.objects.get_for_model(Article), object_id=OuterRef("pk")
    )
    articles = Article.objects.published().filter(Exists(tagged)).for_listing()
    page = paginate(request, articles, count_name=f"tag:{tag.pk}")
    if not page.paginator.count:  # only on drafts or scheduled articles: no public page, as for an unknown tag
        raise Http404("No published article has this tag.")
    trail = breadcrumbs((f"Articles about {tag.name}", reverse("articles:tag", args=[tag.slug])))
    return render(
        request,
        "articles/tag_detail.html",
        {"tag": tag, "page": page, "breadcrumbs": trail, "structured_data": [breadcrumb_list(trail, request)]},
    )


@public_page(params=("q", "page", "exact"))
def search(request):
    """``/search/?q=``: published articles only; any query, however odd, gives a normal page.

    A misspelt query is corrected ("Showing results for ...") unless ``exact`` is given."""
    query, was_cut = site_search.clean_query(request.GET.get("q", ""))
    if query:
        not_shared(request)  # each query its own page, and a reader's own business
    exact = request.GET.get("exact") == "1"
    # Ranked results keep their annotations: a plain paginator, not the deferred-join one.
    found = site_search.search(query, exact=exact)
    paginator = Paginator(found.articles, PAGE_SIZE)
    if found.count is not None:
        paginator.count = found.count  # already counted while choosing between whole words and prefixes
    page = paginator.get_page(request.GET.get("page"))
    results = [(article, site_search.snippet(article, found.words)) for article in page]
    context = {
        "query": query,
        "corrected": found.corrected,
        "exact": exact,
        "query_was_cut": was_cut,
        "max_query_length": site_search.MAX_QUERY_LENGTH,
        "page": page,
        "results": results,
        "results_capped": site_search.is_capped(paginator.count),
        "ranked_matches": site_search.RANKED_MATCHES,
        "log_token": misses.token(query, bool(results)) if page.number == 1 else "",
        "breadcrumbs": breadcrumbs(("Search", reverse("articles:search"))),
    }
    return render(request, "articles/search.html", context)
