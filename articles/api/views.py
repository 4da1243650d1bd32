"""The endpoints of /api/v1/ (django-ninja). Thin: filters are parsed here, reads live in ``feed``
and the JSON in ``documents``; who may read is ``access``."""

import datetime
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer
from taggit.models import Tag, TaggedItem

from articles import search as site_search
from articles.content.addresses import address, pattern
from articles.models import Article, Reviewer, Series
from articles.reads.page import published_article_page
from articles.reviews import display as review_display
from cms.site import absolute_url

from . import documents, feed, schemas
from .access import KEY_HEADERS, ApiError, authenticate, error_response
from .models import Withdrawal

ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 429: schemas.Error}
MAX_LIMIT = 100
# What a partner needs beyond the endpoints (keys, errors, syncing, webhooks' signatures), shown on
# the docs page: partners cannot read this repository's docs/api.md.
GUIDE = (Path(__file__).parent / "guide.md").read_text(encoding="utf-8")
UNKNOWN_SLUG = ("A slug that names no {0} at all is a 400 `unknown_{0}`; one whose articles are not published "
                "(yet) is an empty list.")
SEARCH_PAGES = 10


class PartnerKey(HttpBearer):
    """``Authorization: Bearer <key>``. ``access.authenticate`` reads this header and ``X-API-Key``
    alike and answers every case (a key, anonymous, or an error), so this first scheme decides."""

    openapi_description = "Your key as `Authorization: Bearer vt_…`."

    def __call__(self, request):
        return authenticate(request)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return authenticate(request)


class PartnerKeyHeader(APIKeyHeader):
    """``X-API-Key: <key>``: listed so the OpenAPI document names the other header a key may come
    in; the same ``authenticate`` reads it."""

    param_name = "X-API-Key"
    openapi_description = "Your key as `X-API-Key: vt_…` (the same key; either header)."

    def __call__(self, request):  # pragma: no cover - PartnerKey, first, answers every request
        return authenticate(request)

    def authenticate(self, request, key):  # pragma: no cover
        return authenticate(request)


