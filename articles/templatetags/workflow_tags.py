"""Template tags of the editorial desk."""

import functools

from django import template
from django.urls import get_script_prefix

from articles.models import Article
from articles.review_cycle import RowUrls

register = template.Library()


@register.inclusion_tag("admin/articles/includes/waiting_for_me.html", takes_context=True)
def waiting_for_me(context, limit=20):
    """The admin index's list of articles waiting for the signed-in user."""
    user = context["request"].user
    articles = list(
        Article.objects.waiting_for(user).select_related("author", "assigned_reviewer").order_by("updated_at")[: limit + 1]
    )
    return {"articles": articles[:limit], "more": len(articles) > limit, "user": user}


@register.filter
def article_admin_url(pk):
    """The admin change page of the article ``pk``: ``{% url %}`` costs about 70 µs on each of the
    review schedule's rows; the pattern is reversed once (per script prefix) and filled in."""
    return _admin_url_pattern(get_script_prefix()).format(pk)


@functools.lru_cache(maxsize=8)
def _admin_url_pattern(script_prefix):
    return RowUrls().admin
