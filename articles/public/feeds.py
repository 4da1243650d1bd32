"""RSS 2.0 feeds: the whole site, one series, one tag. Published articles only, newest first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from taggit.models import Tag

from articles import edge
from articles.models import Article, Series, published_condition
from articles.reviews import display
from cms.pagecache.edge import mark
from cms.site import absolute_url

FEED_ITEMS = 30


class LatestArticlesFeed(Feed):
    """Every newly published article."""

    def title(self):
        return f"{settings.SITE_NAME}: latest articles"

    def description(self):
        return "Newly published, medically reviewed health articles."

    def link(self):
        return absolute_url(reverse("articles:home"))

    def feed_url(self):
        return absolute_url(reverse("articles:feed"))

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return self.articles(obj).for_listing().prefetch_related("tags").order_by("-publish_at", "-id")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """The summary and the review line, as HTML: feed readers render ``<description>`` as HTML,
        so what editors typed as plain text is escaped and shows as typed."""
        review = item.latest_review
        text = item.summary
        if review:
            reviewed = f"Medically reviewed by {review.reviewer.display_name} on {review.reviewed_on.day} {review.reviewed_on:%B %Y}."
            text = f"{text} {reviewed}"
        return escape(text)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return display.last_modified_time(item)  # a moment: the last change may be a review's day

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class SeriesFeed(LatestArticlesFeed):
    """Articles of one series as they are published."""

    def get_object(self, request, slug):
        # Like the series page: a series with nothing published yet is not public.
        series = get_object_or_404(Series.objects.filter(entries__article__in=Article.objects.published()).distinct(), slug=slug)
        mark(request, edge.series_key(series.pk))
        return series

    def title(self, obj):
        return f"{obj.title} – {settings.SITE_NAME}"

    def description(self, obj):
        return obj.description or f"Articles in the series {obj.title}."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj):
        return absolute_url(reverse("articles:series_feed", args=[obj.slug]))

    def articles(self, obj):
        return Article.objects.published().filter(series_entry__series=obj)


class TagFeed(LatestArticlesFeed):
    """Articles with one tag."""

    def get_object(self, request, slug):
        # Like the tag's page: a tag only on drafts or scheduled articles is not public.
        tag = get_object_or_404(Tag.objects.filter(published_condition(through="article__")).distinct(), slug=slug)
        mark(request, edge.tag_key(tag.pk))
        return tag

    def title(self, obj):
        return f"Articles about {obj.name} – {settings.SITE_NAME}"

    def description(self, obj):
        return f"Medically reviewed articles about {obj.name}."

    def link(self, obj):
        return absolute_url(reverse("articles:tag", args=[obj.slug]))

    def feed_url(self, obj):
        return absolute_url(reverse("articles:tag_feed", args=[obj.slug]))

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)
