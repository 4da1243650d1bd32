"""Old article addresses keep working: a permanent redirect to where the article lives now."""

from django.http import HttpResponsePermanentRedirect

from articles.models import Article, Redirect


def record_slug_change(article, old_slug):
    """Remember ``old_slug``'s address for ``article`` after its slug changed.

    Only for articles readers may have seen (ever given a publish time). The new
    address is live again, so any redirect stored for it is dropped.
    """
    new_path = article.get_absolute_url()
    Redirect.objects.filter(old_path=new_path).delete()
    if not old_slug or old_slug == article.slug or article.publish_at is None:
        return None
    old_path = Article(slug=old_slug).get_absolute_url()
    redirect, _ = Redirect.objects.update_or_create(old_path=old_path, defaults={"article": article})
    return redirect


def redirect_for(path):
    """The public address ``path`` now redirects to, or None."""
    if "\x00" in path or len(path) > Redirect._meta.get_field("old_path").max_length:
        return None  # cannot be stored, so never redirected (and PostgreSQL refuses NUL in a query)
    redirect = (
        Redirect.objects.filter(old_path=path, article__in=Article.objects.published()).select_related("article").first()
    )
    return redirect.article.get_absolute_url() if redirect else None


class ArticleRedirectFallbackMiddleware:
    """Like django.contrib.redirects: consulted only when a page under /articles/ answered 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or not request.path.startswith("/articles/"):
            return response
        target = redirect_for(request.path)
        if target is None or target == request.path:
            return response
        return HttpResponsePermanentRedirect(target)
