"""``make bench`` only (``VETTED_BENCH``, included by cms/urls.py): the article page without its
feedback form, through the same view, page cache and headers, so the bench can show the cached
article's throughput unchanged by the form (docs/feedback.md)."""

from django.urls import path

from . import views

urlpatterns = [
    path("article-without-feedback/<slug:slug>/", views.article_detail, {"feedback_form": False}),
]
