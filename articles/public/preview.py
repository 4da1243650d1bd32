"""Staff-only previews of an article, or of one of its revisions, exactly as readers would see it.

The public template is reused as is; the preview template only adds a banner.
Never cached, never indexed; anonymous visitors are sent to the login page.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from articles.media import rendering as media_rendering
from articles.models import Article, RelatedLink, Series, SeriesEntry
from articles.public.structured_data import portrait_ids
from articles.reads import series as series_reads
from articles.reads.page import article_page
from articles.reads.postgresql import set_prefetched
from articles.reviews import display as review_display
from cms.site import absolute_url
from references.models import Citation, Reference


def _preview_response(request, article, series_entry, revision=None, unsaved=False):
    now = timezone.now()
    context = {
        **media_rendering.page_context(article, lambda path: absolute_url(path, request), more=portrait_ids(article)),
        "article": article,
        **review_display.page_dates(article),
        "related": [link.target for link in article.published_related_links],
        "preview": True,
        "revision": revision,
        "unsaved": unsaved,
        **series_reads.navigation(series_entry, now),
    }
    response = render(request, "articles/article_preview.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@staff_member_required
def preview(request, pk):
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    article = _article_or_404(pk)
    article.published_related_links = list(
        article.related_links.filter(target__in=Article.objects.published()).select_related("target")
    )
    return _preview_response(request, article, getattr(article, "series_entry", None))


@never_cache
@staff_member_required
def preview_revision(request, pk, history_id):
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    current = _article_or_404(pk)
    record = get_object_or_404(Article.history.model, id=pk, history_id=history_id)
    return snapshot_preview(request, current, record.instance, record.related or {}, revision=record)


def snapshot_preview(request, current, article, data, revision=None, unsaved=False):
    """The page of ``article`` (unsaved, or a revision's) with the related rows of ``data``, a revision snapshot.

    ``current`` is the saved article whose reviews the page shows (None for one not yet created).
    """
    set_prefetched(article, "reviews", list(current.reviews.all()) if current is not None else [])
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=data.get("tags", []))}
    set_prefetched(article, "tags", [tags.get(name) or Tag(name=name) for name in data.get("tags", [])])
    references = Reference.objects.select_related("source").in_bulk([c["reference_id"] for c in data.get("citations", [])])
    set_prefetched(article, "citations", [
        Citation(article=article, reference=references[c["reference_id"]], position=c["position"])
        for c in data.get("citations", []) if c["reference_id"] in references
    ])
    targets = Article.objects.published().in_bulk([r["target_id"] for r in data.get("related", [])])
    article.published_related_links = [
        RelatedLink(article=article, target=targets[r["target_id"]], position=r["position"])
        for r in data.get("related", []) if r["target_id"] in targets
    ]
    entry = None
    if data.get("series") and (series := Series.objects.filter(pk=data["series"]["series_id"]).first()):
        entry = SeriesEntry(series=series, article=article, position=data["series"]["position"], label=data["series"]["label"])
    return _preview_response(request, article, entry, revision=revision, unsaved=unsaved)


def _article_or_404(pk):
    try:
        return article_page(Article.objects, pk=pk)
    except Article.DoesNotExist:
        raise Http404("No article with this number.") from None