api = NinjaAPI(
    title="Vetted syndication API",
    version="1.0.0",
    description=GUIDE,
    urls_namespace="syndication",
    auth=[PartnerKey(), PartnerKeyHeader()],
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error_response(exc.status, exc.code, exc.message, exc.headers)


@api.exception_handler(ValidationError)
def _bad_request(request, exc):
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response(400, "bad_request", "; ".join(problems) or "The request is not valid.")


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return error_response(401, "key_required", f"An API key is required. {KEY_HEADERS}")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404, "not_found", str(exc) or "Nothing here.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error_response(exc.status_code, "bad_request" if exc.status_code < 500 else "server_error", str(exc))


def bad_filter(message):
    return ApiError(400, "bad_request", message)


def parse_time(name, value):
    if value is None:
        return None
    text = value.strip()
    if "T" in text and " " in text:  # an unencoded "+01:00" arrives as " 01:00"
        text = text.replace(" ", "+")
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise bad_filter(f"{name} must be an ISO 8601 time such as 2026-12-01T09:00:00Z.") from None
    if moment.tzinfo is None:
        raise bad_filter(f"{name} must say its time zone, e.g. 2026-12-01T09:00:00Z or +00:00.")
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        raise bad_filter(f"{name} is out of range.") from None
    return moment


def parse_date(name, value):
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise bad_filter(f"{name} must be an ISO 8601 date such as 2027-01-31.") from None


def page_link(request, **params):
    query = {k: v for k, v in {**request.GET.dict(), **params}.items() if v is not None}
    return absolute_url(request.path + "?" + urlencode(query), request)


def listed(queryset):
    return queryset.select_related("author", "series_entry__series", "last_reviewer").prefetch_related("tags")


def index_document(request):
    """The API's front door (``/api/`` and ``/api/v1/``): where each endpoint, the OpenAPI document
    and the docs page are. Public: it names only addresses the documentation names too."""

    def url(name):
        return absolute_url(address(f"syndication:{name}"), request)

    return {
        "name": api.title,
        "version": api.version,
        "endpoints": {
            "articles": url("article_list"),
            "article": absolute_url(pattern("syndication:article").format("{slug}"), request),
            "search": url("search"),
            "series": url("series_list"),
            "reviewers": url("reviewer_list"),
            "tags": url("tag_list"),
        },
        "openapi": url("openapi-json"),
        "docs": url("openapi-view"),
        "authentication": KEY_HEADERS,
    }


@api.get("/", auth=None, response={200: schemas.Index}, url_name="index", summary="The API's index", tags=["index"])
def index(request: HttpRequest):
    """Where everything is: the endpoints, this document and the docs page. No key needed."""
    return index_document(request)


@api.get("/articles", response={200: schemas.ArticlePage, **ERRORS}, summary="List articles", tags=["articles"],
         openapi_extra={"responses": {400: {"description": (
             "A filter, cursor or limit the API cannot use (`bad_request`), or a `series`, `tag` or `reviewer` "
             "slug that names nothing (`unknown_series`, `unknown_tag`, `unknown_reviewer`); the message says which."
         )}}})
def article_list(
    request: HttpRequest,
    modified_since: str | None = Query(None, description="ISO 8601 time: only what changed since (tombstones too)."),
    series: str | None = Query(None, description=f"A series' slug (from /series). {UNKNOWN_SLUG.format('series')}"),
    tag: str | None = Query(None, description=f"A tag's slug (from /tags). {UNKNOWN_SLUG.format('tag')}"),
    reviewer: str | None = Query(None, description="A reviewer's slug (from /reviewers): articles they last reviewed. "
                                                   + UNKNOWN_SLUG.format("reviewer")),
    review_due_before: str | None = Query(None, description="ISO 8601 date: next review due before it."),
    order: str = Query(feed.DEFAULT_ORDER, description="modified, -modified (default), reviewed or -reviewed."),
    cursor: str | None = Query(None, description="From the previous page's `cursor`."),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
):
    """Published articles, newest change first by default. Pages follow a cursor, so a partner
    walking the list never skips or repeats an article because others changed meanwhile."""
    # An empty parameter (``?series=`` from a partner's template) is no filter.
    filters = feed.Filters(
        modified_since=parse_time("modified_since", modified_since or None),
        series=series or None,
        tag=tag or None,
        reviewer=reviewer or None,
        review_due_before=parse_date("review_due_before", review_due_before or None),
    )
    cursor = cursor or None
    try:
        rows, next_cursor = feed.page(filters, order, cursor, limit, timezone.now())
    except feed.BadFilter as error:
        raise ApiError(400, error.code, str(error)) from None
    article_ids = [pk for kind, pk, _key in rows if kind == feed.ARTICLE]
    tombstone_ids = [pk for kind, pk, _key in rows if kind == feed.TOMBSTONE]
    articles = {a.pk: a for a in listed(Article.objects.filter(pk__in=article_ids))} if article_ids else {}
    withdrawals = {w.pk: w for w in Withdrawal.objects.filter(pk__in=tombstone_ids)} if tombstone_ids else {}
    items = [
        documents.list_item(articles[pk], request) if kind == feed.ARTICLE else documents.tombstone(withdrawals[pk], request)
        for kind, pk, _key in rows
        if pk in (articles if kind == feed.ARTICLE else withdrawals)
    ]
    return {
        "items": items,
        "cursor": next_cursor,
        "next": page_link(request, cursor=next_cursor) if next_cursor else None,
    }


@api.get("/articles/{slug}", response={200: schemas.Article, 404: schemas.Error, **ERRORS}, url_name="article",
         summary="One article", tags=["articles"])
def article_detail(request: HttpRequest, slug: str):
    """The whole article: sections, citations, review dates, series, licence and attribution.
    404 when nothing is published at ``slug`` (a withdrawn article's tombstone is in the list)."""
    now = timezone.now()
    article = published_article_page(slug, now) if len(slug) <= 200 and "\x00" not in slug else None
    if article is None:
        raise Http404("No published article has this slug.")
    data = documents.detail(article, request, now)
    request.api_last_modified = review_display.last_modified_time(article)  # for Last-Modified (http.conditional)
    return data


@api.get("/search", response={200: schemas.SearchPage, **ERRORS}, summary="Search articles", tags=["articles"])
def search(
    request: HttpRequest,
    q: str = Query(..., description="What to search for, ranked as on the site's own search."),
    page: int = Query(1, ge=1, le=SEARCH_PAGES),
    limit: int = Query(20, ge=1, le=50),
):
    query, _cut = site_search.clean_query(q)
    found, _count = site_search.find_articles(query)
    start = (page - 1) * limit
    rows = list(listed(found)[start:start + limit + 1])
    more = len(rows) > limit and page < SEARCH_PAGES
    return {
        "items": [documents.list_item(article, request) for article in rows[:limit]],
        "query": query,
        "page": page,
        "next": page_link(request, page=page + 1) if more else None,
    }


def articles_link(request, **filters):
    return absolute_url(address("syndication:article_list") + "?" + urlencode(filters), request)


@api.get("/series", response={200: schemas.SeriesList, **ERRORS}, summary="Series", tags=["series"])
def series_list(request: HttpRequest):
    """Every series with a published article, by title."""
    series = Series.objects.with_published_articles().only("slug", "title", "description")
    return {"items": [
        {"slug": s.slug, "name": s.title, "description": s.description,
         "url": absolute_url(s.get_absolute_url(), request), "articles": articles_link(request, series=s.slug)}
        for s in series
    ]}


@api.get("/reviewers", response={200: schemas.ReviewerList, **ERRORS}, summary="Medical reviewers", tags=["reviewers"])
def reviewer_list(request: HttpRequest):
    """The clinicians who review our articles (active ones), by name."""
    return {"items": [
        {"slug": r.slug, "name": r.name, "credentials": r.credentials, "specialty": r.specialty, "bio": r.bio,
         "url": absolute_url(r.get_absolute_url(), request), "articles": articles_link(request, reviewer=r.slug)}
        for r in Reviewer.objects.filter(is_active=True)
    ]}


@api.get("/tags", response={200: schemas.TagList, **ERRORS}, summary="Tags", tags=["tags"])
def tag_list(
    request: HttpRequest,
    after: str | None = Query(None, description="The last slug of the previous page."),
    limit: int = Query(100, ge=1, le=500),
):
    """Tags on at least one published article, by slug."""
    used = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), tag=OuterRef("pk"),
        object_id__in=Article.objects.published().values("pk"),
    )
    tags = Tag.objects.filter(Exists(used)).order_by("slug")
    if after:
        tags = tags.filter(slug__gt=after)
    rows = list(tags[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [
            {"slug": t.slug, "name": t.name, "url": absolute_url(address("articles:tag", t.slug), request),
             "articles": articles_link(request, tag=t.slug)}
            for t in rows
        ],
        "next": page_link(request, after=rows[-1].slug) if more else None,
    }
