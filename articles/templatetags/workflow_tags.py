"""Template tags of the editorial desk."""

from django import template

from articles.admin.dashboard import desk
from articles.content.addresses import address

register = template.Library()


@register.inclusion_tag("admin/articles/includes/waiting_for_me.html", takes_context=True)
def waiting_for_me(context, limit=10):
    """The admin index's desk: per role, what waits on the signed-in user (``articles.admin.dashboard``)."""
    user = context["request"].user
    return {"sections": desk(user, limit=limit), "user": user}


@register.filter
def article_admin_url(pk):
    """The admin change page of the article ``pk``: ``{% url %}`` costs about 70 µs on each of the
    review schedule's rows; the pattern is reversed once and filled in (``articles.content.addresses``)."""
    return address("admin:articles_article_change", pk)
