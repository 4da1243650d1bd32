"""The corrections log as an RSS feed: /corrections/feed/."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape

from cms.site import absolute_url

from .models import public_corrections

FEED_ITEMS = 30


class CorrectionsFeed(Feed):
    """Every public correction, newest first."""

    def title(self):
        return f"{settings.SITE_NAME}: corrections"

    def description(self):
        return "Corrections we have made to published articles, newest first."

    def link(self):
        return absolute_url(reverse("feedback:corrections"))

    def feed_url(self):
        return absolute_url(reverse("feedback:feed"))

    def items(self):
        return public_corrections()[:FEED_ITEMS]

    def item_title(self, item):
        return f"Correction: {item.article.title}"

    def item_description(self, item):
        return escape(item.comment)  # readers render <description> as HTML: shown as the editor typed it

    def item_link(self, item):
        return absolute_url(item.article.get_absolute_url()) + f"#correction-{item.pk}"

    def item_guid(self, item):
        return absolute_url(reverse("feedback:corrections")) + f"#correction-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at
