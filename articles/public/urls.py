from django.urls import path, register_converter

from articles.public import feeds, preview, views
from cms.pagecache.decorators import public_page


class TagSlugConverter:
    """A tag's slug. django-taggit keeps letters beyond ASCII in it ("Ménière's disease" is
    ``ménières-disease``), which ``<slug:>`` refuses: reversing such a tag's address raised an
    error on every page that links to it. Addresses carry those letters percent-encoded."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tagslug")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("series/", views.series_index, name="series_index"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path("reviewers/<slug:slug>/", views.reviewer_detail, name="reviewer"),
    path("tags/<tagslug:slug>/", views.tag_detail, name="tag"),
    path("preview/articles/<int:pk>/", preview.preview, name="preview"),
    path("preview/articles/<int:pk>/revisions/<int:history_id>/", preview.preview_revision, name="preview_revision"),
    path("search/", views.search, name="search"),
    path("feed/", public_page(params=())(feeds.LatestArticlesFeed()), name="feed"),
    path("series/<slug:slug>/feed/", public_page(params=())(feeds.SeriesFeed()), name="series_feed"),
    path("tags/<tagslug:slug>/feed/", public_page(params=())(feeds.TagFeed()), name="tag_feed"),
]
